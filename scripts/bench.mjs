// `npm run bench [-- name ...]`: runs every benchmark in bench/ (or the named ones), one after the
// other so they do not compete for the two cores. Extra flags after `--` go to each benchmark.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const names = args.filter((a) => !a.startsWith('--'));
const flags = args.filter((a) => a.startsWith('--'));
const benches = readdirSync('bench')
  .filter((f) => /\.bench\.(mjs|ts)$/.test(f))
  .filter((f) => !names.length || names.some((n) => f.startsWith(n)))
  .sort();

let failed = 0;
for (const file of benches) {
  console.log(`\n## ${file}\n`);
  let entry = join('bench', file);
  if (file.endsWith('.ts')) {
    // Pure TypeScript benchmarks (the engine) run in Node after a quick bundle.
    const out = join(mkdtempSync(join(os.tmpdir(), 'rabatt-bench-')), file.replace(/\.ts$/, '.mjs'));
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'error' });
    entry = out;
  }
  const run = spawnSync(process.execPath, [entry, ...flags], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
