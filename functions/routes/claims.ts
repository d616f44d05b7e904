import { Hono } from 'hono';
import * as v from 'valibot';
import { accountOf, afterResponse, storeOf, type AppContext, type AppEnv } from '../app-env';
import type { Scope } from '../../shared/auth/scopes';
import { claimRefKey, readClaimRef, writeClaimRef } from '../claim-refs';
import { fieldError } from '../../shared/errors';
import { ok } from '../openapi';
import { exampleClaim } from '../../shared/schemas/examples-customers';
import { operation } from '../operation';
import { listOf, totalCount } from '../paging';
import {
  claimBodyHash,
  claimCreateSchema,
  claimListQuerySchema,
  claimSchema,
  idempotencyKey,
  type Claim,
} from '../../shared/schemas/claim';
import { uuidParam } from '../../shared/schemas/common';
import { jsonBody, paramOf, queryOf } from '../validate';

const WRITE: Scope[] = ['admin:discounts', 'write:discounts', 'write:discounts:/available_for_receipt'];
const READ: Scope[] = ['admin:discounts', 'read:discounts', 'read:discounts:/available_for_receipt'];
const claimParam = paramOf({ claim_id: uuidParam('Claim') });
const tags = ['Claims'];

const later = (c: AppContext, work: Promise<unknown>) => afterResponse(c, work, 'claim ref cache write');

function refOf(c: AppContext, bodyRef: string | undefined): string | null {
  if (bodyRef !== undefined) return bodyRef;
  const header = c.req.header('idempotency-key');
  if (header === undefined) return null;
  if (!v.is(idempotencyKey, header)) {
    throw fieldError('Idempotency-Key', 'Expected 1 to 255 characters');
  }
  return header;
}

export const claims = new Hono<AppEnv>()
  .post(
    '/',
    operation({
      tags,
      summary: 'Claim discounts',
      description:
        'Commits every listed ref or none. Each ref must exist, belong to its discount, be held by `customer_id` ' +
        '(`*` refs by any customer; without `customer_id` only `/` refs) and be usable at `purchase_at`; ' +
        '`discount_reward_usage` and `discount_repeat_usage` are enforced. On a stamp card each `usage` spends ' +
        '`requirement.stamp` stamps, the oldest valid at `purchase_at`; too few is refused. A 400 names the ref. ' +
        '`ref` (or the `Idempotency-Key` header when the body has none) makes the claim idempotent: the same ref ' +
        'with the same body answers the first claim (200, also after it was released), with another body 409. See ' +
        'docs/claims.md.',
      scopes: WRITE,
      parameters: [
        { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } },
      ],
      requestExample: {
        purchase_at: exampleClaim.purchase_at,
        customer_id: exampleClaim.customer_id,
        discounts: [
          {
            id: exampleClaim.discounts[0]!.id,
            refs: [{ id: exampleClaim.discounts[0]!.refs[0]!.id, amount: 10000, usage: 1 }],
          },
        ],
        ref: 'transactionid1',
        type: 'pos',
      },
      responses: { 200: ok(claimSchema, 'The claim (the first one, for a repeated ref)', exampleClaim) },
      errors: [409],
    }),
    jsonBody(claimCreateSchema),
    async (c) => {
      const { ref: bodyRef, ...input } = c.req.valid('json');
      const ref = refOf(c, bodyRef);
      const bodyHash = await claimBodyHash(input);
      let key: string | null = null;
      if (ref !== null) {
        key = await claimRefKey(accountOf(c), ref);
        // Fast path: a known ref with the same body is answered here. Anything else (missing, stale,
        // another body) goes to the account object, which alone decides.
        const cached = await readClaimRef(c.env.CLAIM_REFS, key);
        if (cached && cached.body_hash === bodyHash) return c.json(cached.claim);
      }
      const { claim, replayed } = await storeOf(c).createClaim(input, ref, bodyHash, c.get('caller').clientId);
      // A replay's copy may have been read before a release whose put it would then overwrite, so
      // only the commit (and the release, below) write the edge copy (docs/claims.md).
      if (key !== null && !replayed) await later(c, writeClaimRef(c.env.CLAIM_REFS, key, claim as Claim, bodyHash));
      return c.json(claim);
    },
  )
  .get(
    '/',
    operation({
      tags,
      summary: 'List claims',
      description:
        'Released claims included (with `deleted_at`). Filter by `ref` or `customer_id`; page with `limit` (1–100) ' +
        'and `starting_after` (a claim id); `total=true` adds a `total-count` header.',
      scopes: READ,
      responses: { 200: listOf(claimSchema, 'Claims, oldest first', [exampleClaim]) },
    }),
    queryOf(claimListQuerySchema),
    async (c) => {
      const { claims, total } = await storeOf(c).listClaims(c.req.valid('query'));
      totalCount(c, total);
      return c.json(claims);
    },
  )
  .get(
    '/:claim_id',
    operation({
      tags,
      summary: 'Read a claim',
      scopes: READ,
      responses: { 200: ok(claimSchema, 'The claim', exampleClaim) },
    }),
    claimParam,
    async (c) => c.json(await storeOf(c).getClaim(c.req.valid('param').claim_id)),
  )
  .delete(
    '/:claim_id',
    operation({
      tags,
      summary: 'Release a claim',
      description:
        'Reverts exactly the usage, amount, stamps and debit the claim added. Releasing again changes nothing and ' +
        "answers the released claim. The claim's `ref` stays taken: a retry of it answers the released claim.",
      scopes: WRITE,
      responses: {
        200: ok(claimSchema, 'The released claim', {
          ...exampleClaim,
          deleted_at: '2023-11-08T10:00:00.000Z',
          deleted_by: exampleClaim.created_by,
        }),
      },
    }),
    claimParam,
    async (c) => {
      const { claim, bodyHash } = await storeOf(c).releaseClaim(
        c.req.valid('param').claim_id,
        c.get('caller').clientId,
      );
      // Retries of a released claim's ref answer the released claim, so the edge copy follows it.
      if (claim.ref !== undefined) {
        await later(
          c,
          claimRefKey(accountOf(c), claim.ref).then((key) =>
            writeClaimRef(c.env.CLAIM_REFS, key, claim as Claim, bodyHash),
          ),
        );
      }
      return c.json(claim);
    },
  );
