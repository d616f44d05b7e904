import { Hono, type Context } from 'hono';
import { type ApiProblem, fromForm } from './api';
import type { ConsoleEnv } from './env';
import { formValues, splitList } from './form';
import { Field, Notice, Page, Problem, when } from './layout';

type C = Context<ConsoleEnv>;
const FIELDS = ['public_offers', 'retention_days', 'secret'];

async function show(c: C, problem?: ApiProblem, secretProblem?: ApiProblem) {
  const api = c.get('api');
  const [settings, signature, maintenance] = await Promise.all([
    api.send(() => api.typed.api.settings.$get({ param: api.params({}) })),
    api.send(() => api.typed.api.checkout.signature.$get({ param: api.params({}) })),
    api.send(() => api.typed.refs.maintenance.$get({ param: api.params({}) })),
  ]);
  const s = settings.ok ? settings.body : undefined;
  const run = maintenance.ok ? maintenance.body.last_run : null;
  const saved = c.req.query('saved');
  return c.html(
    <Page title="Settings" who={c.get('who')} current="/console/settings">
      {saved && <Notice kind="good">Saved.</Notice>}
      <Problem problem={settings.ok ? problem : settings.error} fields={FIELDS} />
      {s && (
        <form method="post" action="/console/settings" class="stack" novalidate>
          <fieldset>
            <legend>Public offers</legend>
            <div class="check">
              <input type="hidden" name="public_offers.anonymous" value="false" />
              <input
                type="checkbox"
                id="f-anonymous"
                name="public_offers.anonymous"
                value="true"
                checked={s.public_offers.anonymous}
              />
              <label for="f-anonymous">Serve the public list without a token</label>
            </div>
            <Field
              name="public_offers.allowed_origins"
              label="Allowed origins"
              value={s.public_offers.allowed_origins.join(', ')}
              hint="Comma-separated, e.g. https://shop.example.com, or *"
              errors={problem?.errors}
            />
            <Field
              name="public_offers.max_age"
              label="Max age (seconds)"
              value={s.public_offers.max_age}
              inputmode="numeric"
              errors={problem?.errors}
            />
          </fieldset>
          <Field
            name="retention_days"
            label="Retention (days)"
            value={s.retention_days}
            hint="How long deleted rules, refs and customers are kept before the cleanup removes them"
            inputmode="numeric"
            errors={problem?.errors}
          />
          <div class="row">
            <button type="submit">Save settings</button>
          </div>
        </form>
      )}
      <h2>Checkout signature secret</h2>
      <p>
        {signature.ok
          ? signature.body.configured
            ? `Set ${when(signature.body.updated_at)}. It is never shown again; set a new one to replace it.`
            : 'Not set: Dintero Checkout callbacks are not signed.'
          : signature.error.message}
      </p>
      <Problem problem={secretProblem} fields={['secret']} />
      <form method="post" action="/console/settings/signature" class="stack" novalidate>
        <Field
          name="secret"
          label="New signature secret"
          type="password"
          hint="16–256 characters; write only"
          errors={secretProblem?.errors}
        />
        <div class="row">
          <button type="submit">Set secret</button>
        </div>
      </form>
      <h2>Last maintenance run</h2>
      {!maintenance.ok ? (
        <Problem problem={maintenance.error} />
      ) : run ? (
        <dl class="facts">
          <dt>Started</dt>
          <dd>{when(run.started_at)}</dd>
          <dt>Took</dt>
          <dd>{run.duration_ms} ms</dd>
          <dt>Complete</dt>
          <dd>{run.complete ? 'yes' : `no, continues with ${run.remaining.join(', ')}`}</dd>
          <dt>Removed</dt>
          <dd>
            {Object.entries(run.removed)
              .map(([k, n]) => `${k}: ${n}`)
              .join(', ')}
          </dd>
        </dl>
      ) : (
        <p>No run has had work to do yet.</p>
      )}
    </Page>,
    problem || secretProblem ? 400 : 200,
  );
}

/** A number input as typed: empty is null (unset), digits a number, anything else sent for the API to refuse. */
function wholeOrNull(raw = ''): number | string | null {
  const s = raw.trim();
  return s === '' ? null : /^\d+$/.test(s) ? Number(s) : s;
}

async function save(c: C) {
  const values = await formValues(c.req);
  // parseBody keeps the last of repeated names: the checkbox (true) when ticked, else the hidden false.
  const body = {
    public_offers: {
      anonymous: values['public_offers.anonymous'] === 'true',
      allowed_origins: splitList(values['public_offers.allowed_origins'] ?? ''),
      max_age: wholeOrNull(values['public_offers.max_age']),
    },
    retention_days: wholeOrNull(values.retention_days),
  };
  const api = c.get('api');
  const answer = await api.send(() => api.typed.api.settings.$put({ param: api.params({}), json: fromForm(body) }));
  return answer.ok ? c.redirect('/console/settings?saved=1', 303) : show(c, answer.error);
}

async function setSecret(c: C) {
  const values = await formValues(c.req);
  const api = c.get('api');
  const answer = await api.send(() =>
    api.typed.api.checkout.signature.$put({ param: api.params({}), json: { secret: values.secret ?? '' } }),
  );
  return answer.ok ? c.redirect('/console/settings?saved=1', 303) : show(c, undefined, answer.error);
}

export const settingsPages = new Hono<ConsoleEnv>()
  .get('/', (c) => show(c))
  .post('/', save)
  .post('/signature', setSecret);
