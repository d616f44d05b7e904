import type { RefStatistics } from '../schemas/ref';
import type { DiscountUsage, DiscountUsageQuery } from '../schemas/usage';
import type { UsageRow } from './ref-rows';
import { all, cursorSeq, one, type Sql } from './sql';
import { iso } from '../time';

/**
 * Dintero's `DiscountUsage[]` for one rule: every ref of it (deleted ones too: what was used stays
 * used), in the order the refs were given, each with its live ledger rows as `usage_refs` and its
 * statistics. A `*` ref is one entry whose figures sum every customer's purchases.
 */

/** The ref columns an entry shows. */
export interface UsageRefRow {
  seq: number;
  id: string;
  rule_id: string;
  customer_id: string | null;
  created_at: number;
  created_by: string;
  updated_at: number;
}

/** The ledger columns a Dintero usage entry is built from (shared/store/ledger.ts owns the table). */
type LedgerRow = Pick<
  UsageRow,
  | 'ref_id'
  | 'customer_id'
  | 'source'
  | 'source_ref'
  | 'ref_type'
  | 'usage'
  | 'amount'
  | 'stamp'
  | 'created_at'
  | 'created_by'
>;

const REF_TYPE: Record<LedgerRow['source'], string> = {
  claim: 'claim',
  receipt: 'receipt_add',
  usage_ref: 'usage_ref',
};
export function discountUsages<R extends UsageRefRow>(
  sql: Sql,
  ruleId: string,
  q: DiscountUsageQuery,
  statisticsOf: (ref: R) => RefStatistics,
): { usages: DiscountUsage[]; total?: number } {
  const total = q.total
    ? one<{ n: number }>(sql, 'SELECT COUNT(*) AS n FROM refs WHERE rule_id = ?', ruleId)!.n
    : undefined;
  const after = q.starting_after ? cursorSeq(sql, 'refs', 'ref', q.starting_after) : 0;
  const refs = all<R>(
    sql,
    'SELECT * FROM refs WHERE rule_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    ruleId,
    after,
    q.limit,
  );
  const ledger = new Map<string, LedgerRow[]>();
  if (refs.length) {
    const rows = all<LedgerRow>(
      sql,
      `SELECT ref_id, customer_id, source, source_ref, ref_type, usage, amount, stamp, created_at, created_by
       FROM ref_usages WHERE ref_id IN (SELECT value FROM json_each(?)) AND released_at IS NULL ORDER BY seq`,
      JSON.stringify(refs.map((r) => r.id)),
    );
    for (const row of rows) ledger.set(row.ref_id, [...(ledger.get(row.ref_id) ?? []), row]);
  }
  const usages = refs.map((ref): DiscountUsage => {
    const rows = ledger.get(ref.id) ?? [];
    const latest = rows.reduce((t, r) => Math.max(t, r.created_at), ref.updated_at);
    return {
      id: ref.id,
      ref_id: ref.id,
      discount_id: ref.rule_id,
      customer_id: ref.customer_id,
      create_at: iso(ref.created_at),
      updated_at: iso(latest),
      created_by: ref.created_by,
      usage_refs: rows.map((r) => ({
        ref: r.source_ref ?? '',
        ref_type: r.ref_type ?? REF_TYPE[r.source],
        usage: r.usage,
        stamp: r.stamp,
        amount: r.amount,
        customer_id: r.customer_id,
        created_at: iso(r.created_at),
        created_by: r.created_by,
      })),
      statistics: statisticsOf(ref),
    };
  });
  return { usages, total };
}
