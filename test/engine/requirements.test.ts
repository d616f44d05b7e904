import { describe, it, expect } from 'vitest';
import { item, lines, off, pct, receipt, ref, rule, run } from './helpers';

// 10% off a 1000 line unless noted: 100 when the requirement holds, nothing otherwise.
const ten = pct(10);

describe('purchase window, active, deleted', () => {
  const r = rule('w', ten, { purchase_from: '2024-06-01T00:00:00Z', purchase_to: '2024-06-03T12:00:00Z' });
  it('applies inside the window (bounds inclusive)', () => {
    expect(lines(run([r], receipt([item('A', 1000)])))).toEqual([100]);
  });
  it('does not apply after purchase_to', () => {
    const res = run([r], receipt([item('A', 1000)], { purchase_at: '2024-06-03T12:00:01Z' }));
    expect(lines(res)).toEqual([0]);
    expect(res.discounts).toEqual([]);
    expect(res.is_changed).toBe(false);
  });
  it('does not apply before purchase_from', () => {
    expect(lines(run([r], receipt([item('A', 1000)], { purchase_at: '2024-05-31T23:59:59Z' })))).toEqual([0]);
  });
  it('inactive or deleted rules and deleted refs never apply', () => {
    const rc = receipt([item('A', 1000)]);
    expect(lines(run([rule('x', ten, {}, undefined, { active: false })], rc))).toEqual([0]);
    expect(lines(run([rule('x', ten, {}, undefined, { deleted_at: '2024-02-01T00:00:00Z' })], rc))).toEqual([0]);
    expect(lines(run([rule('x', ten)], rc, { refs: [ref('x', { deleted_at: '2024-02-01T00:00:00Z' })] }))).toEqual([0]);
    expect(lines(run([rule('x', ten)], rc, { refs: [] }))).toEqual([0]);
  });
});

describe('customer', () => {
  const customer = {
    first_name: 'John',
    status: 'vip',
    company: { bussiness_name: 'TKP tech AS', department: 'research' },
    marketing_consent: { sms: { consent: true } },
    enrolled_by: { type: 'url', value: 'https://mypage.example.dintero.com' },
    addresses: [
      { country: 'NO', postal_code: '0150', postal_place: 'Oslo', type: 'custom', custom_type: 'offsite' },
      { country: 'SE', postal_code: '0349', postal_place: 'Oslo', type: 'custom', custom_type: 'offsite' },
    ],
  };
  const rc = (c: Record<string, unknown> | undefined) => receipt([item('A', 1000)], c ? { customer: c } : {});
  it('string leaves are "one of"; fields AND together; booleans compare as "true"', () => {
    const r = rule('c', ten, {
      customer: {
        first_name: ['Jane', 'John'],
        company: { bussiness_name: ['TKP tech AS'], department: ['production', 'research'] },
        marketing_consent: { sms: { consent: ['true'] } },
        enrolled_by: { type: ['url'] },
      },
    });
    expect(lines(run([r], rc(customer)))).toEqual([100]);
    expect(lines(run([r], rc({ ...customer, first_name: 'Jim' })))).toEqual([0]);
    expect(
      lines(run([r], rc({ ...customer, company: { bussiness_name: 'TKP tech AS', department: 'sales' } }))),
    ).toEqual([0]);
    expect(lines(run([r], rc({ ...customer, marketing_consent: { sms: { consent: false } } })))).toEqual([0]);
    expect(lines(run([r], rc(undefined)))).toEqual([0]);
  });
  it('an address pattern must match one single address', () => {
    const one = rule('c', ten, { customer: { addresses: [{ country: ['NO'], postal_code: ['0150'] }] } });
    const split = rule('c', ten, { customer: { addresses: [{ country: ['NO'], postal_code: ['0349'] }] } });
    expect(lines(run([one], rc(customer)))).toEqual([100]);
    // NO is on one address and 0349 on the other: no single address has both.
    expect(lines(run([split], rc(customer)))).toEqual([0]);
  });
});

describe('items (any of)', () => {
  const r = rule('i', ten, { item: { items: [{ id: 'A' }, { group_id: 'G' }] } });
  it('discounts only the matching lines', () => {
    const res = run([r], receipt([item('A', 1000), item('B', 500, { groups: [{ id: 'G' }] }), item('C', 700)]));
    expect(lines(res)).toEqual([100, 50, 0]);
    expect(res.items.map((i) => i.is_changed)).toEqual([true, true, false]);
    expect(res.discounts[0]?.type).toBe('item');
  });
  it('does not apply when no line matches', () => {
    expect(lines(run([r], receipt([item('C', 700, { groups: [{ id: 'H' }] })])))).toEqual([0]);
  });
  it('a pattern with id and group_id needs both', () => {
    const both = rule('i', ten, { item: { items: [{ id: 'A', group_id: 'G' }] } });
    expect(lines(run([both], receipt([item('A', 1000, { groups: [{ id: 'G' }] }), item('A', 1000)])))).toEqual([
      100, 0,
    ]);
  });
  it('ANY_ITEM matches every line and makes an item rule', () => {
    const res = run(
      [rule('i', ten, { item: { items: [{ id: 'ANY_ITEM' }] } })],
      receipt([item('X', 1000), item('Y', 300)]),
    );
    expect(lines(res)).toEqual([100, 30]);
    expect(res.discounts[0]?.type).toBe('item');
  });
  it('lines not eligible for discount or with zero gross are never matched', () => {
    const res = run([r], receipt([item('A', 1000, { eligible_for_discount: false }), item('A', 0)]));
    expect(lines(res)).toEqual([0, 0]);
  });
});

