// `anything-but` in its scalar form (one value, not a list), through a real event.
import { describe, expect, it } from 'vitest';
import { automationsApi, receipt, WINDOW } from './helpers';

describe('automation filters: anything-but with one value', () => {
  it('excludes exactly that value, and a payload without the path matches nothing', async () => {
    const api = await automationsApi('T44500001');
    const did = await api.rule({ name: 'everyone but staff' });
    await api.automation({
      requirement: { events: ['receipt_add'], ...WINDOW, filter: { '$.customer_id': [{ 'anything-but': 'staff-1' }] } },
      actions: [{ type: 'discount', id: did }],
      limitation: { automation_repeat: -1 },
    });
    for (const [id, customer] of [
      ['s-1', 'staff-1'],
      ['s-2', 'anna'],
      ['s-3', 'staff-10'],
      ['s-4', undefined],
    ] as const) {
      expect((await api.event('receipt_add', receipt(id, customer))).status).toBe(204);
    }
    expect(await api.holders(did)).toEqual(['anna', 'staff-10']);
  });
});
