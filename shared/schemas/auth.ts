import * as v from 'valibot';
import { ALL_SCOPES } from '../auth/scopes';
import { customerIdSchema } from './customer';

export const tokenRequestSchema = v.object({
  grant_type: v.literal('client_credentials', 'Expected client_credentials'),
  audience: v.pipe(v.string(), v.url('Expected the account URL, e.g. http://127.0.0.1:8787/v1/accounts/T12345678')),
});

/**
 * `customer_id` binds a client holding `user:discounts` to one customer: through that scope its
 * tokens read only that customer's discounts (docs/security.md). Required with `user:discounts`,
 * refused without it.
 */
export const clientCreateSchema = v.pipe(
  v.strictObject({
    name: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
    scopes: v.pipe(v.array(v.picklist(ALL_SCOPES, 'Expected a known scope')), v.minLength(1)),
    customer_id: v.optional(customerIdSchema),
  }),
  v.forward(
    v.check(
      (c) => c.scopes.includes('user:discounts') === (c.customer_id !== undefined),
      'customer_id is required with the user:discounts scope, and only with it',
    ),
    ['customer_id'],
  ),
);
export type ClientCreate = v.InferOutput<typeof clientCreateSchema>;

/** An API client as listed: never its secret. */
export interface ApiClient {
  client_id: string;
  name: string;
  scopes: string[];
  customer_id?: string;
  created_at: string;
  created_by: string;
  deleted_at?: string;
  deleted_by?: string;
}
