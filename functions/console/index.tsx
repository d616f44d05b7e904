import { Hono, type Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { getCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { Api, type ApiFetch, type ApiProblem } from './api';
import { CONSOLE_CSS } from './assets';
import { claimPages } from './claims';
import { codePages } from './codes';
import type { ConsoleEnv } from './env';
import { formValues, type FormValues } from './form';
import { refuseControlCharacters } from './path-guard';
import { Field, Page, Problem } from './layout';
import { rulePages } from './rules';
import { endSession, readSession, SESSION_COOKIE, startSession } from './session';
import { settingsPages } from './settings';
import { simulatePages } from './simulate';
import { statisticsPages } from './statistics';
import { storefrontPages } from './storefront';

/** Where the app mounts the console; its pages are HTML for people, not part of the API document. */
export const CONSOLE_PATH = '/console';

/** The account most local setups use (README quickstart); only a default for the sign-in form. */
const DEFAULT_ACCOUNT = 'T12345678';

function signInPage(c: Context<ConsoleEnv>, values: FormValues = {}, problem?: ApiProblem) {
  return c.html(
    <Page title="Sign in">
      {c.req.query('signed_out') && <p role="status">You are signed out.</p>}
      <p>Sign in with an API client of your account. The console can do what the client's scopes allow.</p>
      <Problem problem={problem} fields={['aid', 'client_id', 'client_secret']} />
      <form method="post" action="/console/sign-in" class="stack">
        <Field name="aid" label="Account id" value={values.aid ?? DEFAULT_ACCOUNT} errors={problem?.errors} required />
        <Field name="client_id" label="Client id" value={values.client_id} errors={problem?.errors} required />
        <Field name="client_secret" label="Client secret" type="password" errors={problem?.errors} required />
        <div class="row">
          <button type="submit">Sign in</button>
        </div>
      </form>
    </Page>,
    problem ? 401 : 200,
  );
}

/**
 * `/console`: server-rendered pages (hono/jsx) for merchants. Every action is a call of the API
 * itself (./api.ts), with the signed-in client's token. docs/console.md.
 */
export function consoleApp(fetcher: ApiFetch) {
  const session = createMiddleware<ConsoleEnv>(async (c, next) => {
    const s = await readSession(c);
    if (!s) {
      // An expired, revoked or forged session is forgotten by the browser too.
      if (getCookie(c, SESSION_COOKIE) !== undefined) endSession(c);
      return c.redirect('/console/sign-in', 303);
    }
    c.set('who', { aid: s.claims.aid, clientId: s.claims.sub });
    c.set('api', new Api(c, fetcher, s.claims.aid, s.token));
    await next();
  });

  const signIn = async (c: Context<ConsoleEnv>) => {
    const values = await formValues(c.req);
    const aid = (values.aid ?? '').trim();
    if (!/^[PT]\d{8}$/.test(aid)) {
      return signInPage(c, values, {
        code: 'validation_error',
        message: 'The request is invalid',
        errors: [{ field: 'aid', code: 'regex', message: 'Expected an account id like T12345678' }],
      });
    }
    const api = new Api(c, fetcher, aid, null);
    const basic = `Basic ${btoa(`${values.client_id ?? ''}:${values.client_secret ?? ''}`)}`;
    const answer = await api.send(() =>
      api.typed.api.auth.token.$post(
        {
          param: api.params({}),
          json: { grant_type: 'client_credentials', audience: `${new URL(c.req.url).origin}/v1/accounts/${aid}` },
        },
        { headers: { authorization: basic } },
      ),
    );
    if (!answer.ok) return signInPage(c, { aid, client_id: values.client_id ?? '' }, answer.error);
    startSession(c, answer.body.access_token);
    return c.redirect('/console/rules', 303);
  };

  return (
    new Hono<ConsoleEnv>()
      .use(async (c, next) => {
        await next();
        // Pages hold account data: never cached, never framed.
        c.header('Cache-Control', 'no-store');
        c.header('X-Frame-Options', 'DENY');
        c.header('Referrer-Policy', 'same-origin');
        c.header(
          'Content-Security-Policy',
          "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'",
        );
      })
      .use(refuseControlCharacters)
      // Every form posts here: a cross-site form post is refused (Origin checked), besides SameSite=Strict.
      .use(csrf())
      .get('/assets/console.css', (c) => {
        const res = c.body(CONSOLE_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' });
        return res;
      })
      .get('/', async (c) => c.redirect((await readSession(c)) ? '/console/rules' : '/console/sign-in', 303))
      .get('/sign-in', (c) => signInPage(c))
      .post('/sign-in', signIn)
      .post('/sign-out', (c) => {
        endSession(c);
        return c.redirect('/console/sign-in?signed_out=1', 303);
      })
      .use('/rules/*', session)
      .use('/rules', session)
      .use('/simulate', session)
      .use('/claims/*', session)
      .use('/claims', session)
      .use('/statistics', session)
      .use('/storefront', session)
      .use('/settings/*', session)
      .use('/settings', session)
      .use('/codes/*', session)
      .route('/rules', rulePages)
      .route('/simulate', simulatePages)
      .route('/claims', claimPages)
      .route('/statistics', statisticsPages)
      .route('/storefront', storefrontPages(fetcher))
      .route('/settings', settingsPages)
      .route('/codes', codePages)
  );
}
