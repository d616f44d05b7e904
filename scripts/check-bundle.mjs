// `npm run check:bundle`: proves the Worker still bundles for deploy, offline and without a
// Cloudflare account (`wrangler deploy --dry-run`), and holds its compressed size to a budget.
//
// Budget: 2 MiB gzipped, against Cloudflare's limit of 3 MB on the Workers Free plan and 10 MB on
// Workers Paid (https://developers.cloudflare.com/workers/platform/limits/#worker-size). The
// margin is for growth that has to be noticed: most of today's size is the /docs page's script.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const BUDGET_BYTES = 2 * 1024 * 1024;

const outdir = mkdtempSync(join(os.tmpdir(), 'rabatt-bundle-'));
const run = spawnSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', outdir], {
  encoding: 'utf8',
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
});
const output = `${run.stdout}\n${run.stderr}`;
if (run.status !== 0) {
  console.error(output);
  console.error('check:bundle: wrangler deploy --dry-run failed');
  process.exit(1);
}

// What is uploaded: every module of the bundle, source maps excluded (wrangler does not upload them
// unless `upload_source_maps` is set). Gzipped file by file, as wrangler reports it.
const files = readdirSync(outdir).filter((f) => !f.endsWith('.map') && f !== 'README.md');
let raw = 0;
let gzip = 0;
for (const f of files) {
  const bytes = readFileSync(join(outdir, f));
  raw += statSync(join(outdir, f)).size;
  gzip += gzipSync(bytes, { level: 9 }).length;
}
rmSync(outdir, { recursive: true, force: true });

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const reported = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output);
console.log(
  `check:bundle: ${files.length} modules, ${kib(raw)}, gzip ${kib(gzip)}` +
    (reported ? ` (wrangler: ${reported[1]} KiB / gzip ${reported[2]} KiB)` : '') +
    `; budget ${kib(BUDGET_BYTES)} gzipped`,
);
const measured = Math.max(gzip, reported ? Number(reported[2]) * 1024 : 0);
if (measured > BUDGET_BYTES) {
  console.error(`check:bundle: over budget by ${kib(measured - BUDGET_BYTES)}`);
  process.exit(1);
}
