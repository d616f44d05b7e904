import type { Hono } from 'hono';
import { Scalar } from '@scalar/hono-api-reference';
import { generateSpecs } from 'hono-openapi';
import type { AppEnv } from './app-env';
import { finishDocument } from './openapi';

// Scalar's standalone bundle, copied from node_modules on install (scripts/copy-scalar.mjs) and
// bundled as text (wrangler.toml `[[rules]]`), so /docs needs nothing from the internet.
import scalarBundle from './generated/scalar.bundle.txt';

/** Where this Worker serves Scalar's browser bundle. */
export const SCALAR_BUNDLE_PATH = '/docs/scalar.js';

/** Routes left out of the document: they describe the API rather than being part of it. */
export const UNDOCUMENTED = new Set(['GET /', 'GET /openapi.json', 'GET /docs', `GET ${SCALAR_BUNDLE_PATH}`]);

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
  app.get(SCALAR_BUNDLE_PATH, (c) =>
    c.body(scalarBundle, 200, {
      'content-type': 'application/javascript; charset=utf-8',
      'cache-control': 'public, max-age=3600',
    }),
  );
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
