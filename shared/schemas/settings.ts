import * as v from 'valibot';

/**
 * Account settings: one validated JSON document per account. A PUT sends only what changes; it is
 * merged over the stored document (objects merge key by key, arrays and scalars replace, `null`
 * puts a value back to its default). To add a setting, add it to `settingsPatchSchema` and to
 * `SETTINGS_DEFAULTS`; stored documents need no migration because defaults fill what is missing.
 */

/** `scheme://host[:port]` exactly as a browser sends it in `Origin`, or `*` for any origin. */
const origin = v.pipe(
  v.string(),
  v.maxLength(255),
  v.check((s) => s === '*' || isOrigin(s), 'Expected an origin such as https://shop.example.com (no path), or *'),
  v.transform((s) => s.toLowerCase()),
);

function isOrigin(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === s.toLowerCase();
  } catch {
    return false;
  }
}

const nullable = <S extends v.GenericSchema>(s: S) => v.optional(v.nullable(s));

const publicOffersPatch = v.strictObject({
  anonymous: nullable(v.boolean()),
  allowed_origins: nullable(v.pipe(v.array(origin), v.maxLength(100, 'Expected at most 100 origins'))),
  max_age: nullable(v.pipe(v.number(), v.integer('Expected an integer'), v.minValue(0), v.maxValue(86400))),
});

const checkoutPatch = v.strictObject({
  allow_unsigned_callbacks: nullable(v.boolean()),
});

export const settingsPatchSchema = v.strictObject({
  public_offers: nullable(publicOffersPatch),
  checkout: nullable(checkoutPatch),
  /** Days soft-deleted data, the checkout callback log and ended rules are kept (docs/maintenance.md). */
  retention_days: nullable(v.pipe(v.number(), v.integer('Expected an integer'), v.minValue(1), v.maxValue(3650))),
  // Server-owned fields a client may echo back from a GET: accepted and ignored.
  updated_at: v.optional(v.unknown()),
  updated_by: v.optional(v.unknown()),
});
export type SettingsPatch = v.InferOutput<typeof settingsPatchSchema>;

export interface PublicOffersSettings {
  /** Serve the public rules list without a token (storefront JavaScript). */
  anonymous: boolean;
  /** Origins that get CORS headers on the public rules endpoints. */
  allowed_origins: string[];
  /**
   * Seconds a public answer is served from the edge without asking the account object, and the
   * most browsers may keep it (`Cache-Control: max-age`); stale answers up to twice that while a
   * refresh runs (docs/public-offers.md, "Staleness").
   */
  max_age: number;
}

export interface CheckoutSettings {
  /** Accept Dintero Checkout callbacks without a signature while no secret is set (local development only). */
  allow_unsigned_callbacks: boolean;
}

export interface SettingsValues {
  public_offers: PublicOffersSettings;
  checkout: CheckoutSettings;
  /** Days the scheduled cleanup keeps soft-deleted rules/refs/customers, checkout events and ended rules. */
  retention_days: number;
}

export interface Settings extends SettingsValues {
  updated_at?: string;
  updated_by?: string;
}

export const SETTINGS_DEFAULTS: SettingsValues = {
  public_offers: { anonymous: false, allowed_origins: [], max_age: 30 },
  checkout: { allow_unsigned_callbacks: false },
  retention_days: 90,
};

export const settingsSchema = v.pipe(
  v.strictObject({
    public_offers: v.strictObject({
      anonymous: v.boolean(),
      allowed_origins: v.array(v.string()),
      max_age: v.pipe(v.number(), v.integer()),
    }),
    checkout: v.strictObject({ allow_unsigned_callbacks: v.boolean() }),
    retention_days: v.pipe(v.number(), v.integer()),
    updated_at: v.optional(v.pipe(v.string(), v.isoTimestamp())),
    updated_by: v.optional(v.string()),
  }),
  v.metadata({ ref: 'Settings', description: 'Account settings, defaults filled in' }),
);