describe('item.quantity (minimum quantity of matching lines)', () => {
  const r = rule('q', ten, { item: { items: [{ id: 'A' }], quantity: 3 } });
  it('applies at 3 units', () => {
    expect(lines(run([r], receipt([item('A', 2000, { quantity: 2 }), item('A', 1000)])))).toEqual([200, 100]);
  });
  it('does not apply at 2 units', () => {
    expect(lines(run([r], receipt([item('A', 2000, { quantity: 2 })])))).toEqual([0]);
  });
});

describe('mixes (all of)', () => {
  const r = rule('m', ten, {
    item: {
      mixes: [
        { quantity: 1, reward_eligible: false, items: [{ id: 'BURGER' }] },
        { quantity: 2, items: [{ group_id: 'DRINK' }] },
      ],
    },
  });
  const drink = (n: number) => item('COLA', 300 * n, { quantity: n, groups: [{ id: 'DRINK' }] });
  it('applies when every mix is met; only reward-eligible mix lines are discounted', () => {
    expect(lines(run([r], receipt([item('BURGER', 1000), drink(2)])))).toEqual([0, 60]);
  });
  it('does not apply when one mix is short', () => {
    expect(lines(run([r], receipt([item('BURGER', 1000), drink(1)])))).toEqual([0, 0]);
    expect(lines(run([r], receipt([drink(3)])))).toEqual([0]);
  });
});

describe('gross_amount / net_amount minimum', () => {
  it('gross: applies at the minimum, not below', () => {
    const r = rule('g', off(100), { gross_amount: 1000 });
    expect(lines(run([r], receipt([item('A', 1000)])))).toEqual([100]);
    expect(lines(run([r], receipt([item('A', 999)])))).toEqual([0]);
    // the receipt's own gross_amount wins over the line sum
    expect(lines(run([r], receipt([item('A', 999)], { gross_amount: 1000 })))).toEqual([100]);
  });
  it('net: gross minus existing discounts', () => {
    const r = rule('n', off(100), { net_amount: 1000 });
    const rebate = { discount_lines: [{ amount: 1, discount_type: 'manual' }] };
    expect(lines(run([r], receipt([item('A', 1001, rebate)])))).toEqual([100]);
    expect(lines(run([r], receipt([item('A', 1000, rebate)])))).toEqual([0]);
  });
});

describe('currencies', () => {
  const list = rule('c', ten, { currencies: ['NOK', 'SEK'] });
  const anythingBut = rule('c', ten, { currencies: [{ 'anything-but': ['NOK'] }] });
  const rc = (currency?: string) => receipt([item('A', 1000)], currency ? { currency } : { currency: undefined });
  it('list: one of', () => {
    expect(lines(run([list], rc('SEK')))).toEqual([100]);
    expect(lines(run([list], rc('DKK')))).toEqual([0]);
  });
  it('anything-but', () => {
    expect(lines(run([anythingBut], rc('SEK')))).toEqual([100]);
    expect(lines(run([anythingBut], rc('NOK')))).toEqual([0]);
    expect(lines(run([anythingBut], rc(undefined)))).toEqual([0]);
  });
});

describe('discount_code', () => {
  const r = rule('d', ten, { discount_code: 'TACO' });
  it('in receipt.discount_code[]', () => {
    expect(lines(run([r], receipt([item('A', 1000)], { discount_code: ['X', 'TACO'] })))).toEqual([100]);
  });
  it('as an item id (the code line itself is discounted too when eligible)', () => {
    expect(lines(run([r], receipt([item('A', 1000), item('TACO', 0)])))).toEqual([100, 0]);
  });
  it('absent: no discount', () => {
    expect(lines(run([r], receipt([item('A', 1000)], { discount_code: ['taco'] })))).toEqual([0]);
  });
});

describe('store', () => {
  const r = rule('s', ten, {
    store: { id: ['sc029', 'sc030'], address: { country: ['NO'] }, mcc_ranges: [{ start: 5814, end: 5815 }] },
  });
  const rc = (store: Record<string, unknown>) => receipt([item('A', 1000)], { store: { id: 'sc029', ...store } });
  it('applies when every given field matches; mcc_ranges inclusive', () => {
    expect(lines(run([r], rc({ mcc: 5815, address: { country: 'NO' } })))).toEqual([100]);
    expect(lines(run([r], rc({ mcc: '5814', address: { country: 'NO' } })))).toEqual([100]);
  });
  it('does not apply outside the range, at another store or country', () => {
    expect(lines(run([r], rc({ mcc: 5816, address: { country: 'NO' } })))).toEqual([0]);
    expect(lines(run([r], rc({ id: 'sc999', mcc: 5814, address: { country: 'NO' } })))).toEqual([0]);
    expect(lines(run([r], rc({ mcc: 5814, address: { country: 'SE' } })))).toEqual([0]);
  });
  it('requirement.store_ids', () => {
    const ids = rule('s', ten, { store_ids: ['sc029'] });
    expect(lines(run([ids], rc({})))).toEqual([100]);
    expect(lines(run([ids], rc({ id: 'x' })))).toEqual([0]);
  });
});

