import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import app from '../../functions/app';
import { call } from '../helpers';
import { merchant, session } from './helpers';

const AID = 'T40100001';
const SECRET = 'at-rest-signature-secret-7f3a9c';
const hex = (s: string) => [...new TextEncoder().encode(s)].map((b) => b.toString(16).padStart(2, '0')).join('');
/** The secret in the forms a careless store might keep it. */
const FORMS = [SECRET, btoa(SECRET), hex(SECRET)];

/** Every table's rows of the account object, as one string. */
const everything = () =>
  runInDurableObject(env.ACCOUNTS.getByName(AID), (_o, state) => {
    const sql = state.storage.sql;
    const tables = sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
      )
      .toArray();
    return JSON.stringify(tables.map((t) => sql.exec(`SELECT * FROM "${t.name}"`).toArray()));
  });
const stored = () =>
  runInDurableObject(
    env.ACCOUNTS.getByName(AID),
    (_o, state) =>
      state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'checkout_signature'").toArray()[0]
        ?.value,
  );

describe('the checkout signature secret at rest', { timeout: 30_000 }, () => {
  it('is stored sealed: meta.checkout_signature (and no other row) holds no form of it', async () => {
    const m = await merchant(AID);
    await m.setSecret(SECRET);
    const value = await stored();
    expect(value).toBeDefined();
    const { sealed } = JSON.parse(value!) as { sealed: string };
    expect(sealed).toMatch(/^v1:[0-9a-f]{24}:[0-9a-f]+$/);
    for (const form of FORMS) {
      expect(value).not.toContain(form);
      expect(await everything()).not.toContain(form);
    }
    // The sealed value works: a callback signed with the secret is accepted.
    const signed = await m.dintero('POST', '/discount_codes', { secret: SECRET, body: session(`${AID}.at-rest`) });
    expect(signed.status).toBe(200);

    // Setting the same secret again seals it afresh (a new IV), so equal secrets do not show as equal rows.
    await m.setSecret(SECRET);
    expect(JSON.parse((await stored())!).sealed).not.toBe(sealed);
  });

  it('no GET of the account answers it', async () => {
    const m = await merchant(AID);
    await m.setSecret(SECRET);
    // Every GET route whose only parameter is the account (lists, settings, status, events, ...).
    const paths = [
      ...new Set(
        app.routes
          .filter((r) => r.method === 'GET' && r.path.startsWith('/v1/accounts/:aid/') && !/:(?!aid\b)/.test(r.path))
          .map((r) => r.path),
      ),
    ];
    expect(paths).toContain('/v1/accounts/:aid/checkout/signature');
    expect(paths.length).toBeGreaterThan(5);
    let answered = 0;
    let notServed = 0;
    for (const path of paths) {
      const res = await call('GET', path.replace(':aid', AID), { token: m.token });
      if (res.status === 200) answered++;
      // Dintero operations rabatt does not serve (terms, registry look-ups) answer 501 by design.
      if (res.status === 501) notServed++;
      const text = await res.text();
      for (const form of FORMS) expect(text, path).not.toContain(form);
    }
    // Only the Dintero callback (signed, not a token route) refuses the admin token.
    expect(notServed).toBe(2);
    expect(answered).toBe(paths.length - notServed - 1);
  });
});
