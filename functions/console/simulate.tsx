import { Hono, type Context } from 'hono';
import type { Explanation, Reason } from '../../shared/engine';
import { type ApiProblem, fromForm } from './api';
import type { ConsoleEnv } from './env';
import { formValues, splitList, type FormValues } from './form';
import { Field, money, Page, Problem } from './layout';

type C = Context<ConsoleEnv>;

/** Lines the form offers; two more than are filled in, at least MIN_LINES (no JavaScript needed). */
const MIN_LINES = 4;
const MAX_LINES = 50;

interface DiscountLine {
  amount?: number;
  description?: string;
  discount_id?: string;
}
interface ResultItem {
  line_id: number;
  id?: string;
  quantity?: number;
  gross_amount?: number;
  discount_lines?: DiscountLine[];
  bonus_lines?: DiscountLine[];
}

interface Evaluated {
  items: ResultItem[];
  discounts: { id: string; name?: string; receipt_text?: string }[];
  explanations?: Explanation[];
}

function lineCount(values: FormValues): number {
  let filled = 0;
  for (let i = 0; i < MAX_LINES; i++) if (values[`items.${i}.id`] || values[`items.${i}.gross_amount`]) filled = i + 1;
  return Math.min(Math.max(filled + 2, MIN_LINES), MAX_LINES);
}

const num = (s: string | undefined) => {
  const t = (s ?? '').trim();
  return t === '' ? undefined : /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
};

/** The receipt the form describes; fields left empty are left out, anything else goes to the API as typed. */
export function receiptFrom(values: FormValues): Record<string, unknown> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < MAX_LINES; i++) {
    const id = (values[`items.${i}.id`] ?? '').trim();
    const group = (values[`items.${i}.group`] ?? '').trim();
    const amount = num(values[`items.${i}.gross_amount`]);
    if (!id && !group && amount === undefined) continue;
    const quantity = num(values[`items.${i}.quantity`]);
    items.push({
      line_id: i + 1,
      ...(id && { id }),
      ...(group && { groups: [{ id: group }] }),
      ...(quantity !== undefined && { quantity }),
      ...(amount !== undefined && { gross_amount: amount }),
    });
  }
  const customer = (values.customer_id ?? '').trim();
  const currency = (values.currency ?? '').trim();
  const codes = splitList(values.discount_code ?? '');
  const explainRules = splitList(values.explain_rules ?? '');
  return {
    receipt_id: values.receipt_id || 'console-simulation',
    purchase_at: values.purchase_at ?? '',
    store: { id: values.store_id || 'console' },
    ...(customer && { customer_id: customer }),
    ...(currency && { currency }),
    ...(codes.length > 0 && { discount_code: codes }),
    items,
    ...(explainRules.length > 0 && { explain_rules: explainRules }),
  };
}

