import { Hono, type Context } from 'hono';
import type { Claim } from '../../shared/schemas/claim';
import type { ConsoleEnv } from './env';
import { Field, money, Notice, Page, Problem, when } from './layout';

type C = Context<ConsoleEnv>;
const PAGE = 50;

const total = (claim: Claim) => claim.discounts.reduce((s, d) => s + d.refs.reduce((t, r) => t + r.amount, 0), 0);

async function list(c: C) {
  const ref = c.req.query('ref') ?? '';
  const customer = c.req.query('customer_id') ?? '';
  const after = c.req.query('starting_after') ?? '';
  const api = c.get('api');
  const answer = await api.send(() =>
    api.typed.refs.discounts.available_for_receipt.claims.$get({
      param: api.params({}),
      query: { ref, customer_id: customer, starting_after: after, limit: String(PAGE), total: 'true' },
    }),
  );
  const claims = answer.ok ? answer.body : [];
  const next = claims.length === PAGE ? claims[PAGE - 1]!.id : undefined;
  const filters = new URLSearchParams({ ref, customer_id: customer });
  return c.html(
    <Page title="Claims" who={c.get('who')} current="/console/claims">
      {c.req.query('released') && <Notice kind="good">The claim was released.</Notice>}
      <form method="get" action="/console/claims" class="row" aria-label="Filter claims">
        <Field name="ref" label="Claim ref" value={ref} />
        <Field name="customer_id" label="Customer id" value={customer} />
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      <Problem problem={answer.ok ? undefined : answer.error} />
      {answer.ok && (
        <p class="muted">
          {answer.headers.get('total-count') ?? claims.length} claims, oldest first ({PAGE} a page).
        </p>
      )}
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th>Claimed</th>
              <th>Ref</th>
              <th>Customer</th>
              <th class="num">Amount</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {claims.map((claim) => (
              <tr>
                <td>
                  <a href={`/console/claims/${claim.id}`}>{when(claim.created_at)}</a>
                </td>
                <td>{claim.ref ?? ''}</td>
                <td>{claim.customer_id ?? ''}</td>
                <td class="num">{money(total(claim))}</td>
                <td>{claim.deleted_at ? 'released' : 'claimed'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {next && (
        <p>
          <a href={`/console/claims?${filters}&starting_after=${next}`}>Next page</a>
        </p>
      )}
    </Page>,
  );
}

async function detail(c: C, confirming = false) {
  const id = c.req.param('id') as string;
  const api = c.get('api');
  const answer = await api.send(() =>
    api.typed.refs.discounts.available_for_receipt.claims[':claim_id'].$get({ param: api.params({ claim_id: id }) }),
  );
  const who = c.get('who');
  if (!answer.ok) {
    return c.html(
      <Page title="Claim" who={who} current="/console/claims">
        <Problem problem={answer.error} />
      </Page>,
      answer.status === 404 ? 404 : 400,
    );
  }
  const claim = answer.body;
  return c.html(
    <Page title={`Claim ${claim.ref ?? claim.id}`} who={who} current="/console/claims">
      <dl class="facts">
        <dt>Id</dt>
        <dd>
          <code>{claim.id}</code>
        </dd>
        <dt>Ref</dt>
        <dd>{claim.ref ?? '—'}</dd>
        <dt>Customer</dt>
        <dd>{claim.customer_id ?? '—'}</dd>
        <dt>Purchase</dt>
        <dd>{when(claim.purchase_at)}</dd>
        <dt>Claimed</dt>
        <dd>
          {when(claim.created_at)} by {claim.created_by}
        </dd>
        <dt>Amount</dt>
        <dd>{money(total(claim))}</dd>
        <dt>State</dt>
        <dd>{claim.deleted_at ? `released ${when(claim.deleted_at)} by ${claim.deleted_by}` : 'claimed'}</dd>
      </dl>
      <h2>Refs</h2>
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th>Rule</th>
              <th>Ref</th>
              <th class="num">Amount</th>
              <th class="num">Usage</th>
              <th class="num">Stamps</th>
            </tr>
          </thead>
          <tbody>
            {claim.discounts.flatMap((d) =>
              d.refs.map((r) => (
                <tr>
                  <td>
                    <a href={`/console/rules/${d.id}`}>{d.id}</a>
                  </td>
                  <td>
                    <code>{r.id}</code>
                  </td>
                  <td class="num">{money(r.amount)}</td>
                  <td class="num">{r.usage}</td>
                  <td class="num">{r.stamp}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
      {!claim.deleted_at &&
        (confirming ? (
          <section aria-labelledby="confirm-heading">
            <h2 id="confirm-heading">Release this claim?</h2>
            <p>
              Usage, amounts and stamps go back to the refs as they were before the purchase. This cannot be undone.
            </p>
            <form method="post" action={`/console/claims/${claim.id}/release`} class="row">
              <button type="submit" class="danger">
                Yes, release the claim
              </button>
              <a class="button secondary" href={`/console/claims/${claim.id}`}>
                Cancel
              </a>
            </form>
          </section>
        ) : (
          <p>
            <a class="button" href={`/console/claims/${claim.id}/release`}>
              Release…
            </a>
          </p>
        ))}
    </Page>,
  );
}

async function release(c: C) {
  const id = c.req.param('id') as string;
  const api = c.get('api');
  const answer = await api.send(() =>
    api.typed.refs.discounts.available_for_receipt.claims[':claim_id'].$delete({ param: api.params({ claim_id: id }) }),
  );
  if (!answer.ok) {
    return c.html(
      <Page title="Claim" who={c.get('who')} current="/console/claims">
        <Problem problem={answer.error} />
      </Page>,
      answer.status === 404 ? 404 : 400,
    );
  }
  return c.redirect(`/console/claims?released=${encodeURIComponent(id)}`, 303);
}

export const claimPages = new Hono<ConsoleEnv>()
  .get('/', list)
  .get('/:id', (c) => detail(c))
  .get('/:id/release', (c) => detail(c, true))
  .post('/:id/release', release);
