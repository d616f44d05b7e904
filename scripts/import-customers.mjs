/**
 * The customer side of `npm run import` (docs/import.md): customers keeping their `customer_id`,
 * their tags and their tokens (keeping `token_id`). A page of customers the target does not hold
 * goes in as one bulk import; the rest is compared customer by customer, a few at a time.
 */
import { each, pages, same, strip, targetPage } from './import-common.mjs';

const enc = encodeURIComponent;
const bodyOf = (customer) => strip(customer, ['tag_ids']);

/** One page of the source's customers; `after` is the cursor the page was read from. */
export async function copyCustomerPage(source, target, items, count, after) {
  const ours = await targetPage(target, '/customers/users?type=any', 'customer_id', after, items.length);
  const unknown = items.filter((c) => !ours.has(c.customer_id));
  if (unknown.length) {
    // All or none (docs/customers.md), in the source's order. Any customer already there (409), or
    // a client without admin:customers (403), and the page goes one customer at a time, in order.
    const bulk = await target.call('POST', '/customers/users/import', { customers: unknown.map(bodyOf) });
    for (const c of unknown) ours.set(c.customer_id, bulk.status === 200 ? CREATED : await createOrRead(target, c));
  }
  await each(items, (c) => finishCustomer(source, target, c, count, ours.get(c.customer_id)));
}

/** Marks a customer created by this run (it has no tags or tokens yet). */
const CREATED = Symbol('created');

async function createOrRead(target, customer) {
  const created = await target.call('POST', '/customers/users', bodyOf(customer));
  if (created.status === 200) return CREATED;
  if (created.status !== 409) await target.must('POST', '/customers/users', bodyOf(customer)); // throws, naming it
  return (await target.must('GET', `/customers/users/${enc(customer.customer_id)}`)).body;
}

/** One customer, given what the target holds (`CREATED`, or its stored copy): content, tags, tokens. */
async function finishCustomer(source, target, customer, count, have) {
  const cid = enc(customer.customer_id);
  const body = bodyOf(customer);
  let changed = have === CREATED ? 'created' : false;
  let tagsThere = [];
  if (have !== CREATED) {
    tagsThere = have.tag_ids ?? [];
    if (!same(bodyOf(have), body)) {
      tagsThere = (await target.must('PUT', `/customers/users/${cid}`, body)).body.tag_ids ?? [];
      changed = 'updated';
    }
  }
  const tags = customer.tag_ids ?? [];
  if (!same(tagsThere, tags)) {
    await target.must('PUT', `/customers/users/${cid}/tags`, { tag_ids: tags });
    changed ||= 'updated';
  }
  if (await copyTokens(source, target, cid, have === CREATED)) changed ||= 'updated';
  count(changed || 'unchanged');
}

/** A customer's tokens, keeping `token_id`; the target's are read only when it may hold some. */
async function copyTokens(source, target, cid, fresh) {
  const theirs = [];
  for await (const { items } of pages(source, `/customers/users/${cid}/tokens`, 'token_id')) theirs.push(...items);
  if (!theirs.length) return false;
  const ours = new Map();
  if (!fresh)
    for await (const { items } of pages(target, `/customers/users/${cid}/tokens`, 'token_id'))
      for (const t of items) ours.set(t.token_id, t);
  let wrote = false;
  for (const t of theirs) {
    const wanted = { token_id: t.token_id, type: t.type, value: t.value, ...(t.metadata && { metadata: t.metadata }) };
    const mine = ours.get(t.token_id);
    if (mine && same(strip(mine), wanted)) continue;
    await target.must('POST', `/customers/users/${cid}/tokens`, wanted);
    wrote = true;
  }
  return wrote;
}
