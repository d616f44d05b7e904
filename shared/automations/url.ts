/**
 * Where HTTP actions may call: `https` URLs only. With the dev flag `RABATT_DEV=1` (set in
 * `.dev.vars` by `npm run dev`, never in production) `http://localhost` and `http://127.0.0.1` are
 * allowed too, so a receiver on the developer's machine can be tried. Checked when an automation
 * is written and again before every delivery (the flag may have been turned off since).
 */
export const isDevMode = (env: { RABATT_DEV?: string }) => env.RABATT_DEV === '1';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1']);

/** Undefined when `url` may be called, else why not (a message for the merchant). */
export function refusedUrl(url: string, env: { RABATT_DEV?: string }): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Expected an absolute URL';
  }
  if (parsed.username || parsed.password) return 'Expected a URL without credentials';
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && LOCAL_HOSTS.has(parsed.hostname) && isDevMode(env)) return undefined;
  return 'Expected an https URL (http://localhost and http://127.0.0.1 only with RABATT_DEV=1)';
}
