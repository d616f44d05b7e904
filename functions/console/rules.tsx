import { Hono, type Context } from 'hono';
import { RULE_STATES, type Rule, type RuleUpdate } from '../../shared/schemas/rule';
import { ruleEditOver } from '../../shared/schemas/rule-edit';
import { type ApiProblem, fromForm, oneOf } from './api';
import { BudgetRows } from './budget';
import type { ConsoleEnv } from './env';
import { bodyFrom, formValues, getPath, textOf, type FormValues } from './form';
import { Field, money, Notice, Page, Problem, when } from './layout';
import { CREATE_ONLY, defaults, FIELDS, RuleForm, SPEC, valuesOf } from './rule-form';

type C = Context<ConsoleEnv>;

async function list(c: C) {
  const api = c.get('api');
  const state = c.req.query('state') ?? 'active';
  const campaign = c.req.query('campaign_id') ?? '';
  const after = c.req.query('starting_after') ?? '';
  const [answer, campaigns] = await Promise.all([
    api.send(() =>
      api.typed.api.discounts.rules.$get({
        param: api.params({}),
        query: {
          state: oneOf(RULE_STATES, state, 'active'),
          campaign_id: campaign,
          starting_after: after,
          include: 'statistics',
          limit: '100',
        },
      }),
    ),
    api.send(() => api.typed.api.discounts.campaigns.$get({ param: api.params({}), query: { limit: '100' } })),
  ]);
  const names = new Map((campaigns.ok ? campaigns.body : []).map((x) => [x.id, x.name ?? x.id]));
  const rules = answer.ok ? answer.body : [];
  const groups = new Map<string, Rule[]>();
  for (const r of rules) {
    const key = r.campaign_id ?? '';
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const notice = c.req.query('deleted') ? 'The rule was deleted.' : undefined;
  return c.html(
    <Page title="Rules" who={c.get('who')} current="/console/rules">
      {notice && <Notice kind="good">{notice}</Notice>}
      <form method="get" action="/console/rules" class="row" aria-label="Filter rules">
        <div class="field">
          <label for="f-state">State</label>
          <select id="f-state" name="state">
            {RULE_STATES.map((s) => (
              <option value={s} selected={s === state}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-campaign">Campaign</label>
          <select id="f-campaign" name="campaign_id">
            <option value="">every campaign</option>
            {[...names].map(([id, name]) => (
              <option value={id} selected={id === campaign}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="secondary">
          Filter
        </button>
        <a class="button" href="/console/rules/new">
          New rule
        </a>
      </form>
      <Problem problem={answer.ok ? undefined : answer.error} />
      {answer.ok && rules.length === 0 && <p>No rules in this state.</p>}
      {[...groups].map(([key, group]) => (
        <section>
          <h2>{key ? `Campaign: ${names.get(key) ?? key}` : 'Without a campaign'}</h2>
          <div class="scroll">
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Reward</th>
                  <th>Window</th>
                  <th class="num">Used</th>
                  <th class="num">Amount</th>
                  <th>Try</th>
                </tr>
              </thead>
              <tbody>
                {group.map((r) => (
                  <tr>
                    <td>
                      <a href={`/console/rules/${r.id}`}>{r.name || r.id}</a>
                      {r.active ? '' : ' '}
                      {!r.active && <span class="tag">inactive</span>}
                      {r.deleted_at && <span class="tag">deleted</span>}
                    </td>
                    <td>
                      {r.reward.type} {r.reward.value}
                    </td>
                    <td>
                      {when(r.requirement.purchase_from)} – {when(r.requirement.purchase_to)}
                    </td>
                    <td class="num">{r.statistics?.used ?? 0}</td>
                    <td class="num">{money(r.statistics?.amount ?? 0)}</td>
                    <td>
                      <a
                        href={`/console/simulate?rule=${r.id}`}
                        aria-label={`Simulate a receipt for ${r.name ?? r.id}`}
                      >
                        Simulate
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
      {rules.length === 100 && (
        <p>
          <a href={`/console/rules?state=${state}&campaign_id=${campaign}&starting_after=${rules[99]!.id}`}>
            Next page
          </a>
        </p>
      )}
    </Page>,
  );
}

function newForm(c: C, values: FormValues, problem?: ApiProblem, status: 200 | 400 | 403 = 200) {
  return c.html(
    <Page title="New rule" who={c.get('who')} current="/console/rules">
      <Problem problem={problem} fields={FIELDS} />
      <RuleForm action="/console/rules" values={values} errors={problem?.errors} editing={false} />
    </Page>,
    status,
  );
}

async function create(c: C) {
  const values = await formValues(c.req);
  const api = c.get('api');
  const answer = await api.send(() =>
    api.typed.api.discounts.rules.$post({ param: api.params({}), query: {}, json: fromForm(bodyFrom(SPEC, values)) }),
  );
  if (!answer.ok) return newForm(c, values, answer.error, answer.status === 403 ? 403 : 400);
  return c.redirect(`/console/rules/${answer.body.id}?saved=created`, 303);
}

async function detail(c: C, override?: { values?: FormValues; problem?: ApiProblem; giveProblem?: ApiProblem }) {
  const api = c.get('api');
  const id = c.req.param('id') as string;
  const [answer, refs] = await Promise.all([
    api.send(() =>
      api.typed.api.discounts.rules[':did'].$get({ param: api.params({ did: id }), query: { include: 'statistics' } }),
    ),
    api.send(() =>
      api.typed.refs.discounts.rules[':did'].customers.$get({
        param: api.params({ did: id }),
        query: { state: 'available', limit: '50', total: 'true' },
      }),
    ),
  ]);
  const who = c.get('who');
  if (!answer.ok) {
    return c.html(
      <Page title="Rule" who={who} current="/console/rules">
        <Problem problem={answer.error} />
      </Page>,
      answer.status === 404 ? 404 : 400,
    );
  }
  const rule = answer.body;
  const saved = c.req.query('saved');
  const status = override?.problem || override?.giveProblem ? 400 : 200;
  return c.html(
    <Page title={`Rule: ${rule.name || rule.id}`} who={who} current="/console/rules">
      {saved && <Notice kind="good">{saved === 'given' ? 'Given to customers.' : `The rule was ${saved}.`}</Notice>}
      {rule.deleted_at && <Notice kind="bad">Deleted {when(rule.deleted_at)}.</Notice>}
      <p class="row">
        <a class="button" href={`/console/simulate?rule=${rule.id}`}>
          Simulate a receipt for this rule
        </a>
        <a class="button secondary" href={`/console/statistics?rule=${rule.id}`}>
          Statistics
        </a>
        <a class="button secondary" href={`/console/codes/${rule.id}`}>
          Codes
        </a>
      </p>
      <dl class="facts">
        <dt>Id</dt>
        <dd>
          <code>{rule.id}</code>
        </dd>
        <dt>Type</dt>
        <dd>{rule.type}</dd>
        <dt>Used</dt>
        <dd>
          {rule.statistics?.used ?? 0} purchases, {money(rule.statistics?.amount ?? 0)} discounted
        </dd>
        <BudgetRows budget={rule.budget} />
      </dl>
      <h2>Give to customers</h2>
      <p class="muted">
        Held by {refs.ok ? (refs.headers.get('total-count') ?? refs.body.length) : '?'} refs:{' '}
        {refs.ok ? refs.body.map((r) => r.customer_id ?? r.kind).join(', ') || 'nobody yet' : refs.error.message}
      </p>
      <Problem problem={override?.giveProblem} fields={['customers']} />
      <form method="post" action={`/console/rules/${rule.id}/customers`} class="stack">
        <Field
          name="customers"
          label="Customers"
          hint="* = every customer, / = purchases without a customer, or customer ids; comma-separated"
          errors={override?.giveProblem?.errors}
        />
        <div class="row">
          <button type="submit">Give</button>
        </div>
      </form>
      <h2>Edit</h2>
      <Problem problem={override?.problem} fields={FIELDS} />
      <RuleForm
        action={`/console/rules/${rule.id}`}
        values={override?.values ?? valuesOf(rule)}
        errors={override?.problem?.errors}
        editing
      />
      <h2>Delete</h2>
      <form method="post" action={`/console/rules/${rule.id}/delete`} class="row">
        <div class="check">
          <input type="checkbox" id="f-confirm-delete" name="confirm" value="yes" required />
          <label for="f-confirm-delete">Yes, delete this rule (its refs stop working; the rule stays readable)</label>
        </div>
        <button type="submit" class="danger">
          Delete rule
        </button>
      </form>
    </Page>,
    status,
  );
}

async function update(c: C) {
  const id = c.req.param('id') as string;
  const values = await formValues(c.req);
  const api = c.get('api');
  const current = await api.send(() =>
    api.typed.api.discounts.rules[':did'].$get({ param: api.params({ did: id }), query: {} }),
  );
  if (!current.ok) return detail(c);
  // PUT replaces `limitation` as a whole: the API's merge rule (ruleEditOver) keeps the fields
  // the form does not show; an empty limitation input removes that key.
  const form = bodyFrom(
    SPEC.filter(([n]) => !CREATE_ONLY.has(n)),
    values,
  ) as RuleUpdate;
  const cleared = SPEC.filter(([n]) => n.startsWith('limitation.') && (values[n] ?? '').trim() === '').map(([n]) =>
    n.slice('limitation.'.length),
  );
  const body = ruleEditOver(current.body, form, cleared);
  const answer = await api.send(() =>
    api.typed.api.discounts.rules[':did'].$put({ param: api.params({ did: id }), query: {}, json: body }),
  );
  if (!answer.ok) {
    const keep = Object.fromEntries(SPEC.map(([n, k]) => [n, values[n] ?? textOf(k, getPath(current.body, n))]));
    return detail(c, { values: keep, problem: answer.error });
  }
  return c.redirect(`/console/rules/${id}?saved=saved`, 303);
}

async function give(c: C) {
  const id = c.req.param('id') as string;
  const values = await formValues(c.req);
  const customers = bodyFrom([['customers', 'list']], values).customers ?? [];
  const api = c.get('api');
  const answer = await api.send(() =>
    api.typed.refs.discounts.rules[':did'].customers.$post({
      param: api.params({ did: id }),
      json: { customers: fromForm(customers) },
    }),
  );
  if (!answer.ok) return detail(c, { giveProblem: answer.error });
  return c.redirect(`/console/rules/${id}?saved=given`, 303);
}

async function remove(c: C) {
  const id = c.req.param('id') as string;
  const values = await formValues(c.req);
  if (values.confirm !== 'yes') {
    return detail(c, {
      problem: {
        code: 'validation_error',
        message: 'The rule was not deleted',
        errors: [{ field: 'confirm', code: 'required', message: 'Tick the box to confirm the deletion' }],
      },
    });
  }
  const api = c.get('api');
  const answer = await api.send(() =>
    api.typed.api.discounts.rules[':did'].$delete({ param: api.params({ did: id }) }),
  );
  if (!answer.ok) return detail(c, { problem: answer.error });
  return c.redirect('/console/rules?deleted=1', 303);
}

export const rulePages = new Hono<ConsoleEnv>()
  .get('/', list)
  .get('/new', (c) => newForm(c, defaults()))
  .post('/', create)
  .get('/:id', (c) => detail(c))
  .post('/:id', update)
  .post('/:id/customers', give)
  .post('/:id/delete', remove);
