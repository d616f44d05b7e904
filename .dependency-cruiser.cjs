/**
 * The layers of docs/architecture.md, checked by dependency-cruiser in `npm run lint`.
 * Type-only imports count: a cycle through types is still a cycle a reader has to untangle.
 */
const HTTP = '^node_modules/(hono|hono-openapi|@hono)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'No import cycles, type imports included.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-knows-no-http',
      severity: 'error',
      comment: 'shared/ is plain TypeScript: HTTP (Hono and its middleware) lives in functions/.',
      from: { path: '^shared/' },
      to: { path: HTTP },
    },
    {
      name: 'shared-never-imports-functions',
      severity: 'error',
      comment: 'Imports point down: functions/ may use shared/, never the other way.',
      from: { path: '^shared/' },
      to: { path: '^functions/' },
    },
    {
      name: 'engine-imports-only-itself',
      severity: 'error',
      comment: 'The engine is pure: plain data in, plain data out (docs/semantics.md).',
      from: { path: '^shared/engine/' },
      to: { pathNot: ['^shared/engine/'] },
    },
    {
      name: 'below-the-store',
      severity: 'error',
      comment:
        'Schemas, auth, the engine and the automations language (filters, templates, URLs) sit below ' +
        'the store and what runs in the object.',
      from: { path: '^shared/(schemas|auth|engine|automations)/' },
      to: { path: '^shared/(store|maintenance|checkout)/' },
    },
    {
      name: 'one-client-of-the-object',
      severity: 'error',
      comment:
        "The RPC error wrapper has two sides: the object (account-base) and the Worker's one typed client " +
        '(functions/account-client.ts). Everything else reaches the object through that client.',
      from: {
        path: '^(shared|functions)/',
        pathNot: ['^shared/store/account-base\\.ts$', '^functions/account-client\\.ts$'],
      },
      to: { path: '^shared/store/rpc-errors\\.ts$' },
    },
    {
      name: 'no-test-code-in-source',
      severity: 'error',
      comment: 'Source never imports tests.',
      from: { path: '^(shared|functions)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Not `node_modules` here: an excluded module's edges are dropped, so `shared-knows-no-http`
    // would never see an import of hono (doNotFollow is enough to keep packages out of the cruise).
    exclude: { path: ['\\.d\\.ts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'workerd', 'default'] },
  },
};
