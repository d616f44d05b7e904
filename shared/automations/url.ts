/**
 * Where HTTP actions may call (docs/automations.md, "Where calls may go"): `https` URLs without
 * credentials, to a public host. Refused: loopback, private, link-local, CGNAT, multicast and
 * reserved addresses (IPv4 in every spelling the URL parser accepts: decimal, octal, hex, short
 * forms; IPv6 including IPv4-mapped, -translated, -compatible, NAT64, 6to4 and Teredo forms), cloud metadata hosts,
 * `localhost` and `*.localhost`, and rabatt's own hosts. With the dev flag `RABATT_DEV=1` (set in
 * `.dev.vars` by `npm run dev`, never in production) `http` or `https` to `localhost` and
 * `127.0.0.1` is allowed, so a receiver on the developer's machine can be tried. Checked when an
 * automation is written and again before every delivery (the flag may have been turned off since).
 */
export const isDevMode = (env: { RABATT_DEV?: string }) => env.RABATT_DEV === '1';

/**
 * rabatt's own host names from `RABATT_OWN_HOSTS` (comma-separated, e.g. `api.rabatt.no,rabatt.workers.dev`):
 * refused when an automation is written (with the request's host) and again before every delivery,
 * where no request host is known.
 */
export function configuredOwnHosts(env: { RABATT_OWN_HOSTS?: string }): string[] {
  return (env.RABATT_OWN_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
}

const DEV_HOSTS = new Set(['localhost', '127.0.0.1']);
/** Names that reach a machine's own services or a cloud's instance metadata. */
const BLOCKED_NAMES = new Set([
  'localhost',
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.internal',
  'metadata.oraclecloud.com',
]);
const BLOCKED_SUFFIXES = ['.localhost', '.internal', '.local', '.home.arpa'];

/** IPv4 ranges nobody outside may be sent to: [first octets as a number, prefix length]. */
const IPV4_BLOCKED: [string, number][] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, metadata (169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

const ipv4Number = (dotted: string) => dotted.split('.').reduce((n, part) => n * 256 + Number(part), 0);

function blockedIpv4(n: number): boolean {
  return IPV4_BLOCKED.some(([base, bits]) => {
    const size = 2 ** (32 - bits);
    return Math.floor(n / size) === Math.floor(ipv4Number(base) / size);
  });
}

/** The 8 groups of an IPv6 address as the URL parser writes it (compressed, lowercase, no dotted tail). */
function ipv6Groups(host: string): number[] | undefined {
  const [head = '', tail] = host.split('::');
  const part = (s: string) => (s ? s.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

function blockedIpv6(groups: number[]): boolean {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const embedded = g6 * 65536 + g7;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0) {
    // ::, ::1, IPv4-compatible ::a.b.c.d and IPv4-mapped ::ffff:a.b.c.d: judged as IPv4.
    if (g5 === 0 || g5 === 0xffff) return g5 === 0 && g6 === 0 ? true : blockedIpv4(embedded);
  }
  // ::ffff:0:a.b.c.d, IPv4-translated (RFC 2765): judged as IPv4.
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0) return blockedIpv4(embedded);
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return true; // local-use NAT64 64:ff9b:1::/48: never public
  if (g0 === 0x64 && g1 === 0xff9b) return blockedIpv4(embedded); // NAT64 64:ff9b::a.b.c.d
  if (g0 === 0x2001 && g1 === 0) return true; // Teredo 2001::/32 tunnels to an IPv4 host it hides
  if (g0 === 0x2002) return blockedIpv4(g1 * 65536 + g2); // 6to4 carries an IPv4 address
  if ((g0 & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((g0 & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((g0 & 0xff00) === 0xff00) return true; // ff00::/8 multicast
  if (g0 === 0x2001 && g1 === 0xdb8) return true; // documentation
  return g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0; // 100::/64 discard
}

/** Why `hostname` (as the URL parser normalised it) is not a public host, or undefined. */
function refusedHost(hostname: string, ownHosts: readonly string[]): string | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host.startsWith('[')) {
    const groups = ipv6Groups(host.slice(1, -1));
    return !groups || blockedIpv6(groups)
      ? 'Expected a public address, not a loopback, private or link-local one'
      : undefined;
  }
  // The URL parser turns every IPv4 spelling (2130706433, 0x7f.1, 0177.0.0.1) into dotted decimal.
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) {
    return blockedIpv4(ipv4Number(host))
      ? 'Expected a public address, not a loopback, private or link-local one'
      : undefined;
  }
  if (BLOCKED_NAMES.has(host) || BLOCKED_SUFFIXES.some((s) => host.endsWith(s)) || !host.includes('.')) {
    return 'Expected a public host name, not a local, internal or metadata one';
  }
  if (ownHosts.some((own) => own.toLowerCase().replace(/\.$/, '') === host)) return 'Expected a host other than rabatt';
  return undefined;
}

/**
 * Undefined when `url` may be called, else why not (a message for the merchant). `ownHosts`: the
 * host names rabatt answers on (the request's host when an automation is written).
 */
export function refusedUrl(
  url: string,
  env: { RABATT_DEV?: string },
  ownHosts: readonly string[] = [],
): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Expected an absolute URL';
  }
  if (parsed.username || parsed.password) return 'Expected a URL without credentials';
  const devLocal = isDevMode(env) && DEV_HOSTS.has(parsed.hostname);
  if (devLocal && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) return undefined;
  if (parsed.protocol !== 'https:') {
    return 'Expected an https URL (http://localhost and http://127.0.0.1 only with RABATT_DEV=1)';
  }
  return refusedHost(parsed.hostname, ownHosts);
}
