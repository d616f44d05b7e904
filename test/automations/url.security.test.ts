import { describe, expect, it } from 'vitest';
import { refusedUrl } from '../../shared/automations/url';
import { automationsApi, WINDOW } from './helpers';

const PROD = {};
const DEV = { RABATT_DEV: '1' };

/** Every spelling the review tried, and more: none may be called in production. */
const REFUSED = [
  // loopback, in every IPv4 spelling the URL parser accepts
  'https://127.0.0.1/h',
  'https://127.9.9.9/h',
  'https://2130706433/h',
  'https://0x7f000001/h',
  'https://017700000001/h',
  'https://0177.0.0.1/h',
  'https://0x7f.0.0.1/h',
  'https://127.1/h',
  'https://0x7f.1/h',
  'https://0/h',
  'https://0.0.0.0/h',
  'https://localhost/h',
  'https://LOCALHOST./h',
  'https://api.localhost/h',
  // private, link-local, CGNAT, metadata
  'https://10.0.0.1/h',
  'https://10.255.255.255/h',
  'https://172.16.0.1/h',
  'https://172.31.255.255/h',
  'https://192.168.1.1/h',
  'https://169.254.169.254/latest/meta-data/',
  'https://2852039166/h',
  'https://100.64.0.1/h',
  'https://100.127.255.255/h',
  'https://metadata.google.internal/computeMetadata/v1/',
  'https://METADATA.google.internal./x',
  'https://metadata/h',
  'https://instance-data/h',
  'https://224.0.0.1/h',
  'https://255.255.255.255/h',
  // IPv6
  'https://[::1]/h',
  'https://[0:0:0:0:0:0:0:1]/h',
  'https://[::]/h',
  'https://[::ffff:127.0.0.1]/h',
  'https://[::ffff:7f00:1]/h',
  'https://[::ffff:a9fe:a9fe]/h',
  'https://[::ffff:10.0.0.1]/h',
  'https://[::127.0.0.1]/h',
  'https://[64:ff9b::a9fe:a9fe]/h',
  'https://[fc00::1]/h',
  'https://[fd12:3456::1]/h',
  'https://[fe80::1]/h',
  'https://[febf::1]/h',
  'https://[fd00:ec2::254]/h',
  'https://[ff02::1]/h',
  // IPv4 inside IPv6 in the other standard forms: IPv4-translated (::ffff:0:a.b.c.d), local-use
  // NAT64 (64:ff9b:1::/48), Teredo (2001::/32, whose client address is the last 32 bits inverted).
  'https://[::ffff:0:7f00:1]/h',
  'https://[::ffff:0:a9fe:a9fe]/h',
  'https://[64:ff9b:1:7f00:0:100:808:808]/h', // 127.0.0.1 in the /48 layout (RFC 6052)
  'https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/h',
  // rabatt itself
  'https://rabatt.test/v1/accounts/T44600001/discounts/rules',
];

const ALLOWED = [
  'https://crm.example.com/hooks/welcome',
  'https://8.8.8.8/h',
  'https://172.15.255.255/h',
  'https://172.32.0.1/h',
  'https://100.63.255.255/h',
  'https://100.128.0.1/h',
  'https://169.255.0.1/h',
  'https://[2606:4700:4700::1111]/h',
  'https://[2001:4860:4860::8888]/h',
  'https://[fec0::1]/h',
  'https://localhost.example.com/h',
];

describe('where deliveries may go (issue 21, Medium 8)', () => {
  it('refuses loopback, private, link-local, CGNAT, metadata and own hosts in every spelling', () => {
    for (const url of REFUSED) expect(refusedUrl(url, PROD, ['rabatt.test']), url).toBeDefined();
    for (const url of ALLOWED) expect(refusedUrl(url, PROD, ['rabatt.test']), url).toBeUndefined();
  });

  it('keeps the dev exception: http(s) to localhost and 127.0.0.1 with RABATT_DEV=1 only', () => {
    for (const url of ['http://localhost:8790/h', 'http://127.0.0.1:8790/h', 'https://localhost/h']) {
      expect(refusedUrl(url, DEV, []), url).toBeUndefined();
      expect(refusedUrl(url, PROD, []), url).toBeDefined();
    }
    for (const url of [
      'https://10.0.0.1/h',
      'https://169.254.169.254/',
      'http://[::1]/h',
      'http://[::ffff:7f00:1]/h',
    ]) {
      expect(refusedUrl(url, DEV, []), url).toBeDefined();
    }
  });

  it('an automation calling one of them is 400 on actions.<n>.url', async () => {
    const api = await automationsApi('T44600001');
    for (const url of [
      'https://127.0.0.1/h',
      'https://[::1]/h',
      'https://169.254.169.254/',
      'https://10.1.2.3/h',
      'https://metadata.google.internal/',
      'https://rabatt.test/v1/accounts/T44600001/automations/rules',
    ]) {
      const res = await api.create({
        requirement: { events: ['customer_add'], ...WINDOW },
        actions: [
          { type: 'http', url: 'https://crm.example.com/ok', method: 'POST' },
          { type: 'http', url, method: 'POST' },
        ],
      });
      expect(res.status, url).toBe(400);
      expect(res.body.error.errors.map((e: { field: string }) => e.field)).toEqual(['actions.1.url']);
    }
  });
});
