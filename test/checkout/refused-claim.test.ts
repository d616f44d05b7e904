import { describe, expect, it } from 'vitest';
import { merchant, session } from './helpers';

const SECRET = 'dintero-signature-secret-0051';

/**
 * A limit reached between the shopper's price and the payment: the store refuses the claim (a
 * `refused` domain error, rolled back), and the callback logs that as an outcome and answers 200,
 * because Dintero retrying cannot help.
 */
describe('a claim refused at payment', async () => {
  const m = await merchant('T40000051');
  await m.setSecret(SECRET);
  const once = await m.rule('Én gang 50,-', { type: 'discount_amount', value: 5000 }, {}, ['c-once'], {
    limitation: { discount_repeat_usage: 1 },
  });

  it('is logged as refused with the reason, answered 200, and counts nothing', async () => {
    // Two checkouts priced while the discount was still unused: both plans hold the ref.
    for (const id of ['T40000051.s-1', 'T40000051.s-2']) {
      const priced = await m.dintero('POST', '/discount_codes', {
        secret: SECRET,
        body: session(id, { customer_id: 'c-once' }),
      });
      expect(priced.status).toBe(200);
      const lines = priced.body.order.items.flatMap((i: { discount_lines: { discount_id: string }[] }) =>
        i.discount_lines.map((l) => l.discount_id),
      );
      expect(lines).toContain(once);
    }
    const pay = (n: number) =>
      m.dintero('GET', `/callback?transaction_id=T40000051.tx-${n}&session_id=T40000051.s-${n}`, { secret: SECRET });
    const first = await pay(1);
    expect(first.status).toBe(200);
    expect(first.body.outcome).toBe('claimed');
    const second = await pay(2);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ outcome: 'refused', claim_id: null });
    const [logged] = (await m.events('?transaction_id=T40000051.tx-2')).body;
    expect(logged).toMatchObject({ outcome: 'refused', event: 'AUTHORIZE' });
    expect(logged.detail).toMatch(/discount_repeat_usage/);
    expect(await m.claimsByRef('T40000051.tx-2')).toEqual([]);
    expect((await m.statistics(once)).usage).toBe(1);
  });
});
