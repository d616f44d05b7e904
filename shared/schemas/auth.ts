import * as v from 'valibot';
import { ALL_SCOPES } from '../auth/scopes';

export const tokenRequestSchema = v.object({
  grant_type: v.literal('client_credentials', 'Expected client_credentials'),
  audience: v.pipe(v.string(), v.url('Expected the account URL, e.g. http://127.0.0.1:8787/v1/accounts/T12345678')),
});

export const clientCreateSchema = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  scopes: v.pipe(v.array(v.picklist(ALL_SCOPES, 'Expected a known scope')), v.minLength(1)),
});
export type ClientCreate = v.InferOutput<typeof clientCreateSchema>;

/** An API client as listed: never its secret. */
export interface ApiClient {
  client_id: string;
  name: string;
  scopes: string[];
  created_at: string;
  created_by: string;
  deleted_at?: string;
  deleted_by?: string;
}
