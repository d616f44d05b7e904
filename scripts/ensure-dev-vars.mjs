// `npm run dev` works on a fresh clone: create .dev.vars from the example when it is missing, and
// add any variable the example gained since (e.g. after a pull) without touching existing values.
import { appendFileSync, copyFileSync, existsSync, readFileSync } from 'node:fs';

const names = (text) => new Set([...text.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));

if (!existsSync('.dev.vars')) {
  copyFileSync('.dev.vars.example', '.dev.vars');
  console.log('Created .dev.vars from .dev.vars.example (dev-only credentials).');
} else {
  const example = readFileSync('.dev.vars.example', 'utf8');
  const have = names(readFileSync('.dev.vars', 'utf8'));
  const missing = example.split('\n').filter((line) => /^([A-Z0-9_]+)=/.test(line) && !have.has(line.split('=')[0]));
  if (missing.length) {
    appendFileSync('.dev.vars', `\n${missing.join('\n')}\n`);
    console.log(`Added to .dev.vars from the example: ${missing.map((l) => l.split('=')[0]).join(', ')}`);
  }
}
