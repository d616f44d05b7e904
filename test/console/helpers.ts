import { env, exports } from 'cloudflare:workers';
import { AID, BASE } from '../helpers';

/** A browser-like caller of /console: keeps the session cookie, sends Origin on form posts. */
export class ConsoleClient {
  cookie = '';

  async request(method: string, path: string, form?: Record<string, string>, headers: Record<string, string> = {}) {
    const init: RequestInit = { method, headers: { ...headers }, redirect: 'manual' };
    const h = init.headers as Record<string, string>;
    if (this.cookie) h.cookie = this.cookie;
    if (form) {
      h['content-type'] = 'application/x-www-form-urlencoded';
      h.origin ??= BASE;
      init.body = new URLSearchParams(form).toString();
    }
    const res = await exports.default.fetch(new Request(BASE + path, init));
    const set = res.headers.get('set-cookie');
    if (set) {
      const [pair] = set.split(';');
      this.cookie = pair!.endsWith('=') ? '' : pair!;
    }
    return res;
  }

  get = (path: string) => this.request('GET', path);
  post = (path: string, form: Record<string, string>, headers?: Record<string, string>) =>
    this.request('POST', path, form, headers);

  async signIn(clientId = env.BOOTSTRAP_CLIENT_ID!, secret = env.BOOTSTRAP_CLIENT_SECRET!, aid = AID) {
    return this.post('/console/sign-in', { aid, client_id: clientId, client_secret: secret });
  }
}
