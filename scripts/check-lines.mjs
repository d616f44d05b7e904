// Lint: no source line over 120 characters. Biome's formatter wraps code at 120 but leaves long
// strings and comments alone; this catches those. Usage: node scripts/check-lines.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MAX = 120;
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
  text.split('\n').forEach((line, i) => {
    if (line.length > MAX) {
      over++;
      console.log(`${file}:${i + 1}: ${line.length} characters (at most ${MAX})`);
    }
  });
}
if (over) {
  console.log(`${over} line(s) over ${MAX} characters`);
  process.exit(1);
}
