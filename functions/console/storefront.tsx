import { Hono } from 'hono';
import { Api, type ApiFetch } from './api';
import type { ConsoleEnv } from './env';

import { Notice, Page, Problem } from './layout';

interface Offer {
  id: string;
  name?: string;
  description?: string;
  receipt_text?: string;
}

/**
 * What a shop's JavaScript gets: the public list fetched without any token, through the same route
 * and cache a browser hits. Nothing here is the console's own rendering of rules.
 */
export const storefrontPages = (fetcher: ApiFetch) =>
  new Hono<ConsoleEnv>().get('/', async (c) => {
    const anonymous = new Api(c, fetcher, c.get('who').aid, null);
    // The public list is answered from the edge cache as text: the route's type does not carry its shape.
    const answer = await anonymous.sendAs<Offer[]>(() =>
      anonymous.typed.api.discounts.public.rules.$get({ param: anonymous.params({}), query: { limit: '100' } }),
    );
    return c.html(
      <Page title="Storefront preview" who={c.get('who')} current="/console/storefront">
        <p class="muted">
          Exactly what <code>GET /discounts/public/rules?limit=100</code> answers a caller without a token.
        </p>
        {answer.ok ? (
          <>
            <Notice>
              {answer.body.length} offers · cache {answer.headers.get('x-rabatt-cache') ?? 'n/a'}
            </Notice>
            {answer.body.map((o) => (
              <article class="offer">
                <h2>{o.name ?? o.id}</h2>
                {o.description && <p>{o.description}</p>}
                {o.receipt_text && <p class="muted">Receipt: {o.receipt_text}</p>}
              </article>
            ))}
            <details>
              <summary>The answer as JSON</summary>
              <pre>{JSON.stringify(answer.body, null, 2)}</pre>
            </details>
          </>
        ) : (
          <>
            <Problem problem={answer.error} />
            {answer.status === 401 && (
              <p>
                Anonymous access is off: turn on <a href="/console/settings">public offers for anonymous callers</a>.
              </p>
            )}
          </>
        )}
      </Page>,
    );
  });
