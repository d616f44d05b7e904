// Lint: no source line over 120 characters (Biome's formatter wraps code at 120 but leaves long
// strings and comments alone; this catches those), and no source file outside test/ over 400 lines
// (a file read in one sitting, one reason to change). Usage: node scripts/check-lines.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MAX = 120;
const MAX_LINES = 400;
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(ts|tsx|mjs|js|mts)$/.test(f) && !f.startsWith('functions/generated/'));
let over = 0;
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue; // listed by git but deleted in the working tree
  }
  const lines = text.split('\n');
  const count = lines.length - (lines.at(-1) === '' ? 1 : 0);
  if (!file.startsWith('test/') && count > MAX_LINES) {
    over++;
    console.log(`${file}: ${count} lines (at most ${MAX_LINES} outside test/)`);
  }
  lines.forEach((line, i) => {
    if (line.length > MAX) {
      over++;
      console.log(`${file}:${i + 1}: ${line.length} characters (at most ${MAX})`);
    }
  });
}
if (over) {
  console.log(`${over} line(s) over ${MAX} characters or file(s) over ${MAX_LINES} lines`);
  process.exit(1);
}
