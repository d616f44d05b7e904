// `npm run bench [-- name ...] [-- --quick] [-- --write]`: runs every benchmark in bench/ (or the
// named ones), one after the other so they do not compete for the two cores. Every flag (and a
// number following a flag, as in `--seconds 1`) goes to each benchmark: `--quick` for a smoke run,
// `--write` to replace each benchmark's section of bench/RESULTS.md.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const isValue = (a, i) => i > 0 && args[i - 1].startsWith('--') && !Number.isNaN(Number(a));
const names = args.filter((a, i) => !a.startsWith('--') && !isValue(a, i));
const flags = args.filter((a, i) => a.startsWith('--') || isValue(a, i));
const benches = readdirSync('bench')
  .filter((f) => /\.bench\.(mjs|ts)$/.test(f))
  .filter((f) => !names.length || names.some((n) => f.startsWith(n)))
  .sort();

const failed = [];
for (const file of benches) {
  console.log(`\n=== bench/${file} ===\n`);
  let entry = join('bench', file);
  if (file.endsWith('.ts')) {
    // Pure TypeScript benchmarks (the engine) run in Node after a quick bundle. The harness stays
    // outside it, imported from bench/, so it still finds the repository and its packages.
    const out = join(mkdtempSync(join(os.tmpdir(), 'rabatt-bench-')), file.replace(/\.ts$/, '.mjs'));
    const harness = {
      name: 'harness',
      setup: (b) =>
        b.onResolve({ filter: /\/harness\.mjs$/ }, () => ({ path: resolve('bench/harness.mjs'), external: true })),
    };
    await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: out,
      logLevel: 'error',
      plugins: [harness],
    });
    entry = out;
  }
  const run = spawnSync(process.execPath, [entry, ...flags], { stdio: 'inherit' });
  if (run.status !== 0) failed.push(file);
}
if (failed.length) console.error(`\nFailed: ${failed.join(', ')}`);
process.exit(failed.length ? 1 : 0);
