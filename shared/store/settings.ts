import { META_KEYS } from '../keys';
import { SETTINGS_DEFAULTS, type Settings, type SettingsPatch, type SettingsValues } from '../schemas/settings';
import { bumpContentVersion, type Migration } from './migrations';
import { one, type Sql } from './sql';

/**
 * Settings live in the `meta` table under `settings` as `{values, updated_at, updated_by}`, where
 * `values` holds only what the merchant has set; defaults fill the rest on every read.
 * `cache_epoch` names this incarnation of the account's storage in public cache keys, so a store
 * that is ever recreated (or a test run) can never be served entries cached for an older one whose
 * content version happened to have the same number.
 */
export const settingsMigrations: Migration[] = [
  {
    id: 'settings/001',
    statements: ["INSERT INTO meta (key, value) VALUES ('cache_epoch', lower(hex(randomblob(8))))"],
  },
];

type Doc = Record<string, unknown>;

interface Stored {
  values: Doc;
  updated_at?: string;
  updated_by?: string;
}

const isPlainObject = (x: unknown): x is Doc => typeof x === 'object' && x !== null && !Array.isArray(x);

/** JSON merge patch (RFC 7386 semantics): objects merge, `null` removes, everything else replaces. */
export function mergePatch(target: Doc, patch: Doc): Doc {
  const out: Doc = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete out[key];
    else if (isPlainObject(value)) {
      const merged = mergePatch(isPlainObject(out[key]) ? out[key] : {}, value);
      if (Object.keys(merged).length) out[key] = merged;
      else delete out[key];
    } else out[key] = value;
  }
  return out;
}

/** Defaults with the stored values laid over them; keys the current version no longer knows are dropped. */
function withDefaults(defaults: Doc, values: Doc): Doc {
  const out: Doc = {};
  for (const [key, fallback] of Object.entries(defaults)) {
    const given = values[key];
    out[key] = isPlainObject(fallback)
      ? withDefaults(fallback, isPlainObject(given) ? given : {})
      : (given ?? fallback);
  }
  return out;
}

export class SettingsStore {
  constructor(private readonly sql: Sql) {}

  private stored(): Stored {
    const row = one<{ value: string }>(this.sql, 'SELECT value FROM meta WHERE key = ?', META_KEYS.settings);
    return row ? (JSON.parse(row.value) as Stored) : { values: {} };
  }

  values(): SettingsValues {
    return withDefaults(SETTINGS_DEFAULTS as unknown as Doc, this.stored().values) as unknown as SettingsValues;
  }

  get(): Settings {
    const { updated_at, updated_by } = this.stored();
    return { ...this.values(), ...(updated_at ? { updated_at, updated_by } : {}) };
  }

  update(patch: SettingsPatch, actor: string): Settings {
    const { updated_at: _a, updated_by: _b, ...changes } = patch;
    const stored: Stored = {
      values: mergePatch(this.stored().values, changes as Doc),
      updated_at: new Date().toISOString(),
      updated_by: actor,
    };
    this.sql.exec(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      META_KEYS.settings,
      JSON.stringify(stored),
    );
    bumpContentVersion(this.sql);
    return this.get();
  }
}
