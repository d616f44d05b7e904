// `npm run dev` works on a fresh clone: create .dev.vars from the example when it is missing.
import { copyFileSync, existsSync } from 'node:fs';

if (!existsSync('.dev.vars')) {
  copyFileSync('.dev.vars.example', '.dev.vars');
  console.log('Created .dev.vars from .dev.vars.example (dev-only credentials).');
}