function SimulatorForm(props: { values: FormValues; problem?: ApiProblem }) {
  const v = props.values;
  const errors = props.problem?.errors;
  const n = lineCount(v);
  return (
    <form method="post" action="/console/simulate" class="stack" novalidate>
      <fieldset>
        <legend>Purchase</legend>
        <div class="grid">
          <Field name="purchase_at" label="Purchase time" value={v.purchase_at} hint="RFC 3339" errors={errors} />
          <Field
            name="customer_id"
            label="Customer id"
            value={v.customer_id}
            errors={errors}
            hint="Empty: no customer"
          />
          <Field name="store_id" label="Store id" value={v.store_id} errors={errors} />
          <Field name="currency" label="Currency" value={v.currency} errors={errors} />
          <Field
            name="discount_code"
            label="Discount codes"
            value={v.discount_code}
            errors={errors}
            hint="Comma-separated"
          />
          <Field
            name="explain_rules"
            label="Also explain rules"
            value={v.explain_rules}
            errors={errors}
            hint="Rule ids, comma-separated: explained even when no line can reach them"
          />
        </div>
      </fieldset>
      <fieldset>
        <legend>Lines</legend>
        <div class="scroll">
          <table class="lines-table">
            <thead>
              <tr>
                <th>Line</th>
                <th>Item id</th>
                <th>Group</th>
                <th>Quantity</th>
                <th>Gross amount (minor units)</th>
              </tr>
            </thead>
            <tbody>
              {Array.from({ length: n }, (_, i) => (
                <tr>
                  <td>{i + 1}</td>
                  {(['id', 'group', 'quantity', 'gross_amount'] as const).map((k) => (
                    <td>
                      <input
                        name={`items.${i}.${k}`}
                        value={v[`items.${i}.${k}`] ?? ''}
                        aria-label={`Line ${i + 1} ${k === 'id' ? 'item id' : k.replace('_', ' ')}`}
                        inputmode={k === 'quantity' || k === 'gross_amount' ? 'decimal' : undefined}
                        aria-invalid={errors?.some((e) => e.field.startsWith(`items.${i}.`)) ? 'true' : undefined}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <input type="hidden" name="receipt_id" value={v.receipt_id ?? ''} />
      </fieldset>
      <div class="row">
        <button type="submit">Simulate</button>
      </div>
    </form>
  );
}

/** The merchant's words for each reason of docs/explain.md; typed so a new reason cannot be missed. */
const REASON_TEXT: Record<Reason, string> = {
  unknown_rule: 'No such rule',
  inactive: 'The rule is not active (or deleted)',
  outside_purchase_window: 'The purchase is outside the rule’s window',
  gross_amount_below: 'The receipt’s gross amount is below the minimum',
  net_amount_below: 'The receipt’s net amount is below the minimum',
  discount_code_missing: 'The receipt lacks the rule’s discount code',
  currency: 'Another currency',
  store: 'Another store',
  customer_requirement: 'The customer does not meet the rule’s customer requirement',
  outside_discount_hours: 'Outside the rule’s discount hours',
  receipt_has_discount: 'The receipt already has a discount',
  item_quantity: 'Too few matching items',
  no_ref_for_customer: 'The customer does not hold the rule',
  usage_limit_reached: 'The customer has used the rule up',
  ref_expired: 'The customer’s ref has expired',
  stamps_collecting: 'Collecting stamps',
  deactivated_by: 'Switched off by another rule that applies',
  lost_to_exclusive: 'An exclusive rule gives more',
  exclusive_not_best: 'Exclusive, and other rules give more',
  nothing_left_to_discount: 'Nothing left to discount on its lines',
  budget_exhausted: 'The rule’s or its campaign’s budget is used up',
};

function show(x: unknown): string {
  if (x === undefined) return '';
  return typeof x === 'string' ? x : JSON.stringify(x);
}

function Result(props: { result: Evaluated; names: Map<string, string> }) {
  const { result, names } = props;
  const label = (id: string) => names.get(id) ?? id;
  const gross = result.items.reduce((s, i) => s + (i.gross_amount ?? 0), 0);
  const off = result.items.reduce((s, i) => s + (i.discount_lines ?? []).reduce((t, d) => t + (d.amount ?? 0), 0), 0);
  const bonus = result.items.reduce((s, i) => s + (i.bonus_lines ?? []).reduce((t, d) => t + (d.amount ?? 0), 0), 0);
  const notApplied = (result.explanations ?? []).filter((e) => !e.applied);
  return (
    <section aria-labelledby="result-heading">
      <h2 id="result-heading">Result</h2>
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th>Line</th>
              <th>Item</th>
              <th class="num">Gross</th>
              <th>Discount lines</th>
              <th>Bonus lines</th>
            </tr>
          </thead>
          <tbody>
            {result.items.map((i) => (
              <tr>
                <td>{i.line_id}</td>
                <td>{i.id ?? ''}</td>
                <td class="num">{money(i.gross_amount)}</td>
                <td>
                  {(i.discount_lines ?? []).map((d) => (
                    <div>
                      <span class="amount-off">{money(d.amount === undefined ? undefined : -d.amount)}</span>{' '}
                      {d.description}
                    </div>
                  ))}
                </td>
                <td>
                  {(i.bonus_lines ?? []).map((d) => (
                    <div>
                      {money(d.amount)} bonus {d.description}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <dl class="facts" aria-label="Totals">
        <dt>Gross</dt>
        <dd>{money(gross)}</dd>
        <dt>Discounts</dt>
        <dd class="amount-off" data-testid="total-discount">
          {money(-off)}
        </dd>
        <dt>To pay</dt>
        <dd>{money(gross - off)}</dd>
        <dt>Bonus</dt>
        <dd>{money(bonus)}</dd>
      </dl>
      <h2>Applied rules</h2>
      {result.discounts.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul>
          {result.discounts.map((d) => (
            <li>
              <a href={`/console/rules/${d.id}`}>{d.name ?? label(d.id)}</a>
            </li>
          ))}
        </ul>
      )}
      <h2>Rules that did not apply</h2>
      {result.explanations === undefined ? (
        <p class="muted">This server does not explain receipts.</p>
      ) : notApplied.length === 0 ? (
        <p>Every rule the receipt could reach applied.</p>
      ) : (
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th>Rule</th>
                <th>Reason</th>
                <th>Field</th>
                <th>Needed</th>
                <th>Had</th>
              </tr>
            </thead>
            <tbody>
              {notApplied.map((e) => (
                <tr>
                  <td>
                    <a href={`/console/rules/${e.discount_id}`}>{label(e.discount_id)}</a>
                  </td>
                  <td>
                    {e.reason && REASON_TEXT[e.reason]} <code>{e.reason}</code>
                  </td>
                  <td>
                    <code>{e.field ?? ''}</code>
                  </td>
                  <td>{show(e.needed)}</td>
                  <td>{show(e.had)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const nowIso = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** A receipt that meets the rule's requirement as far as the form can say it; see docs/console.md. */
async function prefill(c: C, ruleId: string): Promise<FormValues> {
  const api = c.get('api');
  const [rule, refs] = await Promise.all([
    api.send(() => api.typed.api.discounts.rules[':did'].$get({ param: api.params({ did: ruleId }), query: {} })),
    api.send(() =>
      api.typed.refs.discounts.rules[':did'].customers.$get({
        param: api.params({ did: ruleId }),
        query: { state: 'available', limit: '10' },
      }),
    ),
  ]);
  const values: FormValues = { purchase_at: nowIso(), store_id: 'console', explain_rules: ruleId };
  if (!rule.ok) return values;
  const req = rule.body.requirement;
  const from = Date.parse(req.purchase_from);
  const to = Date.parse(req.purchase_to);
  if (!(Date.now() >= from && Date.now() <= to)) values.purchase_at = req.purchase_from;
  if (req.store_ids?.[0]) values.store_id = req.store_ids[0];
  const currency = req.currencies?.find((x): x is string => typeof x === 'string');
  if (currency) values.currency = currency;
  if (req.discount_code) values.discount_code = req.discount_code;
  const pattern = req.item?.items?.find((p) => p.id !== '*');
  if (pattern?.id && pattern.id !== 'ANY_ITEM') values['items.0.id'] = pattern.id;
  else values['items.0.id'] = 'item-1';
  if (pattern?.group_id) values['items.0.group'] = pattern.group_id;
  values['items.0.quantity'] = String(Math.max(req.item?.quantity ?? 1, 1));
  values['items.0.gross_amount'] = String(Math.max(req.gross_amount ?? 0, 10000));
  const held = refs.ok ? refs.body : [];
  const own = held.find((r) => r.kind === 'customer');
  if (own?.customer_id) values.customer_id = own.customer_id;
  else if (held.some((r) => r.kind === '*')) values.customer_id = 'console-customer';
  return values;
}

async function page(c: C, values: FormValues, result?: Evaluated, problem?: ApiProblem) {
  let names = new Map<string, string>();
  if (result?.explanations?.length) {
    const api = c.get('api');
    const rules = await api.send(() =>
      api.typed.api.discounts.rules.$get({ param: api.params({}), query: { state: 'all', limit: '100' } }),
    );
    if (rules.ok) names = new Map(rules.body.map((r) => [r.id, r.name ?? r.id]));
  }
  return c.html(
    <Page title="Receipt simulator" who={c.get('who')} current="/console/simulate">
      <p class="muted">
        Asks <code>POST /discounts/available_for_receipt?explain=true</code> with the receipt below. Nothing is claimed
        or counted.
      </p>
      <Problem
        problem={problem}
        fields={['purchase_at', 'customer_id', 'store', 'currency', 'discount_code', 'items']}
      />
      <SimulatorForm values={values} {...(problem && { problem })} />
      {result && <Result result={result} names={names} />}
    </Page>,
    problem ? 400 : 200,
  );
}

export const simulatePages = new Hono<ConsoleEnv>()
  .get('/', async (c) => {
    const rule = c.req.query('rule');
    const values = rule ? await prefill(c, rule) : { purchase_at: nowIso(), store_id: 'console', currency: 'NOK' };
    return page(c, values);
  })
  .post('/', async (c) => {
    const values = await formValues(c.req);
    const api = c.get('api');
    const answer = await api.send(() =>
      api.typed.api.discounts.available_for_receipt.$post({
        param: api.params({}),
        query: { explain: 'true' },
        json: fromForm(receiptFrom(values)),
      }),
    );
    return answer.ok ? page(c, values, answer.body) : page(c, values, undefined, answer.error);
  });
