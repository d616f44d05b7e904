/**
 * Timestamps: RFC 3339 UTC on output. Client-given instants keep second precision when they have
 * no fraction, so a rule reads back as it was sent; server stamps carry milliseconds so that
 * `since_datetime` paging can tell writes apart. SQL compares epoch milliseconds, never strings.
 */
export function canonicalTime(input: string | number | Date): string {
  const iso = new Date(input).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

export const toMillis = (input: string): number => Date.parse(input);

export const nowIso = (): string => new Date().toISOString();

/** A stored epoch-milliseconds stamp as RFC 3339 UTC with milliseconds (how every answer shows it). */
export const iso = (ms: number): string => new Date(ms).toISOString();
