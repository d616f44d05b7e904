import { describe, expect, it } from 'vitest';
import { call, json, ruleBody, tokenWith } from '../helpers';
import { seedDiscount } from '../dintero/dintero';

const aid = 'T20000003';
const path = `/v1/accounts/${aid}/discounts/rules`;

/**
 * Every field of seed 001 a client sends: the Dintero contract tests' seed discount without the
 * fields the server owns.
 */
const {
  id: _id,
  type: _type,
  created_at: _createdAt,
  created_by: _createdBy,
  updated_at: _updatedAt,
  updated_by: _updatedBy,
  statistics: _statistics,
  ...seedRule
} = seedDiscount();

describe('rule round trip', () => {
  it('reads back what was sent plus the server fields, after create, update and delete', async () => {
    const token = await tokenWith(undefined, aid, 'client-a');
    const created = await json(call('POST', path, { token, body: seedRule }));
    expect(created.status).toBe(200);
    const rule = created.body;
    const { id, type, created_at, created_by, updated_at, updated_by, ...sent } = rule;
    expect(sent).toEqual(seedRule);
    expect(type).toBe('item');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created_by).toBe('client-a');
    expect(updated_by).toBe('client-a');
    expect(Date.parse(created_at)).toBeGreaterThan(Date.now() - 60_000);

    // A read includes the statistics (Dintero: "includes statistics").
    const stats = { stamp: 0, used: 0, usage: 0, amount: 0, debit_balance: 0 };
    const read = await json(call('GET', `${path}/${id}`, { token }));
    expect(read.body).toEqual({ ...rule, statistics: stats });

    // PUT is partial; purchase_to may move later; reward.base may change; campaign_id: null removes it.
    const token2 = await tokenWith(undefined, aid, 'client-b');
    const updated = await json(
      call('PUT', `${path}/${id}`, {
        token: token2,
        body: {
          name: 'Spar 200,-',
          campaign_id: null,
          requirement: { purchase_to: '2100-01-01T00:00:00Z' },
          reward: { base: 'net' },
        },
      }),
    );
    expect(updated.status).toBe(200);
    const { campaign_id, ...withoutCampaign } = rule;
    expect(updated.body).toEqual({
      ...withoutCampaign,
      statistics: stats,
      name: 'Spar 200,-',
      requirement: { ...rule.requirement, purchase_to: '2100-01-01T00:00:00Z' },
      reward: { ...rule.reward, base: 'net' },
      updated_at: updated.body.updated_at,
      updated_by: 'client-b',
    });
    expect((await json(call('GET', `${path}/${id}`, { token }))).body).toEqual(updated.body);

    const deleted = await json(call('DELETE', `${path}/${id}`, { token: token2 }));
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({
      ...updated.body,
      updated_at: deleted.body.updated_at,
      deleted_at: deleted.body.deleted_at,
      deleted_by: 'client-b',
      statistics: { stamp: 0, used: 0, usage: 0, amount: 0, debit_balance: 0 },
    });
    expect((await json(call('GET', `${path}/${id}`, { token }))).body).toEqual(deleted.body);
    // Deleting again returns the rule as it was deleted.
    expect((await json(call('DELETE', `${path}/${id}`, { token }))).body).toEqual(deleted.body);
    // A deleted rule cannot be updated.
    expect((await call('PUT', `${path}/${id}`, { token, body: { name: 'x' } })).status).toBe(400);
  });

  it('derives type from requirement.item.items', async () => {
    const token = await tokenWith(undefined, aid);
    const typeOf = async (items?: unknown[]) => {
      const body = ruleBody();
      const res = await json(
        call('POST', path, {
          token,
          body: { ...body, requirement: { ...body.requirement, ...(items ? { item: { items } } : {}) } },
        }),
      );
      return res.body.type;
    };
    expect(await typeOf()).toBe('receipt');
    expect(await typeOf([])).toBe('receipt');
    expect(await typeOf([{ id: '*' }])).toBe('receipt');
    // Dintero's Item has no required key: `{}` is a wildcard too.
    expect(await typeOf([{}, { id: '*' }])).toBe('receipt');
    expect(await typeOf([{ id: 'ANY_ITEM' }])).toBe('item');
    expect(await typeOf([{ group_id: 'B1' }])).toBe('item');
  });

  it('enforces the update restrictions', async () => {
    const token = await tokenWith(undefined, aid);
    const { body: rule } = await json(
      call('POST', path, {
        token,
        body: ruleBody({ requirement: { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2090-01-01T00:00:00Z' } }),
      }),
    );
    const put = (body: unknown) => json(call('PUT', `${path}/${rule.id}`, { token, body }));
    const earlier = await put({ requirement: { purchase_to: '2080-01-01T00:00:00Z' } });
    expect(earlier.status).toBe(400);
    expect(earlier.body.error.errors[0].field).toBe('requirement.purchase_to');
    const from = await put({ requirement: { purchase_from: '2021-01-01T00:00:00Z' } });
    expect(from.status).toBe(400);
    expect(from.body.error.errors[0].field).toBe('requirement.purchase_from');
    const reward = await put({ reward: { value: 1 } });
    expect(reward.status).toBe(400);
    expect(reward.body.error.errors[0].field).toBe('reward');
    // Sending the same values back is not a change; a GET body can be PUT back whole.
    const same = await put(rule);
    expect(same.status).toBe(200);
    const invalid = await put({ limitation: { discount_combination: 5 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.errors[0].field).toBe('limitation.discount_combination');
    expect((await json(call('GET', `${path}/${rule.id}`, { token }))).body.updated_at).toBe(same.body.updated_at);
  });
});

describe('invalid rule bodies', () => {
  const base = ruleBody();
  const req = base.requirement;
  const cases: [string, Record<string, unknown>, string][] = [
    ['missing requirement', { ...base, requirement: undefined }, 'requirement'],
    ['missing reward', { ...base, reward: undefined }, 'reward'],
    ['missing purchase_from', { ...base, requirement: { purchase_to: req.purchase_to } }, 'requirement.purchase_from'],
    ['bad purchase_to', { ...base, requirement: { ...req, purchase_to: '31.12.2099' } }, 'requirement.purchase_to'],
    [
      'window backwards',
      { ...base, requirement: { purchase_from: '2030-01-01T00:00:00Z', purchase_to: '2029-01-01T00:00:00Z' } },
      'requirement',
    ],
    ['unknown reward type', { ...base, reward: { type: 'free_lunch', value: 1 } }, 'reward.type'],
    ['fractional amount', { ...base, reward: { type: 'discount_amount', value: 10.5 } }, 'reward'],
    ['percent over 100', { ...base, reward: { type: 'discount_percent', value: 101 } }, 'reward'],
    ['negative value', { ...base, reward: { type: 'discount_amount', value: -1 } }, 'reward.value'],
    ['bad base', { ...base, reward: { type: 'discount_amount', value: 1, base: 'tare' } }, 'reward.base'],
    ['bad effect', { ...base, reward: { type: 'discount_amount', value: 1, effect: 'cashback' } }, 'reward.effect'],
    [
      'reward value item without id or group',
      {
        ...base,
        requirement: { ...req, item: { items: [{ id: 'a' }] } },
        reward: { type: 'discount_amount', value: 100, values: [{ items: [{}], value: 50 }] },
      },
      'reward.values.0.items.0',
    ],
    [
      'negative item quantity',
      { ...base, requirement: { ...req, item: { quantity: -2 } } },
      'requirement.item.quantity',
    ],
    ['currency not ISO', { ...base, requirement: { ...req, currencies: ['kroner'] } }, 'requirement.currencies.0'],
    [
      'mcc range backwards',
      { ...base, requirement: { ...req, store: { mcc_ranges: [{ start: 9, end: 1 }] } } },
      'requirement.store.mcc_ranges.0',
    ],
    [
      'customer leaf not array',
      { ...base, requirement: { ...req, customer: { first_name: 'John' } } },
      'requirement.customer.first_name',
    ],
    ['bad combination', { ...base, limitation: { discount_combination: 1 } }, 'limitation.discount_combination'],
    ['bad eligible', { ...base, limitation: { discount_eligible: 'always' } }, 'limitation.discount_eligible'],
    [
      'repeat usage below -1',
      { ...base, limitation: { discount_repeat_usage: -2 } },
      'limitation.discount_repeat_usage',
    ],
    [
      'bad weekday',
      { ...base, limitation: { discount_hours: { hours: [{ day: 'fun', start: '10:00', end: '12:00' }] } } },
      'limitation.discount_hours.hours.0.day',
    ],
    [
      'bad clock',
      { ...base, limitation: { discount_hours: { hours: [{ day: 'mon', start: '25:00', end: '26:00' }] } } },
      'limitation.discount_hours.hours.0.start',
    ],
    [
      'unknown timezone',
      { ...base, limitation: { discount_hours: { hours: [], timezone: 'Mars/Olympus' } } },
      'limitation.discount_hours.timezone',
    ],
    [
      'bad activation type',
      { ...base, limitation: { discount_activation: [{ type: 'sometimes', value: 'x' }] } },
      'limitation.discount_activation.0.type',
    ],
    ['active not boolean', { ...base, active: 'yes' }, 'active'],
    ['metadata not object', { ...base, metadata: [1, 2] }, 'metadata'],
    ['link without href', { ...base, links: [{ rel: 'x' }] }, 'links.0.href'],
    ['unknown field', { ...base, colour: 'red' }, 'colour'],
    ['body is an array', [] as unknown as Record<string, unknown>, '(body)'],
  ];

  it.each(cases)('%s → 400 naming the field', async (_name, body, field) => {
    const token = await tokenWith(undefined, 'T20000004');
    const res = await json(call('POST', '/v1/accounts/T20000004/discounts/rules', { token, body }));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('stored nothing for any of them', async () => {
    const token = await tokenWith(undefined, 'T20000004');
    expect((await json(call('GET', '/v1/accounts/T20000004/discounts/rules', { token }))).body).toEqual([]);
  });
});
