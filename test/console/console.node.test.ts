/**
 * The console in a real browser: Debian's Chromium driven by playwright-core against `wrangler dev`,
 * through the flow, with a screenshot of every page at desktop width and at 360 px in
 * test-artifacts/console/ (not committed).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, devClient, root, startWorker, type DevWorker } from '../wrangler-dev';

const AID = 'T12345678';
const shots = join(root, 'test-artifacts/console');
let worker: DevWorker;

beforeAll(async () => {
  execFileSync(process.execPath, [join(root, 'scripts/copy-scalar.mjs')]);
  devClient();
  worker = await startWorker();
  mkdirSync(shots, { recursive: true });
});

afterAll(() => worker?.stop());

async function api(path: string, init: { token?: string; body?: unknown; basic?: string } = {}) {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.basic) headers.authorization = `Basic ${init.basic}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${worker.origin}/v1/accounts/${AID}${path}`, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers,
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** A screenshot at desktop width and one at 360 px; at 360 px nothing may scroll the page sideways. */
async function capture(page: Page, name: string) {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  await page.setViewportSize({ width: 360, height: 740 });
  await page.screenshot({ path: join(shots, `${name}-360.png`), fullPage: true });
  const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
  expect(overflow, `${name} is wider than 360 px`).toBeLessThanOrEqual(0);
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe('console in Chromium', () => {
  const skip = !existsSync(CHROMIUM) && !process.env.CI;
  if (skip) console.warn(`Skipping the console browser test: ${CHROMIUM} is missing. CI installs it.`);

  it.skipIf(skip)('runs the merchant flow end to end', { timeout: 180_000 }, async () => {
    const dev = devClient();
    let context: BrowserContext | undefined;
    try {
      context = await chromium.launchPersistentContext(join(worker.scratch, 'chromium-profile'), {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1280, height: 800 },
      });
      const page = await context.newPage();
      const outside: string[] = [];
      await page.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (url.origin === worker.origin) return route.continue();
        outside.push(url.href);
        return route.abort();
      });

      // Sign in with the dev client, by keyboard: every input is labelled and reachable with Tab.
      await page.goto(`${worker.origin}/console`);
      await expect.poll(() => page.url()).toContain('/console/sign-in');
      await capture(page, '01-sign-in');
      await page.keyboard.press('Tab'); // skip link
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement?.id')).toBe('f-aid');
      await page.keyboard.press('Tab');
      await page.keyboard.type(dev.id);
      await page.keyboard.press('Tab');
      await page.keyboard.type(dev.secret);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Rules' }).waitFor();
      const [cookie] = await context.cookies();
      expect(cookie).toMatchObject({ name: 'rabatt_console', httpOnly: true, sameSite: 'Strict' });
      await capture(page, '02-rules-empty');

      // Create "100,- off above 500,-". The amount typed as "500,-" is refused by the API, next to the field.
      await page.getByRole('link', { name: 'New rule' }).click();
      await page.getByLabel('Name', { exact: true }).fill('100,- off above 500,-');
      await page.getByLabel('Receipt text').fill('Spar 100,-');
      const threshold = page.getByLabel('Receipt gross amount at least');
      await threshold.fill('500,-');
      await page.getByLabel('Reward value').fill('10000');
      await page.getByRole('button', { name: 'Create rule' }).click();
      const error = page.locator('#f-requirement-gross_amount-error');
      await error.waitFor();
      expect(await error.textContent()).toBe('Expected number');
      expect(await threshold.getAttribute('aria-invalid')).toBe('true');
      expect(await threshold.inputValue()).toBe('500,-');
      await capture(page, '03-rule-form-error');
      await threshold.fill('50000');
      await page.getByRole('button', { name: 'Create rule' }).click();
      await page.getByText('The rule was created.').waitFor();
      await capture(page, '04-rule');

      // Give it to every customer.
      await page.getByLabel('Customers').fill('*');
      await page.getByRole('button', { name: 'Give' }).click();
      await page.getByText('Given to customers.').waitFor();

      // The rule's simulator link fills in a receipt that meets it: 600,- gets 100,- off.
      await page.getByRole('link', { name: 'Simulate a receipt for this rule' }).click();
      expect(await page.getByLabel('Line 1 gross amount').inputValue()).toBe('50000');
      await page.getByLabel('Line 1 gross amount').fill('60000');
      await page.getByRole('button', { name: 'Simulate' }).click();
      await expect.poll(() => page.getByTestId('total-discount').textContent()).toBe('−100,00');
      await capture(page, '05-simulate-600');

      // 400,- does not reach the threshold, and the page says why.
      await page.getByLabel('Line 1 gross amount').fill('40000');
      await page.getByRole('button', { name: 'Simulate' }).click();
      await page.getByText('gross_amount_below').waitFor();
      expect(await page.getByTestId('total-discount').textContent()).toBe('0,00');
      await capture(page, '06-simulate-400');

      // Claim through the API, then release it from the claims page.
      const token = (
        await api('/auth/token', {
          basic: btoa(`${dev.id}:${dev.secret}`),
          body: { grant_type: 'client_credentials', audience: `${worker.origin}/v1/accounts/${AID}` },
        })
      ).body.access_token as string;
      const evaluated = await api('/discounts/available_for_receipt', {
        token,
        body: {
          receipt_id: 'e2e-1',
          purchase_at: new Date().toISOString(),
          store: { id: 'console' },
          customer_id: 'console-customer',
          items: [{ id: 'item-1', line_id: 1, gross_amount: 60000 }],
        },
      });
      expect(evaluated.body.discounts).toHaveLength(1);
      // Two purchases claim the rule; the first is returned and released below, the second stays.
      const claimOf = (ref: string) =>
        api('/discounts/available_for_receipt/claims', {
          token,
          body: {
            ref,
            purchase_at: evaluated.body.purchase_at,
            customer_id: 'console-customer',
            discounts: evaluated.body.discounts.map((d: any) => ({
              id: d.id,
              refs: d.refs.map((r: any) => ({ id: r.id, amount: r.amount, usage: r.usage })),
            })),
          },
        });
      const claim = await claimOf('e2e-till-1');
      expect(claim.status).toBe(200);
      expect((await claimOf('e2e-till-2')).status).toBe(200);
      await page.getByRole('link', { name: 'Claims' }).click();
      await capture(page, '07-claims');
      await page.locator(`a[href="/console/claims/${claim.body.id}"]`).click();
      await page.getByRole('link', { name: 'Release…' }).click();
      await page.getByRole('heading', { name: 'Release this claim?' }).waitFor();
      await capture(page, '08-claim-release-confirm');
      await page.getByRole('button', { name: 'Yes, release the claim' }).click();
      await page.getByText('The claim was released.').waitFor();
      const released = await api(`/discounts/available_for_receipt/claims/${claim.body.id}`, { token });
      expect(released.body.deleted_at).toBeDefined();

      // Statistics: the claim that stayed, drawn per day.
      await page.getByRole('navigation').getByRole('link', { name: 'Statistics', exact: true }).click();
      const today = new Date().toISOString().slice(0, 10);
      expect(
        await page
          .locator('svg.chart rect title')
          .filter({ hasText: `${today}: 100,00` })
          .count(),
      ).toBe(1);
      await capture(page, '09-statistics');

      // Settings: let anonymous storefronts read the public list; the preview then shows the offer.
      await page.getByRole('navigation').getByRole('link', { name: 'Settings', exact: true }).click();
      await page.getByLabel('Serve the public list without a token').check();
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Saved.').waitFor();
      await capture(page, '10-settings');
      await page.getByRole('navigation').getByRole('link', { name: 'Storefront preview', exact: true }).click();
      await page.getByRole('heading', { name: '100,- off above 500,-' }).waitFor();
      await capture(page, '11-storefront');

      await page.getByRole('navigation').getByRole('link', { name: 'Rules', exact: true }).click();
      await page.getByRole('heading', { name: 'Rules', exact: true }).waitFor();
      await capture(page, '12-rules');

      // Sign out: the console refuses the next page and asks for a sign-in again.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByText('You are signed out.').waitFor();
      await page.goto(`${worker.origin}/console/rules`);
      await expect.poll(() => page.url()).toContain('/console/sign-in');
      expect(await context.cookies()).toEqual([]);
      expect(outside, 'the console must load nothing from outside this Worker').toEqual([]);
    } finally {
      await context?.close();
    }
  });
});
