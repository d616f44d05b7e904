/** Scopes (spec §2): any one listed scope grants an operation. */
export const ALL_SCOPES = [
  'admin:discounts',
  'read:discounts',
  'write:discounts',
  'public:discounts',
  'user:discounts',
  'read:discounts:/available_for_receipt',
  'write:discounts:/available_for_receipt',
  'write:discounts:/events',
  'admin:customers',
  'read:customers',
  'write:customers',
] as const;
export type Scope = (typeof ALL_SCOPES)[number];

export const scopes = {
  read: (area: 'discounts' | 'customers'): Scope[] => [`admin:${area}`, `read:${area}`],
  write: (area: 'discounts' | 'customers'): Scope[] => [`admin:${area}`, `write:${area}`],
  admin: (area: 'discounts' | 'customers'): Scope[] => [`admin:${area}`],
};
