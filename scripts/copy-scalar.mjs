// Puts Scalar's standalone browser bundle where the Worker imports it as text (wrangler `[[rules]]`
// type Text), so /docs works offline: the page loads it from this Worker, never from a CDN.
// Runs on `npm install` (postinstall) and before `dev`/`test`; the copy is not committed.
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The package's `exports` do not name this file, so it is found by path.
const source = join(root, 'node_modules/@scalar/api-reference/dist/browser/standalone.js');
try {
  statSync(source);
} catch {
  // A production-only install has no dev dependencies; /docs then needs the file deployed otherwise.
  console.warn('copy-scalar: @scalar/api-reference is not installed; /docs will have no bundle');
  process.exit(0);
}
const target = join(root, 'functions/generated/scalar.bundle.txt');
mkdirSync(dirname(target), { recursive: true });
copyFileSync(source, target);
