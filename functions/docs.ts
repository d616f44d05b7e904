import type { Hono } from 'hono';
import { Scalar } from '@scalar/hono-api-reference';
import { generateSpecs } from 'hono-openapi';
import type { AppEnv } from '../shared/app-env';
import { finishDocument } from '../shared/openapi';

/** Where the Worker's static assets (wrangler `[assets]`, filled by scripts/copy-scalar.mjs) serve Scalar. */
export const SCALAR_BUNDLE_PATH = '/docs/scalar.js';

/** Routes left out of the document: they describe the API rather than being part of it. */
export const UNDOCUMENTED = new Set(['GET /', 'GET /openapi.json', 'GET /docs']);

let document: Promise<Record<string, unknown>> | undefined;

/** The OpenAPI 3.1 document of `app`, built once per isolate from the routes' own metadata. */
export function openApiDocument(app: Hono<AppEnv>): Promise<Record<string, unknown>> {
  document ??= generateSpecs(app, {
    documentation: {
      info: {
        title: 'rabatt',
        version: '1.0.0',
        description:
          'A discount engine speaking the Dintero Discounts API. All amounts are integers in minor units; ' +
          'timestamps are RFC 3339 UTC. Get a token with `POST /v1/accounts/{aid}/auth/token` and send it as ' +
          '`Authorization: Bearer <token>`; every operation lists the scopes that grant it.',
      },
      servers: [{ url: '/', description: 'This server' }],
    },
    defaultValidationErrorResponse: false,
  }).then((spec) => finishDocument(spec as unknown as Record<string, unknown>));
  return document;
}

export function mountDocs(app: Hono<AppEnv>) {
  app.get('/openapi.json', async (c) => c.json(await openApiDocument(app)));
  app.get(
    '/docs',
    Scalar({
      url: '/openapi.json',
      cdn: SCALAR_BUNDLE_PATH,
      pageTitle: 'rabatt API reference',
      // Everything from this Worker: no web fonts, AI agent, toolbar or other third-party requests.
      withDefaultFonts: false,
      agent: { disabled: true },
      showDeveloperTools: 'never',
      telemetry: false,
    } as Parameters<typeof Scalar>[0]),
  );
}
