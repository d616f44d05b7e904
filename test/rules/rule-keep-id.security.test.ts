import { describe, expect, it } from 'vitest';
import { call, json, ruleBody, tokenWith } from '../helpers';

/** `POST /discounts/rules?keep_id=true`: an import keeps a rule's id (docs/api-decisions.md). */
const rulesPath = (aid: string, rest = '') => `/v1/accounts/${aid}/discounts/rules${rest}`;
const ID = '5d0c1a8e-3f47-4b1e-9a2c-7e6f5d4c3b2a';

describe('rule ids kept on create (issue 24 §2)', () => {
  it('keeps the id for admin:discounts, 409 when taken, and stays usable', async () => {
    const aid = 'T71470001';
    const token = await tokenWith(['admin:discounts'], aid);
    const created = await json(call('POST', rulesPath(aid, '?keep_id=true'), { token, body: ruleBody({ id: ID }) }));
    expect(created.status).toBe(200);
    expect(created.body.id).toBe(ID);
    expect((await json(call('GET', rulesPath(aid, `/${ID}`), { token }))).body.id).toBe(ID);
    const again = await json(call('POST', rulesPath(aid, '?keep_id=true'), { token, body: ruleBody({ id: ID }) }));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    const upper = ID.toUpperCase();
    const cased = await json(call('POST', rulesPath(aid, '?keep_id=true'), { token, body: ruleBody({ id: upper }) }));
    expect(cased.status).toBe(409);
    const deleted = await json(call('DELETE', rulesPath(aid, `/${ID}`), { token }));
    expect(deleted.status).toBe(200);
    const overDeleted = await json(
      call('POST', rulesPath(aid, '?keep_id=true'), { token, body: ruleBody({ id: ID }) }),
    );
    expect(overDeleted.status).toBe(409);
  });

  it('without keep_id the body id is ignored, as before', async () => {
    const aid = 'T71470002';
    const token = await tokenWith(['admin:discounts'], aid);
    const created = await json(call('POST', rulesPath(aid), { token, body: ruleBody({ id: ID }) }));
    expect(created.status).toBe(200);
    expect(created.body.id).not.toBe(ID);
    const off = await json(call('POST', rulesPath(aid, '?keep_id=false'), { token, body: ruleBody({ id: ID }) }));
    expect(off.body.id).not.toBe(ID);
  });

  it('write:discounts alone may not keep an id (403), and a bad id is 400 naming it', async () => {
    const aid = 'T71470003';
    const writer = await tokenWith(['write:discounts'], aid);
    const refused = await json(
      call('POST', rulesPath(aid, '?keep_id=true'), { token: writer, body: ruleBody({ id: ID }) }),
    );
    expect(refused.status).toBe(403);
    const admin = await tokenWith(['admin:discounts'], aid);
    expect((await json(call('GET', rulesPath(aid), { token: admin }))).body).toHaveLength(0);
    for (const id of ['not-a-uuid', undefined, 42]) {
      const bad = await json(call('POST', rulesPath(aid, '?keep_id=true'), { token: admin, body: ruleBody({ id }) }));
      expect(bad.status).toBe(400);
      expect(bad.body.error.errors[0].field).toBe('id');
    }
    const badFlag = await json(call('POST', rulesPath(aid, '?keep_id=maybe'), { token: admin, body: ruleBody() }));
    expect(badFlag.status).toBe(400);
    expect(badFlag.body.error.errors[0].field).toBe('keep_id');
  });
});
