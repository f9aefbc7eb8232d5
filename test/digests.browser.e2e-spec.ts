import type { AddressInfo } from 'node:net';
import type { Frame, Page } from 'playwright-core';
import { chromiumAvailable, CHROMIUM, HeadlessChromium, launchChromium } from './support/browser';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';

/**
 * The Digests page in a real browser: create a digest with the form, preview it (the returned HTML
 * in a sandboxed srcdoc iframe, styled under the dashboard's Content-Security-Policy), send it now
 * and see the run. No SMTP server is set, so the run records its email recipient as not sent.
 */
const CI = !!process.env.CI && process.env.CI !== 'false';
const haveChromium = chromiumAvailable();
if (!haveChromium && !CI) console.warn(`Skipping the digests browser test: no Chromium at ${CHROMIUM}.`);
const suite = haveChromium || CI ? describe : describe.skip;

suite('Digests page in the browser (e2e)', () => {
  let t: TestApp;
  let chromium: HeadlessChromium;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`CI must install Chromium at ${CHROMIUM}`);
    [t, chromium] = await Promise.all([startTestApp(), launchChromium({ locale: 'en-US' })]);
    page = await chromium.browser.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    await t?.close();
  });

  it('creates, previews and sends a digest from the dashboard', async () => {
    const base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    await page.goto(`${base}/#/digests`);
    await page.fill('#api-key', TEST_ADMIN_KEY);
    await page.click('#signin button[type=submit]');
    await page.waitForSelector('#digest-form');
    expect(await page.textContent('#digest-list')).toContain('No digest yet.');

    await page.fill('#digest-name', 'Weekly numbers');
    await page.fill('#digest-emails', 'ana@lumi.test');
    await page.click('#digest-create');
    const row = await page.waitForSelector('#digests tr[data-digest]');
    expect(await row.textContent()).toContain('Weekly numbers');
    const [stored] = (await t.as(TEST_ADMIN_KEY).get('/api/v1/digests').expect(200)).body;
    expect(stored).toMatchObject({
      name: 'Weekly numbers',
      frequency: 'weekly',
      weekday: 1,
      time: '08:00',
      recipients: { emails: ['ana@lumi.test'] },
    });
    expect(stored.sections).toEqual(['listening', 'care']);

    await page.click('#digests [data-action="preview"]');
    const iframe = await page.waitForSelector('iframe#digest-preview');
    expect(await iframe.getAttribute('sandbox')).toBe('');
    const frame = (await iframe.contentFrame()) as Frame;
    await frame.waitForSelector('h1');
    expect(await frame.textContent('h1')).toBe('Weekly numbers');
    expect(await frame.$$eval('tr[data-kpi]', (rows) => rows.length)).toBeGreaterThan(5);
    // styled: the preview's style sheet is allowed by the page's policy
    expect(await frame.$eval('h1', (el) => (globalThis as any).getComputedStyle(el).fontSize)).toBe('20px');
    expect(await frame.$$eval('img', (imgs) => imgs.length > 0 && imgs.every((i) => (i as any).naturalWidth > 0))).toBe(true);

    await page.click('#digests [data-action="send"]');
    await page.waitForSelector('#digest-runs');
    // the run is sent in the background: the Runs button reloads the list until it shows the outcome
    await page.waitForFunction(
      () => {
        const doc = (globalThis as any).document;
        if (doc.querySelector('#digest-runs [data-recipient="ana@lumi.test"][data-status="skipped"]')) return true;
        doc.querySelector('#digests [data-action="runs"]')?.click();
        return false;
      },
      undefined,
      { polling: 500, timeout: 30_000 },
    );
    expect(problems).toEqual([]);
  }, 60_000);
});
