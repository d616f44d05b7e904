/**
 * The layers of docs/architecture.md, checked on the source: shared/ (store, engine, schemas, auth)
 * knows nothing of HTTP or of functions/, the engine imports only itself, and every `error.code`
 * written anywhere is one of ERROR_CODES. Read from disk, so it runs in Node (vitest.e2e.config.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../shared/schemas/error';

const root = join(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

/** Every module a file imports (static, dynamic, type-only, re-exports), as written. */
function importsOf(text: string): string[] {
  const found = text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g);
  return [...found].map((m) => m[1]!);
}

const HTTP_PACKAGE = /^(hono|hono\/.*|hono-openapi|@hono\/.*)$/;

/** What `file` may not import, or undefined when the import is fine. */
function breaks(file: string, spec: string): string | undefined {
  if (!file.startsWith('shared/')) return undefined;
  if (HTTP_PACKAGE.test(spec)) return 'HTTP library in shared/ (HTTP lives in functions/)';
  if (!spec.startsWith('.')) return undefined;
  const target = relative(root, resolve(root, dirname(file), spec));
  if (target.startsWith('functions/') || target === 'functions') return 'shared/ imports functions/';
  if (file.startsWith('shared/engine/') && !target.startsWith('shared/engine')) {
    return 'the engine imports only shared/engine (plain data in, plain data out)';
  }
  const storeSide = /^shared\/(store|maintenance|checkout)(\/|$)/;
  if (/^shared\/(schemas|auth|engine)\//.test(file) && storeSide.test(target)) {
    return 'schemas and auth sit below the store';
  }
  return undefined;
}

function violations(files: string[]): string[] {
  return files.flatMap((file) => {
    const text = readFileSync(join(root, file), 'utf8');
    return importsOf(text).flatMap((spec) => {
      const why = breaks(file, spec);
      return why ? [`${file} imports '${spec}': ${why}`] : [];
    });
  });
}

describe('layers', () => {
  it('shared/ imports no HTTP library and nothing from functions/; the engine only itself', () => {
    expect(violations(sources('shared'))).toEqual([]);
  });

  it('would catch each kind of wrong import (the check itself works)', () => {
    const wrong = [
      "import { Hono } from 'hono';",
      "import type { Context } from 'hono';",
      "import { validator } from 'hono/validator';",
      "import { resolver } from 'hono-openapi';",
      "import { zValidator } from '@hono/zod-validator';",
      "import { guard } from '../../functions/auth/guard';",
      "const app = await import('../../functions/app');",
      "export { doc } from '../../functions/openapi';",
    ];
    for (const line of wrong) {
      const [spec] = importsOf(line);
      expect(breaks('shared/store/rules.ts', spec!), line).toBeDefined();
    }
    expect(breaks('shared/engine/match.ts', '../store/refs')).toBeDefined();
    expect(breaks('shared/schemas/rule.ts', '../store/rules')).toBeDefined();
    expect(breaks('shared/store/rules.ts', '../schemas/parse')).toBeUndefined();
    expect(breaks('functions/app.ts', 'hono')).toBeUndefined();
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