describe('stamps', () => {
  // Stamp card: 5 stamps → 100% off the cheapest coffee.
  const card = rule(
    'card',
    { type: 'discount_item_percent', value: 100 },
    { item: { items: [{ id: 'COFFEE' }] }, stamp: 5 },
    { stamp_expire_days: 30 },
  );
  const rc = receipt([item('COFFEE', 4000, { quantity: 2 }), item('BUN', 3000)]);
  const stamps = (...days: string[]) => days.map((at) => ({ at, quantity: 1 }));
  it('5 valid stamps: the cheapest coffee unit is free, no stamp earned', () => {
    const held = ref('card', {
      stamps: stamps(
        '2024-05-10T10:00:00Z',
        '2024-05-11T10:00:00Z',
        '2024-05-12T10:00:00Z',
        '2024-05-20T10:00:00Z',
        '2024-06-01T10:00:00Z',
      ),
    });
    const res = run([card], rc, { refs: [held] });
    expect(lines(res)).toEqual([2000, 0]);
    expect(res.discounts[0]?.refs[0]).toMatchObject({ amount: 2000, stamp: 0, usage: 1, statistics: { stamp: 5 } });
  });
  it('4 stamps: no reward, the purchase earns 2 stamps', () => {
    const held = ref('card', {
      stamps: stamps('2024-05-10T10:00:00Z', '2024-05-11T10:00:00Z', '2024-05-12T10:00:00Z', '2024-06-01T10:00:00Z'),
    });
    const res = run([card], rc, { refs: [held] });
    expect(lines(res)).toEqual([0, 0]);
    expect(res.is_changed).toBe(false);
    expect(res.discounts[0]?.refs[0]).toMatchObject({ amount: 0, stamp: 2, usage: 0, statistics: { stamp: 4 } });
  });
  it('stamps older than stamp_expire_days before the purchase do not count', () => {
    // 2024-05-03 is 31 days before 2024-06-03
    const held = ref('card', {
      stamps: stamps(
        '2024-05-03T10:00:00Z',
        '2024-05-11T10:00:00Z',
        '2024-05-12T10:00:00Z',
        '2024-05-20T10:00:00Z',
        '2024-06-01T10:00:00Z',
      ),
    });
    expect(run([card], rc, { refs: [held] }).discounts[0]?.refs[0]).toMatchObject({
      amount: 0,
      stamp: 2,
      statistics: { stamp: 4 },
    });
  });
  it("stamps are the ref's unspent stamps: earlier usage subtracts nothing", () => {
    // Storage leaves spent stamps out, so a ref used 3 times holding 5 valid stamps has a full card.
    const held = ref('card', {
      usage: 3,
      stamps: [
        { at: '2024-05-10T10:00:00Z', quantity: 2 },
        { at: '2024-06-01T10:00:00Z', quantity: 3 },
      ],
    });
    expect(run([card], rc, { refs: [held] }).discounts[0]?.refs[0]).toMatchObject({
      amount: 2000,
      usage: 1,
      statistics: { stamp: 5, usage: 3 },
    });
    // Stamps dated after the purchase do not count yet.
    const early = ref('card', {
      stamps: [
        { at: '2024-05-10T10:00:00Z', quantity: 4 },
        { at: '2024-06-04T10:00:00Z', quantity: 1 },
      ],
    });
    expect(run([card], rc, { refs: [early] }).discounts[0]?.refs[0]).toMatchObject({
      amount: 0,
      stamp: 2,
      statistics: { stamp: 4 },
    });
  });
  it('each reward redeems one full card: repetitions are capped by the cards held', () => {
    // Every coffee is a repetition (item.quantity 1), but 5 stamps fill one card only.
    const perCoffee = rule(
      'card',
      { type: 'discount_item_percent', value: 100 },
      { item: { items: [{ id: 'COFFEE' }], quantity: 1 }, stamp: 5 },
    );
    const one = ref('card', { stamps: [{ at: '2024-06-01T10:00:00Z', quantity: 9 }] });
    expect(run([perCoffee], rc, { refs: [one] }).discounts[0]?.refs[0]).toMatchObject({ amount: 2000, usage: 1 });
    const two = ref('card', { stamps: [{ at: '2024-06-01T10:00:00Z', quantity: 10 }] });
    expect(run([perCoffee], rc, { refs: [two] }).discounts[0]?.refs[0]).toMatchObject({ amount: 4000, usage: 2 });
  });
});
