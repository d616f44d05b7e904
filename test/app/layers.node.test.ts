/**
 * The layers of docs/architecture.md are dependency-cruiser's rules (.dependency-cruiser.cjs, run
 * by `npm run lint`). Here: the real tree breaks none of them, and each rule catches the import it
 * forbids in a small fixture tree (so a rule that matches nothing cannot pass for a check). Also:
 * every error code the source writes is one of ERROR_CODES, and every storage key of shared/keys.ts
 * is described in docs/storage.md. Reads files and runs depcruise, so it runs in Node
 * (vitest.e2e.config.ts).
 */
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { cruise, type IForbiddenRuleType } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';
import { KV_KEYS, META_KEYS, REGISTRY_META_KEYS } from '../../shared/keys';
import { ERROR_CODES } from '../../shared/schemas/error';

const root = join(import.meta.dirname, '../..');
const config = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs')) as {
  forbidden: IForbiddenRuleType[];
  options: { exclude: { path: string[] } };
};

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

/** The rules dependency-cruiser reports for `files` cruised from `baseDir`, as `rule: from → to`. */
async function violations(baseDir: string, files: string[], tsConfig?: string): Promise<string[]> {
  const result = await cruise(files, {
    baseDir,
    ruleSet: { forbidden: config.forbidden },
    validate: true,
    tsPreCompilationDeps: true,
    preserveSymlinks: true,
    doNotFollow: { path: 'node_modules' },
    exclude: config.options.exclude,
    ...(tsConfig && { tsConfig: { fileName: tsConfig } }),
  });
  const output = result.output as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

describe('layers (dependency-cruiser)', () => {
  it('the source breaks no rule of .dependency-cruiser.cjs', async () => {
    expect(await violations(root, ['functions', 'shared'], join(root, 'tsconfig.json'))).toEqual([]);
  });

  // One wrong import per rule, each in its own file (type-only imports count).
  const fixture: Record<string, string> = {
    'shared/store/http.ts': "import type { Context } from 'hono';\nexport type C = Context;",
    'shared/store/up.ts': "import { app } from '../../functions/app';\nexport const x = app;",
    'shared/engine/impure.ts': "import type { Rule } from '../schemas/rule';\nexport type R = Rule;",
    'shared/schemas/rule.ts': 'export type Rule = { id: string };',
    'shared/schemas/over.ts': "import type { S } from '../store/rules';\nexport type O = S;",
    'shared/automations/over.ts': "import { S } from '../store/rules';\nexport const o = S;",
    'shared/store/rules.ts': "export type S = string;\nexport const S = 's';",
    'shared/store/cycle-a.ts': "import type { B } from './cycle-b';\nexport type A = B;",
    'shared/store/cycle-b.ts': "import type { A } from './cycle-a';\nexport type B = A | 1;",
    'shared/store/rpc-errors.ts': 'export const throwingErrors = 1;',
    'functions/app.ts': 'export const app = 1;',
    'functions/routes/sneaky.ts':
      "import { throwingErrors } from '../../shared/store/rpc-errors';\nexport const t = throwingErrors;",
    'functions/account-client.ts':
      "import { throwingErrors } from '../shared/store/rpc-errors';\nexport const t = throwingErrors;",
    'functions/uses-test.ts': "import { h } from '../test/helpers';\nexport const u = h;",
    'test/helpers.ts': 'export const h = 1;',
  };
  const dir = mkdtempSync(join(root, 'node_modules/.layers-fixture-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('each rule catches the import it forbids', async () => {
    for (const [file, text] of Object.entries(fixture)) {
      mkdirSync(join(dir, dirname(file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    // The fixture resolves packages (hono) from the project's node_modules, under their own path.
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    const found = await violations(dir, ['shared', 'functions']);
    const caught = (rule: string, from: string) => found.some((v) => v.startsWith(`${rule}: ${from} → `));
    expect(caught('shared-knows-no-http', 'shared/store/http.ts'), found.join('\n')).toBe(true);
    expect(caught('shared-never-imports-functions', 'shared/store/up.ts')).toBe(true);
    expect(caught('engine-imports-only-itself', 'shared/engine/impure.ts')).toBe(true);
    expect(caught('below-the-store', 'shared/schemas/over.ts')).toBe(true);
    expect(caught('below-the-store', 'shared/automations/over.ts')).toBe(true);
    expect(caught('no-cycles', 'shared/store/cycle-a.ts')).toBe(true);
    expect(caught('one-client-of-the-object', 'functions/routes/sneaky.ts')).toBe(true);
    expect(caught('one-client-of-the-object', 'functions/account-client.ts')).toBe(false);
    expect(caught('no-test-code-in-source', 'functions/uses-test.ts')).toBe(true);
    // Allowed imports stay allowed: nothing is reported for the files that import correctly.
    expect(found.filter((v) => /: (shared\/store\/rules|functions\/app|test\/helpers)\.ts → /.test(v))).toEqual([]);
  });

  it('only the typed client reaches the ACCOUNTS binding (functions/account-client.ts)', () => {
    const reaching = [...sources('functions'), ...sources('shared')].filter(
      (file) =>
        file !== 'functions/account-client.ts' && /\bACCOUNTS\s*[.?]/.test(readFileSync(join(root, file), 'utf8')),
    );
    expect(reaching).toEqual([]);
  });
});

describe('storage keys', () => {
  it('docs/storage.md describes every key shared/keys.ts names', () => {
    const doc = readFileSync(join(root, 'docs/storage.md'), 'utf8');
    const keys = [
      ...Object.values(META_KEYS),
      ...Object.values(REGISTRY_META_KEYS),
      KV_KEYS.claimRef('{aid}', '{sha'),
      KV_KEYS.account('{aid}'),
    ];
    expect(keys.filter((key) => !doc.includes(`\`${key}`))).toEqual([]);
  });

  it('no other source file spells a KV key prefix', () => {
    const spelled = [...sources('functions'), ...sources('shared')].filter(
      (file) => file !== 'shared/keys.ts' && /['`](claim-ref:|account:)/.test(readFileSync(join(root, file), 'utf8')),
    );
    expect(spelled).toEqual([]);
  });
});

/**
 * Top-level error codes as written in the source: the code argument of `new DomainError(kind,
 * code, …)` / `new HttpError(status, code, …)`, the optional code of `forbidden(…)`, and
 * `code: '…'` in an object that is not a field error (field errors carry `field`).
 */
function errorCodesIn(text: string): string[] {
  const codes: string[] = [];
  for (const m of text.matchAll(/new (?:DomainError|HttpError)\(\s*[^,]+,\s*'([^']+)'/g)) codes.push(m[1]!);
  for (const m of text.matchAll(/\bforbidden\(\s*(?:[^()]|\([^()]*\))*?,\s*'([^']+)'\s*,?\s*\)/g)) codes.push(m[1]!);
  for (const m of text.matchAll(/\bcode: '([^']+)'/g)) {
    const object = text.slice(text.lastIndexOf('{', m.index), m.index);
    if (!/\bfield\b/.test(object)) codes.push(m[1]!);
  }
  return codes;
}

describe('error codes', () => {
  it('every error code the source writes is one of ERROR_CODES (the enum OpenAPI lists)', () => {
    const listed = new Set<string>(ERROR_CODES);
    const unlisted: string[] = [];
    let seen = 0;
    for (const file of [...sources('shared'), ...sources('functions')]) {
      for (const code of errorCodesIn(readFileSync(join(root, file), 'utf8'))) {
        seen++;
        if (!listed.has(code)) unlisted.push(`${file}: ${code}`);
      }
    }
    expect(unlisted).toEqual([]);
    // The scan found the codes written literally (a scan that finds nothing proves nothing).
    expect(seen).toBeGreaterThan(15);
  });

  it('would catch a code missing from the list', () => {
    expect(errorCodesIn("throw new HttpError(429, 'slow_down', 'Wait');")).toEqual(['slow_down']);
    expect(errorCodesIn("new DomainError('conflict', 'taken', 'x')")).toEqual(['taken']);
    expect(errorCodesIn("throw forbidden(owner('session'), 'not_yours');")).toEqual(['not_yours']);
    expect(errorCodesIn("return c.json({ error: { code: 'oops', message: 'x' } }, 500);")).toEqual(['oops']);
    expect(errorCodesIn("[{ field: 'aid', code: 'regex', message: 'x' }]")).toEqual([]);
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });
});

describe('README layout table', () => {
  it('names every folder of functions/ and shared/ and every file directly in shared/', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Layout'), readme.indexOf('\n## ', readme.indexOf('## Layout') + 3));
    const entries = ['functions', 'shared'].flatMap((top) =>
      readdirSync(join(root, top), { withFileTypes: true })
        // functions/generated/ is build output (scripts/copy-scalar.mjs), not in git.
        .filter((e) => e.isDirectory() && e.name !== 'generated')
        .map((e) => `\`${top}/${e.name}/\``),
    );
    const sharedFiles = readdirSync(join(root, 'shared'), { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => `\`${e.name}\``);
    expect([...entries, ...sharedFiles].filter((name) => !table.includes(name))).toEqual([]);
  });
});
