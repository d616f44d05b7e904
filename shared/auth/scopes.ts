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
  'admin:automations',
  'read:automations',
  'write:automations',
  'admin:locations',
  'read:locations',
  'write:locations',
] as const;
export type Scope = (typeof ALL_SCOPES)[number];

type Area = 'discounts' | 'customers' | 'automations' | 'locations';

export const scopes = {
  read: (area: Area): Scope[] => [`admin:${area}`, `read:${area}`],
  write: (area: Area): Scope[] => [`admin:${area}`, `write:${area}`],
  admin: (area: Area): Scope[] => [`admin:${area}`],
};
