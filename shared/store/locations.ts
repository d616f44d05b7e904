import { conflict, invalid, notFound } from '../errors';
import { iso } from '../time';
import type { LocationInput, LocationListQuery, LocationUpdate, SalesLocation } from '../schemas/location';
import { SERVER_OWNED_FIELDS } from '../schemas/common';
import type { Migration } from './migrations';
import { all, one, type Sql, type Value } from './sql';

/**
 * Sales locations (Dintero's `/locations`, docs/locations.md): a store's name, address and
 * details, named by the merchant's `location_id`, the `store.id` receipts carry and rules and
 * automations filter on. Kept as JSON in `body`; lists filter on it (an account holds at most
 * MAX_LOCATIONS). Deleting removes the row: the location_id may be used again. `account_id` is
 * added by the Worker (the object does not know its own account id).
 */
export const locationMigrations: Migration[] = [
  {
    id: 'locations/001',
    statements: [
      `CREATE TABLE locations (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        location_id TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      )`,
    ],
  },
];

export const MAX_LOCATIONS = 10_000;

/** Query filters that match a top-level field of the location exactly (any of the listed values). */
const LIST_FILTERS = ['status', 'phone_number', 'organization_number', 'email', 'type'] as const;
const SEARCHED = ['name', 'phone_number', 'email', 'organization_number', 'business_name'] as const;

export class LocationStore {
  constructor(private readonly sql: Sql) {}

  create(input: LocationInput, actor: string): SalesLocation {
    const locationId = input.location_id ?? crypto.randomUUID();
    if (one(this.sql, 'SELECT 1 AS x FROM locations WHERE location_id = ?', locationId)) {
      throw conflict('A location with this location_id exists', [
        { field: 'location_id', code: 'duplicate', message: 'A location with this location_id exists' },
      ]);
    }
    if (this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM locations').one().n >= MAX_LOCATIONS) {
      throw invalid(`An account holds at most ${MAX_LOCATIONS} locations`);
    }
    const now = Date.now();
    const location: SalesLocation = {
      ...Object.fromEntries(Object.entries(strip(input)).filter(([, x]) => x !== null)),
      id: crypto.randomUUID(),
      location_id: locationId,
      created_at: iso(now),
      created_by: actor,
      updated_at: iso(now),
    };
    this.sql.exec(
      'INSERT INTO locations (location_id, body, created_at, updated_at) VALUES (?, ?, ?, ?)',
      locationId,
      JSON.stringify(location),
      now,
      now,
    );
    return location;
  }

  get(locationId: string): SalesLocation {
    const row = one<{ body: string }>(this.sql, 'SELECT body FROM locations WHERE location_id = ?', locationId);
    if (!row) throw notFound('Location');
    return JSON.parse(row.body) as SalesLocation;
  }

  /** Given fields replace the stored ones; `null` removes one. `location_id` cannot change. */
  update(locationId: string, patch: LocationUpdate, actor: string): SalesLocation {
    const current = this.get(locationId);
    if (patch.location_id !== undefined && patch.location_id !== locationId) {
      throw invalid('location_id cannot change', [
        { field: 'location_id', code: 'immutable', message: 'location_id cannot change' },
      ]);
    }
    const merged: Record<string, unknown> = { ...current };
    for (const [k, x] of Object.entries(strip(patch))) {
      if (x === null) delete merged[k];
      else merged[k] = x;
    }
    const now = Date.now();
    const location = { ...merged, updated_at: iso(now), updated_by: actor } as SalesLocation;
    this.sql.exec(
      'UPDATE locations SET body = ?, updated_at = ? WHERE location_id = ?',
      JSON.stringify(location),
      now,
      locationId,
    );
    return location;
  }

  delete(locationId: string, actor: string): SalesLocation {
    const location = this.get(locationId);
    this.sql.exec('DELETE FROM locations WHERE location_id = ?', locationId);
    return { ...location, deleted_at: new Date().toISOString(), deleted_by: actor };
  }

  /** Oldest first; every filter ANDs, a repeated one matches any of its values. */
  list(q: LocationListQuery): SalesLocation[] {
    const where: string[] = [];
    const args: Value[] = [];
    for (const f of LIST_FILTERS) {
      const values = q[f];
      if (!values?.length) continue;
      where.push(`json_extract(body, '$.${f}') IN (${values.map(() => '?').join(', ')})`);
      args.push(...values);
    }
    if (q.country?.length) {
      where.push(`json_extract(body, '$.address.country') IN (${q.country.map(() => '?').join(', ')})`);
      args.push(...q.country);
    }
    if (q.search !== undefined) {
      const like = `%${q.search.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      where.push(
        `(${SEARCHED.map((f) => `lower(IFNULL(json_extract(body, '$.${f}'), '')) LIKE ? ESCAPE '\\'`).join(' OR ')})`,
      );
      args.push(...SEARCHED.map(() => like));
    }
    if (q.starting_after !== undefined) {
      const after = one<{ seq: number }>(this.sql, 'SELECT seq FROM locations WHERE location_id = ?', q.starting_after);
      if (!after)
        throw invalid('starting_after names no location', [
          { field: 'starting_after', code: 'unknown_id', message: 'No location with this location_id' },
        ]);
      where.push('seq > ?');
      args.push(after.seq);
    }
    const sql = `SELECT body FROM locations ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT ?`;
    return all<{ body: string }>(this.sql, sql, ...args, q.limit).map((r) => JSON.parse(r.body) as SalesLocation);
  }
}

const SERVER_FIELDS_ALL: readonly string[] = [...SERVER_OWNED_FIELDS, 'account_id'];
function strip<T extends object>(input: T): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(input).filter(([k, x]) => x !== undefined && !SERVER_FIELDS_ALL.includes(k)),
  );
}
