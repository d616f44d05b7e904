import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { HttpError } from '../errors';
import { errorResponse } from '../openapi';
import { operation } from '../operation';

/**
 * Dintero Customers operations rabatt does not serve (docs/customers.md, "Not served"): customer
 * login, MFA, passwords, email/phone verification, terms and the external registry lookups. rabatt
 * has no customer login and no outside network. They answer 501 in the error shape, to anyone
 * (nothing is read or written), so a client learns it reached rabatt and what is missing, not a 404.
 */
export const NOT_SERVED: { method: 'get' | 'post' | 'delete'; path: string; summary: string }[] = [
  { method: 'post', path: '/customers/login', summary: 'Customer login' },
  { method: 'post', path: '/customers/mfa_login', summary: 'Customer MFA login' },
  { method: 'post', path: '/customers/mfa_login_recovery', summary: 'Customer MFA recovery' },
  { method: 'post', path: '/customers/change_password', summary: 'Customer password reset' },
  { method: 'get', path: '/customers/users/:customer_id/communication', summary: 'Communication status' },
  {
    method: 'post',
    path: '/customers/users/:customer_id/communication/:operation/:field',
    summary: 'Email or phone verification',
  },
  { method: 'get', path: '/customers/terms', summary: 'List terms' },
  { method: 'post', path: '/customers/terms', summary: 'Create terms' },
  { method: 'get', path: '/customers/terms/:tid', summary: 'Read terms' },
  { method: 'delete', path: '/customers/terms/:tid', summary: 'Delete terms' },
  {
    method: 'get',
    path: '/search/external/organizations/:country/:organization_number',
    summary: 'Organization registry lookup',
  },
  { method: 'get', path: '/search/external/organizations/no', summary: 'Norwegian organization registry search' },
  { method: 'get', path: '/search/external/postal_place/:country/:postal_code', summary: 'Postal place lookup' },
  { method: 'post', path: '/search/external/address/:country/validate', summary: 'Address validation' },
];

export const NOT_SERVED_MESSAGE =
  'rabatt does not serve this Dintero operation: it has no customer login, terms or outside registries';

export const notServed = new Hono<AppEnv>();
for (const { method, path, summary } of NOT_SERVED) {
  notServed[method](
    path,
    operation({
      tags: ['Not served'],
      summary: `${summary} (not served)`,
      description: `Always 501 \`not_implemented\`. ${NOT_SERVED_MESSAGE}.`,
      scopes: 'public',
      responses: { 501: errorResponse(501) },
    }),
    () => {
      throw new HttpError(501, 'not_implemented', NOT_SERVED_MESSAGE);
    },
  );
}
