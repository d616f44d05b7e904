import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Rule } from '../../shared/engine';
import {
  DAY_MS,
  daysLimitedSql,
  daysLimitMs,
  inDynamicWindow,
  refEndMs,
  refEndSql,
  refLimits,
} from '../../shared/engine/usability';

// The public list decides in SQL (public-rules.ts) when a ref stops being usable; the store and
// the engine decide in TypeScript. Random refs go into the account object's SQLite and both
// readings must agree on every one, at random instants and at the edges.

const T0 = Date.parse('2024-01-01T00:00:00Z');
const YEAR = 365 * DAY_MS;
// Valid stored values (-1, 1 and up), absent, and 0 (refused by the schema; both read it as none).
const days = fc.oneof(fc.constant(undefined), fc.constantFrom(-1, 0, 1), fc.integer({ min: 1, max: 3650 }));
const probe = fc.record({
  purchaseTo: fc.integer({ min: T0, max: T0 + 3 * YEAR }),
  createdAt: fc.integer({ min: T0 - YEAR, max: T0 + 3 * YEAR }),
  dynamicDays: days,
  stampDays: days,
  // How `now` relates to the TypeScript end: anywhere, or on / just around it.
  now: fc.oneof(
    fc.record({ at: fc.integer({ min: T0 - YEAR, max: T0 + 15 * YEAR }) }),
    fc.record({ fromEnd: fc.integer({ min: -2, max: 2 }) }),
  ),
});
type Probe = typeof probe extends fc.Arbitrary<infer P> ? P : never;
const nowOf = (p: Probe, end: number) => ('at' in p.now ? p.now.at : end + p.now.fromEnd);

function ruleOf(p: { purchaseTo: number; dynamicDays?: number; stampDays?: number }): Rule {
  const limitation: Rule['limitation'] = {};
  if (p.dynamicDays !== undefined) limitation.dynamic_purchase_to_days = p.dynamicDays;
  if (p.stampDays !== undefined) limitation.stamp_expire_days = p.stampDays;
  return {
    id: 'r',
    active: true,
    requirement: {
      purchase_from: new Date(T0 - 2 * YEAR).toISOString(),
      purchase_to: new Date(p.purchaseTo).toISOString(),
    },
    reward: { type: 'discount_amount', value: 1 },
    ...(Object.keys(limitation).length ? { limitation } : {}),
  };
}

describe('usability: the SQL expressions against the TypeScript rules', () => {
  it('refEndSql and daysLimitedSql agree with refEndMs and daysLimitMs on random refs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(probe, { minLength: 1, maxLength: 50 }), async (batch) => {
        const rows = batch.map((p, id) => {
          const rule = ruleOf(p);
          const limits = refLimits(rule);
          const end = refEndMs(limits, p.createdAt);
          return { id, p, rule, limits, end, now: nowOf(p, end) };
        });
        const fromSql = await runInDurableObject(env.ACCOUNTS.getByName('usability-sql'), (_o, state) => {
          const sql = state.storage.sql;
          sql.exec('DROP TABLE IF EXISTS usability_probe');
          sql.exec(
            'CREATE TABLE usability_probe (id INTEGER PRIMARY KEY, body TEXT, purchase_to INTEGER, created_at INTEGER)',
          );
          for (const r of rows) {
            sql.exec(
              'INSERT INTO usability_probe VALUES (?, ?, ?, ?)',
              r.id,
              JSON.stringify(r.rule),
              Date.parse(r.rule.requirement.purchase_to),
              r.p.createdAt,
            );
          }
          const end = refEndSql({ body: 'p.body', purchaseTo: 'p.purchase_to', createdAt: 'p.created_at' });
          const stamps = daysLimitedSql(`json_extract(p.body, '$.limitation.stamp_expire_days')`);
          return rows.map((r) =>
            sql
              .exec<{ end: number; usable: number; stamps: number | null }>(
                `SELECT ${end} AS end, ${end} >= ? AS usable, ${stamps} AS stamps FROM usability_probe p WHERE id = ?`,
                r.now,
                r.id,
              )
              .one(),
          );
        });
        rows.forEach((r, i) => {
          const got = fromSql[i]!;
          const seen = { ...r.p, now: r.now };
          expect({ seen, end: got.end }).toEqual({ seen, end: r.end });
          // The public list's test (`end >= now`) is the store's and the engine's usability test.
          const usable = r.now <= r.limits.toMs && inDynamicWindow(r.limits, r.p.createdAt, r.now);
          expect({ seen, usable: got.usable === 1 }).toEqual({ seen, usable });
          expect(r.now <= r.end).toBe(usable);
          expect({ seen, stamps: got.stamps === 1 }).toEqual({ seen, stamps: daysLimitMs(r.p.stampDays) !== null });
        });
      }),
      { numRuns: 30 },
    );
  });
});
