import { afterEach, describe, expect, it } from 'vitest';
import { call, json, tokenWith } from '../helpers';
import { automationsApi, eventually, receiver, WINDOW } from './helpers';

let restore = () => {};
afterEach(() => restore());

const STAMPS = ['id', 'created_at', 'created_by', 'updated_at', 'updated_by', 'deleted_at', 'deleted_by'];
const events = ['customer_add', 'customer_update', 'customer_remove'];

/** One customer added, changed and deleted, seen by an HTTP automation written with `scopes`. */
async function customerLifeSeenBy(aid: string, scopes: string[]) {
  const api = await automationsApi(aid);
  const mock = receiver(() => new Response(null, { status: 204 }));
  restore = mock.restore;
  const author = await tokenWith(['write:automations', ...scopes] as never, aid, 'author');
  const made = await api.create(
    {
      requirement: { events, ...WINDOW },
      limitation: { automation_repeat: -1 },
      actions: [{ type: 'http', url: 'https://crm.example.com/hooks/customers', method: 'POST' }],
    },
    author,
  );
  expect(made.status).toBe(200);
  const path = `${api.base}/customers/users/eva`;
  const answers = {
    customer_add: await api.customer({ customer_id: 'eva', email: 'eva@example.com' }),
    customer_update: await json(call('PUT', path, { token: api.token, body: { first_name: 'Eva' } })),
    customer_remove: await json(call('DELETE', path, { token: api.token })),
  };
  for (const answer of Object.values(answers)) expect(answer.status).toBe(200);
  await eventually(
    async () => mock.seen.length,
    (n) => n >= 3,
  );
  type Fields = Record<string, unknown>;
  const byEvent: Record<string, Fields> = Object.fromEntries(
    mock.seen.map((s) => JSON.parse(s.body)).map((b: { event: string; customer: Fields }) => [b.event, b.customer]),
  );
  const stored: Record<string, Fields> = Object.fromEntries(Object.entries(answers).map(([e, a]) => [e, a.body]));
  return { byEvent, stored };
}

describe('customer events: the id and stamps follow customer read scope (docs/automations.md)', () => {
  it('an author that may read customers gets the customer’s id and stamps on every customer event', async () => {
    const { byEvent, stored } = await customerLifeSeenBy('T44310001', ['read:customers']);
    expect(Object.keys(byEvent).sort()).toEqual([...events].sort());
    for (const event of events) {
      // Each event carries the customer as the API answered that write, stamps included.
      for (const field of STAMPS) expect(byEvent[event]?.[field], `${event}.${field}`).toBe(stored[event]?.[field]);
      expect(byEvent[event]?.id).toEqual(expect.any(String));
      expect(byEvent[event]?.created_by).toBe('test-client');
      expect(byEvent[event]?.customer_id).toBe('eva');
    }
    expect(byEvent.customer_remove?.deleted_at).toEqual(expect.any(String));
    expect(byEvent.customer_remove?.deleted_by).toBe('test-client');
  });

  it('an author without customer read scope gets none of them', async () => {
    const { byEvent } = await customerLifeSeenBy('T44310002', ['read:discounts', 'write:discounts']);
    expect(Object.keys(byEvent).sort()).toEqual([...events].sort());
    for (const event of events) expect(byEvent[event], event).toEqual({});
  });
});
