import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { XApiEmulator } from '../src/demo/networks/x/x-api-emulator';
import { chromiumAvailable, CHROMIUM, HeadlessChromium, launchChromium } from './support/browser';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { startXTestServer, X_TEST_TOKEN } from './support/x-test-server';

/**
 * The Competitors and Authors pages in a real browser, over a brand and two competitors collected
 * from the X test server: the side-by-side table shows the shares the API computes (50 / 37.5 /
 * 12.5 %), a competitor's public care opens its cases, and an author is marked VIP from the table.
 */
const CI = !!process.env.CI && process.env.CI !== 'false';
const haveChromium = chromiumAvailable();
if (!haveChromium && !CI) console.warn(`Skipping the competitors browser test: no Chromium at ${CHROMIUM}.`);
const suite = haveChromium || CI ? describe : describe.skip;

const H = 3600_000;
const D = new Date(Math.floor(Date.now() / (24 * H)) * 24 * H - 3 * 24 * H);
const at = (day: number, hh: number, mm = 0) => new Date(D.getTime() + day * 24 * H + hh * H + mm * 60_000);

suite('Competitors and Authors pages in the browser (e2e)', () => {
  let x: XApiEmulator;
  let t: TestApp;
  let chromium: HeadlessChromium;
  let page: Page;
  const problems: string[] = [];
  const tweets: Record<string, string> = {};
  const say = (key: string, author: string, text: string, when: Date, replyTo?: string) => {
    tweets[key] = x.addTweet({
      author_username: author,
      text,
      created_at: when,
      lang: 'pt',
      ...(replyTo ? { in_reply_to_tweet_id: tweets[replyTo] } : {}),
    }).id;
  };

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`CI must install Chromium at ${CHROMIUM}`);
    const started = await startXTestServer();
    x = started.server;
    [t, chromium] = await Promise.all([
      startTestApp({ x: { bearerToken: X_TEST_TOKEN, apiBaseUrl: started.baseUrl, monthlyReadCap: 0 } }),
      launchChromium({ locale: 'en-US' }),
    ]);
    for (const [id, username] of [
      ['100', 'lumi_br'],
      ['300', 'nuvia_br'],
      ['400', 'orbi_br'],
      ['201', 'ana'],
      ['203', 'bruno'],
      ['204', 'carla'],
      ['205', 'diego'],
      ['206', 'elisa'],
      ['207', 'fabio'],
    ])
      x.addUser({ id, username, public_metrics: { followers_count: Number(id) * 10 } });
    const admin = t.as(TEST_ADMIN_KEY);
    const ids: string[] = [];
    for (const [name, word, role] of [
      ['Lumi', 'lumi', 'brand'],
      ['Nuvia', 'nuvia', 'competitor'],
      ['Orbi', 'orbi', 'competitor'],
    ])
      ids.push(
        (
          await admin
            .post('/api/v1/topics')
            .send({
              name,
              query: `(${word} OR @${word}_br)`,
              platforms: ['x'],
              ownedAccounts: [{ platform: 'x', handle: `${word}_br` }],
              role,
            })
            .expect(201)
        ).body.id,
      );
    say('L1', 'ana', '@lumi_br meu cartão foi bloqueado, preciso de ajuda', at(0, 10));
    say('L2', 'fabio', 'adorei a lumi, melhor conta que já tive', at(0, 11));
    say('L3', 'fabio', 'a lumi lançou cashback novo hoje', at(1, 18));
    say('L4', 'fabio', 'usei o cartão da lumi na viagem', at(1, 19));
    say('N1', 'bruno', '@nuvia_br meu cartão foi bloqueado, preciso de ajuda', at(0, 9));
    say('N1r', 'nuvia_br', '@bruno Oi Bruno, já desbloqueamos seu cartão', at(0, 9, 20), 'N1');
    say('N2', 'carla', '@nuvia_br como faço para emitir a segunda via da fatura da nuvia?', at(0, 13));
    say('N3', 'diego', '@nuvia_br o app da nuvia não abre, preciso de ajuda', at(0, 16));
    say('O1', 'elisa', '@orbi_br my orbi card was charged twice, please help', at(1, 8));
    for (const id of ids) await admin.post(`/api/v1/topics/${id}/collect`).expect(200);
    page = await chromium.browser.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
  }, 120_000);

  afterAll(async () => {
    await chromium?.close();
    await t?.close();
    await x?.stop();
  });

  it('shows share of voice side by side and opens a competitor public care cases', async () => {
    const base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    await page.goto(`${base}/#/competitors?range=7d`);
    await page.fill('#api-key', TEST_ADMIN_KEY);
    await page.click('#signin button[type=submit]');
    await page.waitForSelector('#sov-table tbody tr[data-role="competitor"]');
    await page.waitForSelector('#sov-chart canvas');
    const rows = await page
      .locator('#sov-table tbody tr[data-topic]')
      .evaluateAll((trs) =>
        trs.map((tr) => [tr.querySelector('th')!.firstChild!.textContent!.trim(), tr.querySelector('.sov-share')!.textContent!.trim()]),
      );
    // 4 + 3 + 1 mentions
    expect(rows).toEqual([
      ['Lumi', '50%'],
      ['Nuvia', '37.5%'],
      ['Orbi', '12.5%'],
    ]);
    await page.click('#sov-table tbody tr[data-role="competitor"] button.link');
    await page.waitForSelector('.public-care-rows:not([hidden]) ul.public-cases li');
    // Nuvia: bruno answered in 20 min, carla and diego not
    expect(await page.locator('.public-care-rows:not([hidden]) ul.public-cases li').count()).toBe(3);
  });

  it('marks an influential author as VIP from the Authors table', async () => {
    const base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    await page.goto(`${base}/#/authors?range=7d&sort=mentions`);
    await page.waitForSelector('#authors-table tbody tr');
    const first = page.locator('#authors-table tbody tr').first();
    expect(await first.getAttribute('data-author')).toBe('x:207'); // fabio: 3 mentions
    await first.locator('button').click();
    await page.waitForSelector('#authors-table tr[data-author="x:207"] button.vip-on');
    const res = await t.as(TEST_ADMIN_KEY).get('/api/v1/reports/authors?sort=mentions').expect(200);
    expect(res.body.authors.find((a: { authorId: string }) => a.authorId === '207').vip).toBe(true);
    expect(problems).toEqual([]);
  });
});
