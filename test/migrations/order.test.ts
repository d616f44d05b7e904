import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../shared/store/account';
import { inOrder, MIGRATION_ORDER, type Migration } from '../../shared/store/migrations';
import { call } from '../helpers';

const step = (id: string): Migration => ({ id, statements: [] });

describe('MIGRATION_ORDER', () => {
  it('lists each id once, each area in ascending number, and is what the account applies', () => {
    expect(new Set(MIGRATION_ORDER).size).toBe(MIGRATION_ORDER.length);
    for (const id of MIGRATION_ORDER) expect(id).toMatch(/^[a-z-]+\/\d{3}$/);
    const last = new Map<string, number>();
    for (const id of MIGRATION_ORDER) {
      const [area, n] = id.split('/') as [string, string];
      // An area's migrations are numbered from 001 with no gap, in the order they run.
      expect(Number(n), id).toBe((last.get(area) ?? 0) + 1);
      last.set(area, Number(n));
    }
    expect(MIGRATIONS.map((m) => m.id)).toEqual([...MIGRATION_ORDER]);
  });

  it('refuses an area migration the list does not name, and a listed id no area defines', () => {
    const all = MIGRATION_ORDER.map(step);
    expect(inOrder([...all].reverse()).map((m) => m.id)).toEqual([...MIGRATION_ORDER]);
    expect(() => inOrder([...all, step('rules/002')])).toThrow(/rules\/002/);
    expect(() => inOrder(all.filter((m) => m.id !== 'refs/003'))).toThrow(/refs\/003/);
    expect(() => inOrder([...all, step('refs/001')])).toThrow();
  });

  it('a new account has applied exactly the listed migrations', async () => {
    const aid = 'T00001301';
    await call('GET', `/v1/accounts/${aid}/discounts/rules`);
    const applied = await runInDurableObject(env.ACCOUNTS.getByName(aid), (_object, state) =>
      state.storage.sql
        .exec<{ id: string }>('SELECT id FROM _migrations ORDER BY rowid')
        .toArray()
        .map((r) => r.id),
    );
    expect(applied).toEqual([...MIGRATION_ORDER]);
  });
});
