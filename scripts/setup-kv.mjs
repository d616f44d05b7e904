// `npm run setup:kv` (needs a Cloudflare account: run `npx wrangler login` first). Creates the KV
// namespace for claim refs and writes its id into wrangler.toml under the CLAIM_REFS binding.
//
//   npm run setup:kv                 create the namespace "rabatt-claim-refs" and use its id
//   npm run setup:kv -- --id <id>    use an existing namespace's id (from `wrangler kv namespace list`)
//
// Running it again once an id is set does nothing (pass --force to create and use another).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BINDING = 'CLAIM_REFS';
const TITLE = 'rabatt-claim-refs';
const KV_ID = /^[0-9a-f]{32}$/;

/** wrangler.toml with the `id` of the `[[kv_namespaces]]` entry for `binding` replaced. */
export function withKvId(toml, binding, id) {
  const blocks = toml.split(/(?=^\[\[?[^\]]+\]\]?\s*$)/m);
  let found = false;
  const out = blocks.map((block) => {
    if (!/^\[\[kv_namespaces\]\]/.test(block) || !new RegExp(`^binding\\s*=\\s*"${binding}"`, 'm').test(block))
      return block;
    found = true;
    return block.replace(/^id\s*=\s*"[^"]*"/m, `id = "${id}"`);
  });
  if (!found) throw new Error(`wrangler.toml has no [[kv_namespaces]] entry with binding = "${binding}"`);
  return out.join('');
}

/** The id of the `binding` entry in wrangler.toml, if any. */
export function kvIdOf(toml, binding) {
  const block = toml
    .split(/(?=^\[\[?[^\]]+\]\]?\s*$)/m)
    .find((b) => /^\[\[kv_namespaces\]\]/.test(b) && b.includes(`"${binding}"`));
  return block ? /^id\s*=\s*"([^"]*)"/m.exec(block)?.[1] : undefined;
}

/** The namespace id in `wrangler kv namespace create`'s output (JSON or TOML snippet). */
export function idFromCreateOutput(text) {
  return /"?\bid"?\s*[:=]\s*"([0-9a-f]{32})"/.exec(text)?.[1];
}

function main(argv) {
  const path = fileURLToPath(new URL('../wrangler.toml', import.meta.url));
  const toml = readFileSync(path, 'utf8');
  const at = argv.indexOf('--id');
  let id = at >= 0 ? argv[at + 1] : undefined;
  const current = kvIdOf(toml, BINDING);
  if (!id && current && KV_ID.test(current) && !argv.includes('--force')) {
    console.log(
      `wrangler.toml already names KV namespace ${current} for ${BINDING}; nothing to do (--force to replace)`,
    );
    return 0;
  }
  if (!id) {
    const run = spawnSync('npx', ['wrangler', 'kv', 'namespace', 'create', TITLE], { encoding: 'utf8' });
    const text = `${run.stdout}\n${run.stderr}`;
    id = idFromCreateOutput(text);
    if (run.status !== 0 || !id) {
      console.error(text);
      console.error('setup:kv: could not create the namespace (logged in? `npx wrangler login`)');
      return 1;
    }
  }
  if (!KV_ID.test(id)) {
    console.error(`setup:kv: "${id}" is not a KV namespace id (32 hex digits)`);
    return 1;
  }
  writeFileSync(path, withKvId(toml, BINDING, id));
  console.log(`wrangler.toml: ${BINDING} → KV namespace ${id}. Commit the change.`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(main(process.argv.slice(2)));
