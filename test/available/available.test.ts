import { describe, expect, it } from 'vitest';
import { call, json, ruleBody, tokenWith } from '../helpers';

const aid = 'T30000001';
const base = `/v1/accounts/${aid}`;

async function setup() {
  const token = await tokenWith(undefined, aid);
  const rule = async (name: string, reward: Record<string, unknown>, requirement: Record<string, unknown> = {}) => {
    const body = ruleBody({ name, receipt_text: name, reward });
    const res = await json(
      call('POST', `${base}/discounts/rules`, {
        token,
        body: { ...body, requirement: { ...body.requirement, ...requirement } },
      }),
    );
    expect(res.status).toBe(200);
    return res.body.id as string;
  };
  const give = async (ruleId: string, customers: string[]) => {
    const res = await call('POST', `${base}/discounts/rules/${ruleId}/customers`, { token, body: { customers } });
    expect(res.status).toBe(200);
  };
  return { token, rule, give };
}

const receipt = (overrides: Record<string, unknown> = {}) => ({
  receipt_id: 'r-1',
  purchase_at: '2026-06-01T12:00:00Z',
  store: { id: 'sc029' },
  currency: 'NOK',
  gross_amount: 30000,
  items: [
    { id: 'coffee', line_id: 1, quantity: 1, gross_amount: 10000 },
    { id: 'cake', line_id: 2, quantity: 2, gross_amount: 20000 },
  ],
  ...overrides,
});

