import { describe, expect, it } from 'vitest';
import { AID, call, json, ruleBody, tokenWith } from '../helpers';
import { ConsoleClient } from './helpers';

const V1 = `/v1/accounts/${AID}`;

describe('console: a rule’s codes', () => {
  it('generates, imports (field errors shown), lists and exports codes through the API', async () => {
    const token = await tokenWith(undefined, AID);
    const rule = await json(call('POST', `${V1}/discounts/rules`, { token, body: ruleBody({ name: 'Nyhetsbrev' }) }));
    const did = rule.body.id as string;
    const browser = new ConsoleClient();
    await browser.signIn();

    const detail = await browser.get(`/console/rules/${did}`);
    expect(await detail.text()).toContain(`/console/codes/${did}`);

    const generated = await browser.post(`/console/codes/${did}/generate`, { count: '3', prefix: 'NL-', usage: '2' });
    expect(generated.status).toBe(200);
    expect(await generated.text()).toContain('3 codes created: NL-');

    const bad = await browser.post(`/console/codes/${did}/generate`, { count: '5000', prefix: '', usage: '1' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/Expected at most 1000/);

    const imported = await browser.post(`/console/codes/${did}/import`, { codes: 'ZZ-1\nZZ-2, ZZ-3', usage: '1' });
    expect(await imported.text()).toContain('3 codes created: ZZ-1, ZZ-2, ZZ-3');

    const list = await (await browser.get(`/console/codes/${did}?state=available`)).text();
    expect(list).toContain('<code>ZZ-2</code>');

    const csv = await browser.get(`/console/codes/${did}/export.csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('code,usage,used,created_at,last_used_at');
    expect(lines).toHaveLength(7);
    expect(lines.filter((l) => l.startsWith('NL-') && l.includes(',2,0,'))).toHaveLength(3);
    const api = await json(call('GET', `${V1}/discounts/rules/${did}/codes`, { token }));
    expect(api.body).toHaveLength(6);
  });
});
