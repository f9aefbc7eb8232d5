import type { AddressInfo } from 'node:net';
import { XApiEmulator } from '../src/demo/networks/x/x-api-emulator';
import { chromiumAvailable, launchChromium } from './support/browser';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { startXTestServer, X_TEST_TOKEN } from './support/x-test-server';

/**
 * Issue #19, done when: a planted burst of one phrase is the top emerging theme and the first
 * explanation of its spike alert; a theme said at a steady rate every day is not emerging. Two
 * days of two mentions an hour (one about a late bill, every hour), then 40 mentions about "pix
 * fora do ar" in one hour, collected through the X test server into the embedded engine.
 */
const H = 3600_000;

describe('Themes: emerging phrases and explained spikes (e2e)', () => {
  let x: XApiEmulator;
  let t: TestApp;
  let key: string;
  let topicId: string;
  const spikeHour = new Date(Math.floor(Date.now() / H) * H - H);
  const ws = () => t.as(key);

  beforeAll(async () => {
    const started = await startXTestServer();
    x = started.server;
    t = await startTestApp({
      alertScanIntervalSeconds: 3600,
      careScanIntervalSeconds: 3600,
      x: { bearerToken: X_TEST_TOKEN, apiBaseUrl: started.baseUrl, monthlyReadCap: 0 },
    });
    const created = await t
      .as(TEST_ADMIN_KEY)
      .post('/api/v1/workspaces')
      .send({ name: 'Temas', timezone: 'America/Sao_Paulo', currency: 'BRL' })
      .expect(201);
    key = created.body.apiKey.key;
    ['ana', 'bia', 'caio'].forEach((u, i) => x.addUser({ id: String(700 + i), username: u }));
    for (let i = 1; i <= 48; i++) {
      const hour = spikeHour.getTime() - i * H;
      x.addTweet({ author_username: 'ana', text: `A fatura atrasada de novo, lumi ${i}`, created_at: new Date(hour + 10 * 60_000) });
      x.addTweet({ author_username: 'bia', text: `Usei o app da lumi hoje ${i}`, created_at: new Date(hour + 20 * 60_000) });
    }
    x.addTweet({
      author_username: 'ana',
      text: 'A fatura atrasada de novo, lumi agora',
      created_at: new Date(spikeHour.getTime() + 2 * 60_000),
    });
    x.addTweet({ author_username: 'bia', text: 'Usei o app da lumi agora', created_at: new Date(spikeHour.getTime() + 3 * 60_000) });
    const openings = ['Lumi, o PIX fora do ar', 'lumi pix fora do ar de novo?', 'Pix fora do ar na Lumi'];
    for (let n = 0; n < 40; n++)
      x.addTweet({
        author_username: 'caio',
        text: `${openings[n % 3]} ${n}`,
        created_at: new Date(spikeHour.getTime() + (5 + n) * 60_000),
      });
    const topic = await ws()
      .post('/api/v1/topics')
      .send({ name: 'Lumi', query: 'lumi', platforms: ['x'] })
      .expect(201);
    topicId = topic.body.id;
    await ws().post(`/api/v1/topics/${topicId}/collect`).expect(200);
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await x?.stop();
  });

  it('the burst is the top emerging theme; the steady theme is listed but not emerging', async () => {
    const from = new Date(spikeHour.getTime() - 23 * H).toISOString();
    const to = new Date(spikeHour.getTime() + H).toISOString();
    const res = (await ws().get('/api/v1/reports/themes').query({ topic: topicId, from, to }).expect(200)).body;
    // 24 hours of 2 mentions, plus the 40: 88 now; 48 in the 24 hours before
    expect(res.mentions).toBe(88);
    expect(res.previous.mentions).toBe(48);
    expect(res.emerging[0]).toMatchObject({ phrase: 'pix fora do ar', mentions: 40, previous: { mentions: 0 }, emerging: true });
    // 40 of 88 mentions
    expect(res.emerging[0].share).toBe(45.5);
    expect(res.emerging[0].variants).toEqual(expect.arrayContaining(['pix', 'fora do ar']));
    expect(res.emerging[0].examples).toHaveLength(3);
    const steady = res.themes.find((th: { phrase: string }) => th.phrase === 'fatura atrasada de novo');
    expect(steady).toMatchObject({ mentions: 24, previous: { mentions: 24 }, change: 0, emerging: false });
    expect(res.emerging.map((th: { phrase: string }) => th.phrase)).not.toContain('fatura atrasada de novo');

    // the drill-down lists exactly the burst's mentions, whatever their case and accents
    const link = res.emerging[0].mentionsLink as string;
    const listed = (await ws().get(link).expect(200)).body.data;
    expect(listed).toHaveLength(40);
  });

  it('counts a period whose ends are not whole hours exactly: its partial hours from their mentions', async () => {
    // From 1 ms after 1 h 45 min before the spike hour (the late bill at 1 h 50 min before is out,
    // the app post at 1 h 40 min before is in) to 10 min into it (the two "agora" posts and
    // the burst's first five, at 5 to 9 min, are in).
    const from = new Date(spikeHour.getTime() - 2 * H + 15 * 60_000 + 1);
    const to = new Date(spikeHour.getTime() + 10 * 60_000);
    const q = { topic: topicId, from: from.toISOString(), to: to.toISOString() };
    const res = (await ws().get('/api/v1/reports/themes').query(q).expect(200)).body;
    // 1 in the partial hour at the start, 2 in the whole hour, 2 + 5 in the partial hour at the end
    expect(res.mentions).toBe(10);
    expect(res.themes.find((th: { phrase: string }) => th.phrase === 'pix fora do ar')).toMatchObject({ mentions: 5 });
    expect(res.themes.find((th: { phrase: string }) => th.phrase === 'fatura atrasada de novo')).toMatchObject({ mentions: 2 });
    const listed = (
      await ws()
        .get('/api/v1/mentions')
        .query({ ...q, limit: 100 })
        .expect(200)
    ).body.data;
    expect(listed).toHaveLength(res.mentions);
  });

  it('the spike alert and themes/explain name the burst first', async () => {
    expect(
      (await t.as(TEST_ADMIN_KEY).post('/api/v1/alerts/check').send({ hour: spikeHour.toISOString() }).expect(200)).body.raised,
    ).toBeGreaterThanOrEqual(1);
    const alerts = (await ws().get('/api/v1/alerts').expect(200)).body.data;
    const spike = alerts.find((a: { type: string }) => a.type === 'volume_spike');
    expect(spike.details.themes.grew[0]).toMatchObject({ phrase: 'pix fora do ar', window: { mentions: 40 }, baseline: { mentions: 0 } });
    expect(spike.details.themes.grew[0].mentionsLink).toContain('phrase=pix+fora+do+ar');

    const explained = (
      await ws()
        .get('/api/v1/reports/themes/explain')
        .query({ topic: topicId, from: spikeHour.toISOString(), to: new Date(spikeHour.getTime() + H).toISOString() })
        .expect(200)
    ).body;
    // 42 mentions in the hour, 96 in the 2 days before (the baseline's 7 days hold only those)
    expect(explained.window.mentions).toBe(42);
    expect(explained.baseline.mentions).toBe(96);
    // 40 / 42 = 95.2 % now, 0 % before
    expect(explained.grew[0]).toMatchObject({ phrase: 'pix fora do ar', shareChange: 95.2 });
    expect(explained.shrank.map((s: { phrase: string }) => s.phrase)).toContain('fatura atrasada de novo');
  });

  it('refuses operators and bad labels with a 400 naming the field', async () => {
    const bad = await ws().get('/api/v1/reports/themes').query({ sentiment: 'angry' }).expect(400);
    expect(JSON.stringify(bad.body.message)).toContain('sentiment');
    await ws().get('/api/v1/reports/themes').query({ 'topic[$ne]': 'x' }).expect(400);
    const regexy = (await ws().get('/api/v1/mentions').query({ phrase: '.*' }).expect(200)).body.data;
    expect(regexy).toHaveLength(0);
  });

  (chromiumAvailable() || process.env.CI ? it : it.skip)(
    'the Themes page lists the burst, explains the spike and opens its mentions, in en and pt',
    async () => {
      const chromium = await launchChromium({ locale: 'en-US' });
      try {
        const page = await chromium.browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        const base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
        await page.goto(`${base}/`);
        await page.fill('#api-key', key);
        await page.click('#signin button[type=submit]');
        await page.waitForSelector('.workspace-name');
        const from = new Date(spikeHour.getTime() - 23 * H).toISOString();
        const to = new Date(spikeHour.getTime() + H).toISOString();
        await page.goto(`${base}/#/themes?range=custom&from=${from}&to=${to}&topic=${topicId}`);
        await page.waitForSelector('#themes-emerging tbody tr');
        expect(await page.getAttribute('#themes-emerging tbody tr', 'data-phrase')).toBe('pix fora do ar');
        expect(await page.textContent('#themes-emerging tbody tr .theme-change')).toContain('new');
        expect(await page.textContent('#themes-spikes .spike-alert .spike-themes li')).toContain('pix fora do ar');
        await page.click('#themes-emerging tbody tr a.theme-link');
        await page.waitForSelector('#mentions-phrase');
        await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('#mention-list .mention').length === 40);
        await page.evaluate(() => (globalThis as any).localStorage.setItem('ouvidor.lang', 'pt'));
        await page.goto(`${base}/#/themes?range=custom&from=${from}&to=${to}&topic=${topicId}`);
        await page.reload();
        await page.waitForSelector('#themes-emerging tbody tr');
        expect(await page.textContent('h1')).toBe('Temas');
        expect(errors).toEqual([]);
      } finally {
        await chromium.close();
      }
    },
    120_000,
  );
});
