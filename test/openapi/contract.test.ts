/**
 * The document cannot drift from the behaviour: every documented operation is called
 * (contract-cases.ts) and each answer must have a documented status and match the schema
 * documented for it: the same valibot schema the route's `doc(...)` declared.
 */
import { describe, expect, it } from 'vitest';
import { findTargetHandler } from 'hono/utils/handler';
import { uniqueSymbol } from 'hono-openapi';
import app from '../../functions/app';
import { ALL_SCOPES } from '../../shared/auth/scopes';
import { errorBodySchema } from '../../shared/schemas/error';
import * as v from 'valibot';
import { call, json, ruleBody, tokenWith } from '../helpers';
import type { CaseContext } from './case';
import { cases } from './contract-cases';

type Validate = (
  value: unknown,
) => { issues?: readonly { message: string; path?: readonly unknown[] }[] } | Promise<unknown>;
type DocumentedResponse = { content?: Record<string, { schema?: { validate?: Validate } | { $ref: string } }> };

const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z_]+)(\{[^}]*\})?\??/g, '{$1}');

/** The responses each route declared with doc(...), keyed `METHOD /openapi/path`. */
function declaredResponses(): Map<string, Record<string, DocumentedResponse>> {
  const byRoute = new Map<string, Record<string, DocumentedResponse>>();
  for (const route of app.routes) {
    const meta = (
      findTargetHandler(route.handler) as unknown as Record<
        symbol,
        { spec?: { responses?: Record<string, DocumentedResponse> } }
      >
    )[uniqueSymbol];
    if (meta?.spec?.responses) byRoute.set(`${route.method} ${toOpenApiPath(route.path)}`, meta.spec.responses);
  }
  return byRoute;
}

const { body: document } = await json<{ paths: Record<string, Record<string, { responses: Record<string, any> }>> }>(
  call('GET', '/openapi.json'),
);
const operations = Object.entries(document.paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, responses: op.responses })),
);
const declared = declaredResponses();

let accounts = 0;
async function context(): Promise<CaseContext> {
  const aid = `T${String(77000000 + ++accounts)}`;
  const token = await tokenWith([...ALL_SCOPES], aid);
  const base = `/v1/accounts/${aid}`;
  return {
    aid,
    base,
    token,
    async rule(overrides = {}) {
      const res = await call('POST', `${base}/discounts/rules`, { token, body: ruleBody(overrides) });
      expect(res.status).toBe(200);
      return (await res.json()) as { id: string };
    },
  };
}

async function problemsOf(key: string, documented: Record<string, any>, res: Response): Promise<string[]> {
  const status = String(res.status);
  const text = await res.text();
  const entry = documented[status];
  if (!entry)
    return [
      `${key} answered ${status}, which is not documented (${Object.keys(documented).join(', ')}): ` +
        `${text.slice(0, 200)}`,
    ];
  const media = entry.content?.['application/json'];
  if (!media)
    return text === '' ? [] : [`${key} ${status}: documented without a body but answered ${text.slice(0, 200)}`];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`${key} ${status}: not JSON`];
  }
  const schema = declared.get(key)?.[status]?.content?.['application/json']?.schema;
  let result: unknown;
  if (schema && 'validate' in schema && schema.validate) {
    result = await schema.validate(body);
  } else if (media.schema?.$ref === '#/components/schemas/ErrorBody') {
    const parsed = v.safeParse(errorBodySchema, body);
    result = parsed.success ? {} : { issues: parsed.issues };
  } else {
    return [`${key} ${status}: no schema to check against`];
  }
  const issues = (result as { issues?: { message: string; path?: { key: unknown }[] }[] }).issues ?? [];
  return issues.map(
    (i) => `${key} ${status}: ${(i.path ?? []).map((p) => String(p.key)).join('.') || '(body)'}: ${i.message}`,
  );
}

describe('contract: answers match the OpenAPI document', () => {
  it('has a representative call for every documented operation', () => {
    const missing = operations.map((o) => o.key).filter((key) => !cases[key]);
    expect(missing, 'add an entry per operation to test/openapi/contract-cases.ts').toEqual([]);
    const stale = Object.keys(cases).filter((key) => !operations.some((o) => o.key === key));
    expect(stale, 'cases for operations the document does not have').toEqual([]);
  });

  it('flags an answer whose status or body the document does not have', async () => {
    const key = 'GET /v1/accounts/{aid}/discounts/rules';
    const { responses } = operations.find((o) => o.key === key)!;
    const wrongShape = await problemsOf(key, responses, Response.json([{ id: 'not-a-rule' }]));
    expect(wrongShape.length).toBeGreaterThan(0);
    expect(await problemsOf(key, responses, Response.json({}, { status: 418 }))).toEqual([
      expect.stringContaining('answered 418, which is not documented'),
    ]);
    const badError = await problemsOf(key, responses, Response.json({ message: 'flat' }, { status: 400 }));
    expect(badError.length).toBeGreaterThan(0);
  });

  for (const { key, responses } of operations.filter((o) => cases[o.key])) {
    it(key, async () => {
      const answered = await cases[key]!(await context());
      const list = Array.isArray(answered) ? answered : [answered];
      // Operations rabatt does not serve document only 501 (docs/customers.md, "Not served").
      const neverServed = Object.hasOwn(responses, '501');
      expect(
        list.some((r) => (r.status >= 200 && r.status < 300) || (neverServed && r.status === 501)),
        `${key}: no call succeeded`,
      ).toBe(true);
      const problems = (await Promise.all(list.map((res) => problemsOf(key, responses, res)))).flat();
      expect(problems).toEqual([]);
    });
  }
});
