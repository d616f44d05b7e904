import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { idFromCreateOutput, kvIdOf, withKvId } from '../../scripts/setup-kv.mjs';

const toml = readFileSync(new URL('../../wrangler.toml', import.meta.url), 'utf8');
const ID = '0123456789abcdef0123456789abcdef';

describe('npm run setup:kv', () => {
  it("writes the namespace id into CLAIM_REFS' entry of wrangler.toml and nothing else", () => {
    const written: string = withKvId(toml, 'CLAIM_REFS', ID);
    expect(kvIdOf(written, 'CLAIM_REFS')).toBe(ID);
    expect(written.replace(ID, kvIdOf(toml, 'CLAIM_REFS'))).toBe(toml);
    expect(() => withKvId(toml, 'NO_SUCH_BINDING', ID)).toThrow(/no \[\[kv_namespaces\]\]/);
  });

  it("reads the id from wrangler's answer, in JSON or TOML", () => {
    expect(idFromCreateOutput(`✨ Success!\n{\n  "kv_namespaces": [\n    { "binding": "x", "id": "${ID}" }`)).toBe(ID);
    expect(idFromCreateOutput(`[[kv_namespaces]]\nbinding = "x"\nid = "${ID}"`)).toBe(ID);
    expect(idFromCreateOutput('✘ [ERROR] Not logged in')).toBeUndefined();
  });
});
