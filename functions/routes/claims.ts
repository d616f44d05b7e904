import { Hono } from 'hono';
import * as v from 'valibot';
import { accountOf, afterResponse, storeOf, type AppContext, type AppEnv } from '../app-env';
import type { Scope } from '../../shared/auth/scopes';
import { claimRefKey, readClaimRef, writeClaimRef } from '../claim-refs';
import { fieldError, requireImportAdmin } from '../../shared/errors';
import { ok } from '../openapi';
import { exampleClaim } from '../../shared/schemas/examples-customers';
import { operation } from '../operation';
import { listOf, totalCount } from '../paging';
import {
  claimBodyHash,
  claimListQuerySchema,
  claimRequestSchema,
  claimSchema,
  idempotencyKey,
  type Claim,
  type ClaimInput,
} from '../../shared/schemas/claim';
import { keepIdQuery, uuidParam } from '../../shared/schemas/common';
import { parse } from '../../shared/schemas/parse';
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

/**
 * `keep_id=true` (docs/claims.md "Imports"): an import records a claim as its source holds it,
 * under the source's `id` and `created_at`. Admin only, like rules' keep_id; never answered from
 * the edge copy (which knows the ref, not the id the import asks for).
 */
async function keptClaim(
  c: AppContext,
  input: ClaimInput,
  ref: string | null,
  bodyHash: string,
  id: string | undefined,
  createdAt: string | undefined,
) {
  const { clientId, scopes: held } = c.get('caller');
  requireImportAdmin(held);
  if (id === undefined) throw fieldError('id', 'Required with keep_id=true');
  if (createdAt === undefined) throw fieldError('created_at', 'Required with keep_id=true');
  const kept = { id: id.toLowerCase(), createdMs: Date.parse(createdAt) };
  const { claim, replayed } = await storeOf(c).keepClaim(input, ref, bodyHash, kept, clientId);
  if (ref !== null && !replayed) {
    const key = await claimRefKey(accountOf(c), ref);
    await later(c, writeClaimRef(c.env.CLAIM_REFS, key, claim as Claim, bodyHash));
  }
  return c.json(claim);
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
        'docs/claims.md. For an import, `keep_id=true` (admin:discounts only) records the claim as its source ' +
        'holds it: the body adds `id` (a UUID) and `created_at`; the same id with the same content answers the ' +
        'stored claim, the id or `ref` taken with other content is 409.',
      scopes: WRITE,
      parameters: [
        { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } },
        { name: 'keep_id', in: 'query', required: false, schema: { type: 'boolean' } },
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
    jsonBody(claimRequestSchema),
    async (c) => {
      const { ref: bodyRef, id, created_at, ...input } = c.req.valid('json');
      const ref = refOf(c, bodyRef);
      const bodyHash = await claimBodyHash(input);
      // Read here rather than by a validator, so typed clients need not pass a query (keep_id is for imports).
      if (parse(keepIdQuery, c.req.query()).keep_id) return keptClaim(c, input, ref, bodyHash, id, created_at);
      if (id !== undefined) throw fieldError('id', 'Only with keep_id=true');
      if (created_at !== undefined) throw fieldError('created_at', 'Only with keep_id=true');
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
