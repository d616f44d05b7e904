import { createMiddleware } from 'hono/factory';
import { HttpError } from '../errors';

/** A percent-encoded control character (U+0000–U+001F, U+007F); a raw one cannot survive URL parsing. */
const ENCODED_CONTROL = /%(?:[01][0-9a-f]|7f)/i;

/**
 * Console paths carry ids (rules, claims) that go into API paths and redirect headers. A control
 * character in one (`%0a`) is dropped by the URL parser of the inner request, so it would act on
 * another id, and the redirect after the write would fail. Refused before anything runs.
 */
export const refuseControlCharacters = createMiddleware(async (c, next) => {
  if (ENCODED_CONTROL.test(new URL(c.req.url).pathname)) {
    throw new HttpError(404, 'not_found', 'No such page');
  }
  await next();
});
