import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, ruleBody, tokenWith } from '../helpers';

/**
 * An evaluation's statements do not grow with the refs it reads (docs/storage.md: each statement
 * costs about 60 µs in workerd, more than most queries' own work): three once the rules are
 * compiled, for one reached ref or twenty, the shopper's own refs and `*` refs alike, plus one for
 * the campaigns of the rules reached (their budgets), however many.
 */
const AID = 'T22000301';
const base = `/v1/accounts/${AID}/discounts`;
const window = { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' };

/** Statements the account object runs while `work` runs (counted on its SQL handle). */
async function statements(work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const stub = env.ACCOUNTS.getByName(AID);
  const restore = await runInDurableObject(stub, (_instance, state) => {
    const sql = state.storage.sql;
    const exec = sql.exec;
    sql.exec = ((query: string, ...args: SqlStorageValue[]) => {
      seen.push(query);
      return exec.call(sql, query, ...args);
    }) as typeof sql.exec;
    return () => {
      sql.exec = exec;
    };
  });
  try {
    await work();
  } finally {
    await runInDurableObject(stub, () => restore());
  }
  return seen;
}

/** One rule per item, given to `to`; with `campaigns`, each rule in a campaign of its own. */
async function give(token: string, items: string[], to: string, campaigns = false) {
  for (const item of items) {
    if (campaigns) {
      const made = await call('POST', `${base}/campaigns`, { token, body: { campaign_id: `c-${item}`, name: item } });
      expect(made.status).toBe(200);
    }
    const rule = await call('POST', `${base}/rules`, {
      token,
      body: ruleBody({
        name: item,
        requirement: { ...window, item: { items: [{ id: item }] } },
        ...(campaigns && { campaign_id: `c-${item}` }),
      }),
    });
    expect(rule.status).toBe(200);
    const { id } = (await rule.json()) as { id: string };
    expect((await call('POST', `${base}/rules/${id}/customers`, { token, body: { customers: [to] } })).status).toBe(
      200,
    );
  }
}

const receipt = (items: string[]) => ({
  receipt_id: `r-${items.length}`,
  purchase_at: new Date().toISOString(),
  store: { id: 'store-1' },
  customer_id: 'kari',
  items: items.map((id, i) => ({ id, line_id: i + 1, quantity: 1, gross_amount: 10000 })),
});

describe('an evaluation’s statements', () => {
  it('are three whatever the number of refs and campaigns it reads', async () => {
    const token = await tokenWith(undefined, AID);
    const everyone = Array.from({ length: 10 }, (_, i) => `star-${i}`);
    const hers = Array.from({ length: 10 }, (_, i) => `own-${i}`);
    await give(token, everyone, '*', true);
    await give(token, hers, 'kari');
    const counted = async (items: string[]) => {
      let discounts = 0;
      const seen = await statements(async () => {
        const res = await call('POST', `${base}/available_for_receipt`, { token, body: receipt(items) });
        expect(res.status).toBe(200);
        discounts = ((await res.json()) as { discounts: unknown[] }).discounts.length;
      });
      return { discounts, statements: seen.length };
    };
    // The first evaluation after a write also compiles the rules and reads which have code pools.
    expect((await counted(everyone.slice(0, 1))).statements).toBeGreaterThan(3);
    expect(await counted(everyone.slice(0, 1))).toEqual({ discounts: 1, statements: 4 });
    expect(await counted([...everyone, ...hers])).toEqual({ discounts: 20, statements: 4 });
    expect(await counted(hers)).toEqual({ discounts: 10, statements: 3 });
  });

  it('a claim of one ref runs at most eight', async () => {
    const token = await tokenWith(undefined, AID);
    await give(token, ['claimed'], 'kari');
    const evaluated = await call('POST', `${base}/available_for_receipt`, { token, body: receipt(['claimed']) });
    const [discount] = ((await evaluated.json()) as { discounts: { id: string; refs: unknown[] }[] }).discounts;
    const claim = (ref: string) =>
      call('POST', `${base}/available_for_receipt/claims`, {
        token,
        body: { ref, purchase_at: new Date().toISOString(), customer_id: 'kari', discounts: [discount] },
      });
    expect((await claim('warm-up')).status).toBe(200);
    const seen = await statements(async () => expect((await claim('counted')).status).toBe(200));
    expect(seen.length).toBeLessThanOrEqual(8);
  });
});
