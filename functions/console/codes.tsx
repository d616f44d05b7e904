import { Hono, type Context } from 'hono';
import { type ApiProblem, fromForm, oneOf } from './api';
import type { ConsoleEnv } from './env';
import { formValues, type FormValues } from './form';
import { Field, Notice, Page, Problem, when } from './layout';

/** `/console/codes/{rule id}`: a rule's code pool (docs/codes.md): generate, import, export. */
type C = Context<ConsoleEnv>;
const PAGE = 100;
const STATES = [
  ['all', 'All'],
  ['available', 'Uses left'],
  ['used', 'Used'],
] as const;
const CODE_STATES = STATES.map(([state]) => state);

/** Codes typed one per line (or separated by commas or spaces). */
const codesOf = (text: string) => text.split(/[\s,]+/).filter(Boolean);

async function page(c: C, created?: string[], problem?: ApiProblem, values: FormValues = {}) {
  const did = c.req.param('did') as string;
  const api = c.get('api');
  const state = c.req.query('state') ?? 'all';
  const after = c.req.query('starting_after') ?? '';
  const [rule, codes] = await Promise.all([
    api.send(() => api.typed.api.discounts.rules[':did'].$get({ param: api.params({ did }), query: {} })),
    api.send(() =>
      api.typed.refs.discounts.rules[':did'].codes.$get({
        param: api.params({ did }),
        query: { state: oneOf(CODE_STATES, state, 'all'), starting_after: after, limit: String(PAGE) },
      }),
    ),
  ]);
  const list = codes.ok ? codes.body : [];
  const name = rule.ok ? rule.body.name || did : did;
  return c.html(
    <Page title={`Codes: ${name}`} who={c.get('who')} current="/console/rules">
      <p>
        <a href={`/console/rules/${did}`}>Back to the rule</a>. Once a rule has codes it applies only to purchases
        naming one of them with a use left.
      </p>
      {created && (
        <Notice kind="good">
          {created.length} codes created{created.length > 0 ? `: ${created.slice(0, 20).join(', ')}` : ''}
          {created.length > 20 ? ' …' : ''}
        </Notice>
      )}
      <Problem problem={problem ?? (codes.ok ? undefined : codes.error)} />
      <h2>Generate</h2>
      <form method="post" action={`/console/codes/${did}/generate`} class="row">
        <Field
          name="count"
          label="How many (1–1000)"
          value={values.count ?? '100'}
          inputmode="numeric"
          errors={problem?.errors}
        />
        <Field name="prefix" label="Prefix" value={values.prefix} placeholder="NEWS-" errors={problem?.errors} />
        <Field
          name="usage"
          label="Uses per code"
          value={values.usage ?? '1'}
          inputmode="numeric"
          errors={problem?.errors}
        />
        <button type="submit">Generate</button>
      </form>
      <h2>Import</h2>
      <form method="post" action={`/console/codes/${did}/import`} class="stack">
        <Field
          name="codes"
          label="Codes, one per line (at most 1000)"
          value={values.codes}
          textarea
          errors={problem?.errors}
        />
        <Field name="usage" label="Uses per code" value={values.usage ?? '1'} inputmode="numeric" />
        <div class="row">
          <button type="submit">Import</button>
        </div>
      </form>
      <h2>Codes</h2>
      <form method="get" action={`/console/codes/${did}`} class="row" aria-label="Filter codes">
        <Field name="state" label="Show" value={state} options={STATES} />
        <button type="submit" class="secondary">
          Filter
        </button>
        <a class="button secondary" href={`/console/codes/${did}/export.csv?state=${state}`}>
          Export CSV
        </a>
      </form>
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th>Code</th>
              <th class="num">Uses</th>
              <th class="num">Used</th>
              <th>Created</th>
              <th>Last used</th>
            </tr>
          </thead>
          <tbody>
            {list.map((code) => (
              <tr>
                <td>
                  <code>{code.code}</code>
                </td>
                <td class="num">{code.usage}</td>
                <td class="num">{code.used}</td>
                <td>{when(code.created_at)}</td>
                <td>{when(code.last_used_at ?? undefined)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.length === PAGE && (
        <p>
          <a href={`/console/codes/${did}?state=${state}&starting_after=${encodeURIComponent(list[PAGE - 1]!.code)}`}>
            Next page
          </a>
        </p>
      )}
    </Page>,
    problem ? 400 : 200,
  );
}

const whole = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s.trim()) ? Number(s.trim()) : s);

async function create(c: C, kind: 'generate' | 'import') {
  const did = c.req.param('did') as string;
  const values = await formValues(c.req);
  const usage = whole(values.usage || '1');
  const body =
    kind === 'generate'
      ? { count: whole(values.count), prefix: values.prefix ?? '', usage }
      : { codes: codesOf(values.codes ?? ''), usage };
  const api = c.get('api');
  const answer = await api.send(() =>
    api.typed.refs.discounts.rules[':did'].codes.$post({ param: api.params({ did }), json: fromForm(body) }),
  );
  return answer.ok ? page(c, answer.body.codes) : page(c, undefined, answer.error, values);
}

/** Every code of the chosen state as CSV, paged through the API 1000 at a time. */
async function exportCsv(c: C) {
  const did = c.req.param('did') as string;
  const state = c.req.query('state') ?? 'all';
  const lines = ['code,usage,used,created_at,last_used_at'];
  let after = '';
  for (;;) {
    const api = c.get('api');
    const answer = await api.send(() =>
      api.typed.refs.discounts.rules[':did'].codes.$get({
        param: api.params({ did }),
        query: { state: oneOf(CODE_STATES, state, 'all'), starting_after: after, limit: '1000' },
      }),
    );
    if (!answer.ok) return page(c, undefined, answer.error);
    for (const x of answer.body) {
      const quoted = /[",\n]/.test(x.code) ? `"${x.code.replaceAll('"', '""')}"` : x.code;
      lines.push([quoted, x.usage, x.used, x.created_at, x.last_used_at ?? ''].join(','));
    }
    if (answer.body.length < 1000) break;
    after = answer.body[answer.body.length - 1]!.code;
  }
  return c.body(`${lines.join('\n')}\n`, 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="codes-${did}.csv"`,
  });
}

export const codePages = new Hono<ConsoleEnv>()
  .get('/:did', (c) => page(c))
  .get('/:did/export.csv', exportCsv)
  .post('/:did/generate', (c) => create(c, 'generate'))
  .post('/:did/import', (c) => create(c, 'import'));
