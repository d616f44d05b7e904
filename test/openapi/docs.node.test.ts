/**
 * The document and the docs page as a client sees them, from a Worker started with `wrangler dev`
 * (static assets included): the document validates against the OpenAPI 3.1 schema, its examples
 * match their schemas, and /docs renders in a real headless Chromium without any outside request.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, root, startWorker, type DevWorker } from '../wrangler-dev';

let worker: DevWorker;
let origin = '';

beforeAll(async () => {
  execFileSync(process.execPath, [join(root, 'scripts/copy-scalar.mjs')]);
  worker = await startWorker();
  origin = worker.origin;
});

afterAll(() => worker?.stop());

const getDocument = async () => (await fetch(`${origin}/openapi.json`)).json() as Promise<any>;

describe('wrangler dev', () => {
  // The README's way to run the cron locally. (With Workers Assets configured, wrangler dev answers
  // this route with "exception"; that is why the docs bundle is a text module instead.)
  it('runs the scheduled cleanup on /cdn-cgi/handler/scheduled', async () => {
    const res = await fetch(`${origin}/cdn-cgi/handler/scheduled`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
  });
});

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(await getDocument());
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('has examples that match their own schemas', async () => {
    const doc = await getDocument();
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
      ajv.addSchema(schema as object, `#/components/schemas/${name}`);
    }
    const problems: string[] = [];
    let checked = 0;
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        const media = [
          ['request', op.requestBody?.content?.['application/json']],
          ...Object.entries<any>(op.responses).map(([s, r]) => [s, r?.content?.['application/json']]),
        ] as [string, any][];
        for (const [where, m] of media) {
          if (!m?.schema || m.example === undefined) continue;
          checked++;
          const validate = ajv.compile(m.schema);
          if (!validate(m.example))
            problems.push(`${method.toUpperCase()} ${path} ${where}: ${ajv.errorsText(validate.errors)}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(5);
  });

  // An outside reading: Redocly's linter (recommended rules) finds no example its schema refuses,
  // including properties an example has that the schema does not declare, which ajv above allows.
  it('passes Redocly lint with no problems', async () => {
    const file = join(worker.scratch, 'openapi.json');
    writeFileSync(file, JSON.stringify(await getDocument()));
    const cli = join(root, 'node_modules/@redocly/cli/bin/cli.js');
    const config = join(root, 'test/openapi/redocly.yaml');
    let out: string;
    try {
      out = execFileSync(process.execPath, [cli, 'lint', file, '--config', config, '--format=json'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      });
    } catch (e) {
      out = (e as { stdout: string }).stdout; // exit code 1 when there are errors; the JSON says which
    }
    const report = JSON.parse(out) as {
      problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
    };
    expect(report.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`)).toEqual([]);
  });
});

describe('/docs', () => {
  const skip = !existsSync(CHROMIUM) && !process.env.CI;
  if (skip)
    console.warn(`Skipping the /docs browser test: ${CHROMIUM} is missing (apt-get install chromium). CI installs it.`);

  it.skipIf(skip)('renders the API reference in headless Chromium, offline', async () => {
    const doc = await getDocument();
    const context = await chromium.launchPersistentContext(join(worker.scratch, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
    });
    try {
      const page = await context.newPage();
      const outside: string[] = [];
      await page.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (url.origin === origin || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
        outside.push(url.href);
        return route.abort();
      });
      await page.goto(`${origin}/docs`);
      await page.locator('.endpoint').first().waitFor({ timeout: 30_000 });
      expect(await page.title()).toBe('rabatt API reference');
      expect(await page.locator('.endpoint').count()).toBeGreaterThan(0);
      await expect.poll(() => page.getByText('Get an access token').first().isVisible()).toBe(true);
      const tags = [
        ...new Set(Object.values<any>(doc.paths).flatMap((ops) => Object.values<any>(ops).flatMap((op) => op.tags))),
      ];
      for (const tag of tags)
        expect(await page.getByText(tag, { exact: true }).count(), `tag ${tag}`).toBeGreaterThan(0);
      mkdirSync(join(root, 'test-artifacts'), { recursive: true });
      await page.screenshot({ path: join(root, 'test-artifacts/docs.png') });
      expect(outside, 'the page must load nothing from outside this Worker').toEqual([]);
    } finally {
      await context.close();
    }
  });
});