describe('POST /discounts/available_for_receipt', async () => {
  const { token, rule, give } = await setup();
  const loyal = await rule('Kundeklubb 10 %', { type: 'discount_percent', value: 10 });
  await give(loyal, ['c-anna']);
  const everyone = await rule(
    'Kaffe 20,-',
    { type: 'discount_amount', value: 2000 },
    { item: { items: [{ id: 'coffee' }] } },
  );
  await give(everyone, ['*']);
  const anonymous = await rule('Uten kunde 5,-', { type: 'discount_amount', value: 500 });
  await give(anonymous, ['/']);
  await rule('Never given', { type: 'discount_amount', value: 9999 });

  const evaluate = (body: unknown) => json(call('POST', `${base}/discounts/available_for_receipt`, { token, body }));
  const ruleIds = (r: { body: { discounts: { id: string }[] } }) => r.body.discounts.map((d) => d.id).sort();

  it("a customer's own ref and the * refs apply to that customer", async () => {
    const res = await evaluate(receipt({ customer_id: 'c-anna' }));
    expect(res.status).toBe(200);
    expect(ruleIds(res)).toEqual([loyal, everyone].sort());
    expect(res.body.is_changed).toBe(true);
    const coffee = res.body.items.find((i: { line_id: number }) => i.line_id === 1);
    expect(coffee.is_changed).toBe(true);
    // Item rules first: 2000 off the coffee; then 10 % of the gross receipt (30000) = 3000,
    // split by base: coffee 10000 → 1000, cake 20000 → 2000.
    const byRule = (id: string) =>
      res.body.items.flatMap((i: { line_id: number; discount_lines: { amount: number; discount_id: string }[] }) =>
        i.discount_lines.filter((l) => l.discount_id === id).map((l) => [i.line_id, l.amount]),
      );
    expect(byRule(everyone)).toEqual([[1, 2000]]);
    expect(byRule(loyal)).toEqual([
      [1, 1000],
      [2, 2000],
    ]);
    const ref = res.body.discounts.find((d: { id: string }) => d.id === loyal).refs[0];
    expect(ref).toMatchObject({ amount: 3000, usage: 1 });
    expect(ref.items.reduce((s: number, i: { amount: number }) => s + i.amount, 0)).toBe(3000);
  });

  it('another customer gets only the * refs', async () => {
    const res = await evaluate(receipt({ customer_id: 'c-bob' }));
    expect(ruleIds(res)).toEqual([everyone]);
  });

  it('a purchase without a customer gets only the / refs', async () => {
    const res = await evaluate(receipt());
    expect(ruleIds(res)).toEqual([anonymous]);
    const total = res.body.items
      .flatMap((i: { discount_lines: { amount: number }[] }) => i.discount_lines)
      .reduce((s: number, l: { amount: number }) => s + l.amount, 0);
    expect(total).toBe(500);
  });

  it('a token resolves to its customer; an unknown token gets no discounts at all', async () => {
    const created = await call('POST', `${base}/customers/users`, {
      token,
      body: { customer_id: 'c-anna', first_name: 'Anna' },
    });
    expect(created.status).toBe(200);
    const added = await call('POST', `${base}/discounts/events`, {
      token,
      headers: { event: 'token_add' },
      body: { token: { token_id: 'tok-1', type: 'card', value: '4242', customer_id: 'c-anna' } },
    });
    expect(added.status).toBe(204);

    const known = await evaluate(receipt({ customer: { token: { type: 'card', value: '4242' } } }));
    expect(ruleIds(known)).toEqual([loyal, everyone].sort());
    expect(known.body.customer_id).toBe('c-anna');

    const unknown = await evaluate(receipt({ customer: { token: { type: 'card', value: '0000' } } }));
    expect(unknown.status).toBe(200);
    expect(unknown.body.discounts).toEqual([]);
    expect(unknown.body.is_changed).toBe(false);

    // Once the card is removed it resolves to nobody again.
    const removed = await call('POST', `${base}/discounts/events`, {
      token,
      headers: { event: 'token_remove' },
      body: { token: { token_id: 'tok-1', type: 'card', value: '4242', customer_id: 'c-anna' } },
    });
    expect(removed.status).toBe(204);
    const gone = await evaluate(receipt({ customer: { token: { type: 'card', value: '4242' } } }));
    expect(gone.body.discounts).toEqual([]);
    expect(gone.body.customer_id).toBeUndefined();
  });

  it('changes nothing: the same answer twice, and no usage recorded', async () => {
    const first = await evaluate(receipt({ customer_id: 'c-anna' }));
    const second = await evaluate(receipt({ customer_id: 'c-anna' }));
    expect(second.body).toEqual(first.body);
    const stats = await json(call('GET', `${base}/discounts/rules/${loyal}?include=statistics`, { token }));
    expect(stats.body.statistics.usage).toBe(0);
    expect(stats.body.statistics.amount).toBe(0);
  });

  it('sees a rule change on the very next call (the compiled rules are rebuilt)', async () => {
    const before = await evaluate(receipt({ customer_id: 'c-bob' }));
    expect(ruleIds(before)).toEqual([everyone]);
    expect((await call('DELETE', `${base}/discounts/rules/${everyone}`, { token })).status).toBe(200);
    const after = await evaluate(receipt({ customer_id: 'c-bob' }));
    expect(after.body.discounts).toEqual([]);
  });

  it('validates the receipt, naming the field', async () => {
    for (const [body, field] of [
      [{ ...receipt(), receipt_id: undefined }, 'receipt_id'],
      [{ ...receipt(), store: {} }, 'store.id'],
      [{ ...receipt(), purchase_at: 'now' }, 'purchase_at'],
      [{ ...receipt(), items: [{ id: 'x', gross_amount: 10.5 }] }, 'items.0.gross_amount'],
      [{ ...receipt(), items: [{ id: 'x', quantity: 0.0005 }] }, 'items.0.quantity'],
      [{ ...receipt(), currency: 'kr' }, 'currency'],
    ] as const) {
      const res = await evaluate(body);
      expect(res.status, field).toBe(400);
      expect(res.body.error.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const dup = await evaluate(
      receipt({
        items: [
          { id: 'a', line_id: 1, gross_amount: 1 },
          { id: 'b', line_id: 1, gross_amount: 1 },
        ],
      }),
    );
    expect(dup.status).toBe(400);
  });

  it('needs a scope that may evaluate', async () => {
    const customersOnly = await tokenWith(['read:customers'], aid);
    expect(
      (await call('POST', `${base}/discounts/available_for_receipt`, { token: customersOnly, body: receipt() })).status,
    ).toBe(403);
    const pathScoped = await tokenWith(['read:discounts:/available_for_receipt'], aid);
    expect(
      (await call('POST', `${base}/discounts/available_for_receipt`, { token: pathScoped, body: receipt() })).status,
    ).toBe(200);
  });
});

describe('a receipt rabatt already answered, sent back', async () => {
  const aid = 'T30000002';
  const base = `/v1/accounts/${aid}`;
  const token = await tokenWith(undefined, aid);
  const body = ruleBody({
    name: 'Once',
    reward: { type: 'discount_amount', value: 5000 },
    limitation: { discount_repeat_usage: 1 },
  });
  const { body: rule } = await json(call('POST', `${base}/discounts/rules`, { token, body }));
  await call('POST', `${base}/discounts/rules/${rule.id}/customers`, { token, body: { customers: ['c-1'] } });
  const evaluate = (r: unknown) => json(call('POST', `${base}/discounts/available_for_receipt`, { token, body: r }));
  const first = await evaluate(
    receipt({ receipt_id: 'back-1', customer_id: 'c-1', items: [{ id: 'A', line_id: 1, gross_amount: 1000 }] }),
  );

  it('gets the same discount again, not twice', async () => {
    expect(first.body.items[0].discount_lines.map((l: { amount: number }) => l.amount)).toEqual([1000]);
    const again = await evaluate(first.body);
    expect(again.status).toBe(200);
    expect(again.body.items[0].discount_lines.map((l: { amount: number }) => l.amount)).toEqual([1000]);
    expect(again.body.discounts[0].refs[0].amount).toBe(1000);
  });

  it('as a completed receipt (receipt_add) records the use, so a single-use ref is not offered again', async () => {
    const recorded = await call('POST', `${base}/discounts/events`, {
      token,
      headers: { event: 'receipt_add' },
      body: first.body,
    });
    expect(recorded.status).toBe(204);
    const stats = await json(call('GET', `${base}/discounts/rules/${rule.id}?include=statistics`, { token }));
    expect(stats.body.statistics).toMatchObject({ usage: 1, amount: 1000 });
    const next = await evaluate(
      receipt({ receipt_id: 'back-2', customer_id: 'c-1', items: [{ id: 'A', line_id: 1, gross_amount: 1000 }] }),
    );
    expect(next.body.discounts).toEqual([]);
  });

  it('debit cards cannot pay out as bonus (the balance would never run out)', async () => {
    const res = await json(
      call('POST', `${base}/discounts/rules`, {
        token,
        body: ruleBody({ reward: { type: 'discount_debit', value: 500, effect: 'bonus' } }),
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.errors[0].field).toBe('reward');
  });
});

describe('the compiled rules', () => {
  it('are built once, then follow each rule write one rule at a time', async () => {
    const { env } = await import('cloudflare:workers');
    const { runInDurableObject } = await import('cloudflare:test');
    const aid = 'T30000003';
    const base = `/v1/accounts/${aid}`;
    const token = await tokenWith(undefined, aid);
    const compilations = () =>
      runInDurableObject(
        env.ACCOUNTS.getByName(aid),
        (store) => (store as unknown as { evaluator: { compilations: number } }).evaluator.compilations,
      );
    const evaluate = () =>
      call('POST', `${base}/discounts/available_for_receipt`, { token, body: receipt({ receipt_id: 'c-1' }) });
    await call('POST', `${base}/discounts/rules`, { token, body: ruleBody() });
    const start = await compilations();
    for (let i = 0; i < 5; i++) expect((await evaluate()).status).toBe(200);
    expect(await compilations()).toBe(start + 1);
    await call('POST', `${base}/discounts/rules`, { token, body: ruleBody({ name: 'another' }) });
    for (let i = 0; i < 3; i++) await evaluate();
    // The new rule was compiled alone (test/available/compiled-rules.test.ts), not the whole set again.
    expect(await compilations()).toBe(start + 1);
  });
});
