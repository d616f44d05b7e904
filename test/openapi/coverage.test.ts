import { describe, expect, it } from 'vitest';
import app from '../../functions/app';
import { CONSOLE_PATH } from '../../functions/console';
import { SCALAR_BUNDLE_PATH, UNDOCUMENTED } from '../../functions/docs';
import { call, json } from '../helpers';

type Operation = { summary?: string; tags?: string[]; security?: unknown[]; responses: Record<string, unknown> };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: Record<string, any> };

const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z_]+)(\{[^}]*\})?\??/g, '{$1}');

/**
 * Every method+path the app answers. Left out: middleware (`ALL`), CORS preflights (`OPTIONS`, not
 * part of an API contract), the routes that describe the API (`UNDOCUMENTED`) and the console's HTML
 * pages (`CONSOLE_PATH`, docs/console.md), which are a client of the API, not part of it.
 */
function appRoutes(): string[] {
  const keys = app.routes
    .filter((r) => r.method !== 'ALL' && r.method !== 'OPTIONS' && !r.path.startsWith(CONSOLE_PATH))
    .map((r) => `${r.method} ${toOpenApiPath(r.path)}`)
    .filter((key) => !UNDOCUMENTED.has(key));
  return [...new Set(keys)].sort();
}

async function document(): Promise<Document> {
  const { status, body, headers } = await json<Document>(call('GET', '/openapi.json'));
  expect(status).toBe(200);
  expect(headers.get('content-type')).toMatch(/^application\/json/);
  return body;
}

describe('GET /openapi.json', () => {
  it('documents every route of the app', async () => {
    const doc = await document();
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)),
    );
    const missing = appRoutes().filter((key) => !documented.has(key));
    expect(
      missing,
      `routes missing from the OpenAPI document (wrap them with doc(...) from functions/openapi.ts)`,
    ).toEqual([]);
    // And nothing documented that the app does not answer.
    expect([...documented].filter((key) => !appRoutes().includes(key))).toEqual([]);
  });

  it('gives each operation a summary, tag, security, a success answer and ErrorBody errors', async () => {
    const doc = await document();
    expect(doc.openapi).toBe('3.1.0');
    const problems: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const key = `${method.toUpperCase()} ${path}`;
        if (!op.summary) problems.push(`${key}: no summary`);
        if (!op.tags?.length) problems.push(`${key}: no tag`);
        if (!Array.isArray(op.security)) problems.push(`${key}: no security (use scopes: [...], 'public' or 'client')`);
        const statuses = Object.keys(op.responses);
        // Dintero operations rabatt does not serve answer only 501 (docs/customers.md, "Not served").
        if (!statuses.some((s) => s.startsWith('2')) && !statuses.includes('501'))
          problems.push(`${key}: no 2xx answer`);
        for (const s of ['400', '500']) if (!statuses.includes(s)) problems.push(`${key}: no ${s}`);
        if (
          (op.security as object[]).some((r) => 'bearerAuth' in r) &&
          !(statuses.includes('401') && statuses.includes('403'))
        ) {
          problems.push(`${key}: authenticated but no 401/403`);
        }
        for (const s of statuses.filter((s) => s >= '400')) {
          const schema = (op.responses[s] as any)?.content?.['application/json']?.schema;
          if (schema?.$ref !== '#/components/schemas/ErrorBody') problems.push(`${key}: ${s} is not an ErrorBody`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('declares bearer JWT security with scopes and the shared error component', async () => {
    const doc = await document();
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    expect(doc.components.schemas.ErrorBody.properties.error.required).toEqual(['code', 'message']);
    const rules = doc.paths['/v1/accounts/{aid}/discounts/rules']!;
    expect(rules.get!.security).toEqual([{ bearerAuth: ['admin:discounts', 'read:discounts'] }]);
    expect(rules.post!.security).toEqual([{ bearerAuth: ['admin:discounts', 'write:discounts'] }]);
    expect(doc.paths['/v1/accounts/{aid}/auth/token']!.post!.security).toEqual([{ clientCredentials: [] }]);
  });

  it('documents repeated and numeric query parameters as a client sends them', async () => {
    const doc = await document();
    const params = (doc.paths['/v1/accounts/{aid}/discounts/rules']!.get as any).parameters as any[];
    const byName = Object.fromEntries(params.map((p) => [p.name, p]));
    expect(byName.campaign_id.schema).toEqual({
      type: 'array',
      items: { type: 'string', minLength: 1, maxLength: 255 },
      maxItems: 50,
    });
    expect(byName.include.schema).toEqual({
      type: 'array',
      items: { enum: ['statistics'], type: 'string' },
      maxItems: 1000,
    });
    expect(byName.limit.schema).toEqual({ type: 'integer', minimum: 1, maximum: 100, default: 10 });
    expect(byName.aid).toMatchObject({ in: 'path', required: true, schema: { pattern: '^[PT]\\d{8}$' } });
  });

  it('shows the seed rule as the example of rule answers and of the create body', async () => {
    const doc = await document();
    const list = (doc.paths['/v1/accounts/{aid}/discounts/rules']!.get!.responses['200'] as any).content[
      'application/json'
    ];
    expect(list.example[0]).toMatchObject({
      id: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
      name: 'Spar 100,-',
      type: 'item',
    });
    const body = (doc.paths['/v1/accounts/{aid}/discounts/rules']!.post as any).requestBody.content['application/json'];
    expect(body.example).toMatchObject({ receipt_text: 'Mai Salg', reward: { type: 'discount_amount', value: 10000 } });
    expect(body.example.id).toBeUndefined();
    expect(body.schema.required).toEqual(['requirement', 'reward']);
  });
});

describe('GET /docs', () => {
  it('serves the Scalar page that loads the bundle from this Worker and the document from /openapi.json', async () => {
    const res = await call('GET', '/docs');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<title>rabatt API reference</title>');
    const scripts = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts).toEqual([SCALAR_BUNDLE_PATH]);
    expect(html).toContain('/openapi.json');
  });

  it('serves the bundle from the Worker itself', async () => {
    const res = await call('GET', SCALAR_BUNDLE_PATH);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    expect((await res.text()).length).toBeGreaterThan(100_000);
  });
});
