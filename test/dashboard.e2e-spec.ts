import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { chromiumAvailable, CHROMIUM, HeadlessChromium, launchChromium } from './support/browser';
import { PLATFORM_NAMES, type Platform } from '../src/common/platform';
import { DemoService } from '../src/demo/demo.service';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';

/**
 * The dashboard in a real browser against the real service on the embedded default with the demo
 * data: sign-in, overview numbers equal to the API's, a mention arriving live, and inbox actions
 * that change the case in the API. Screenshots go to test/artifacts/; with
 * DASHBOARD_SCREENSHOTS=update it also refreshes the README's (src/dashboard/screenshots/).
 */

const CI = !!process.env.CI && process.env.CI !== 'false';
const ARTIFACTS = join(__dirname, 'artifacts');
const README_SHOTS = join(__dirname, '..', 'src', 'dashboard', 'screenshots');
const UPDATE_README_SHOTS = process.env.DASHBOARD_SCREENSHOTS === 'update';

const haveChromium = chromiumAvailable();
if (!haveChromium && !CI) {
  console.warn(`Skipping the dashboard test: no Chromium at ${CHROMIUM} (apt-get install chromium; CI installs it).`);
}
const suite = haveChromium || CI ? describe : describe.skip;

/* The formats the page promises (en-US), written out here so a change in the page shows up as a failure. */
const MISSING = '—';
const nf = (o: Intl.NumberFormatOptions) => new Intl.NumberFormat('en-US', o);
const expectedFormat = {
  count: (v: number | null) => (v === null ? MISSING : nf({ maximumFractionDigits: 0 }).format(v)),
  percent: (v: number | null) => (v === null ? MISSING : nf({ style: 'percent', maximumFractionDigits: 1 }).format(v / 100)),
  score: (v: number | null) => (v === null ? MISSING : nf({ maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(v)),
  decimal1: (v: number | null) => (v === null ? MISSING : nf({ maximumFractionDigits: 1 }).format(v)),
  decimal2: (v: number | null) => (v === null ? MISSING : nf({ maximumFractionDigits: 2 }).format(v)),
  money: (v: number | null, currency: string) => (v === null ? MISSING : nf({ style: 'currency', currency }).format(v)),
  duration: (s: number | null) => {
    if (s === null) return MISSING;
    if (s < 60) return `${Math.round(s)} s`;
    if (s < 3600) return `${Math.round(s / 60)} min`;
    if (s < 86400) {
      const total = Math.round(s / 60);
      const [h, m] = [Math.floor(total / 60), total % 60];
      return m ? `${h} h ${m} min` : `${h} h`;
    }
    const total = Math.round(s / 3600);
    const [d, h] = [Math.floor(total / 24), total % 24];
    return h ? `${d} d ${h} h` : `${d} d`;
  },
};

/** The overview report as JSON; the fields the test reads are checked one by one. */
type Overview = Record<string, any>;
const at = (o: Overview, path: string): number | null => path.split('.').reduce<any>((v, k) => (v == null ? v : v[k]), o);

suite('Dashboard in the browser (demo data)', () => {
  let t: TestApp;
  let chromium: HeadlessChromium;
  let page: Page;
  let base: string;
  let topicId: string;
  const pageErrors: string[] = [];

  const api = (path: string) => t.as(TEST_ADMIN_KEY).get(path).expect(200);
  const shot = async (name: string, readme?: string) => {
    await page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`) });
    if (readme && UPDATE_README_SHOTS) await page.screenshot({ path: join(README_SHOTS, readme) });
  };

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`CI must install Chromium at ${CHROMIUM} (.ci/run does, from Debian)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestApp({ demo: true });
    const topics = (await api('/api/v1/topics')).body;
    topicId = topics.find((x: { name: string }) => x.name === 'Lumi (demo)').id;
    // The demo's first collection starts at boot; a collection waits for the topic's lease, so once
    // this answers the week of backfill is stored (the bulk of this suite's time).
    const [, browser] = await Promise.all([
      t.as(TEST_ADMIN_KEY).post(`/api/v1/topics/${topicId}/collect`).expect(200),
      launchChromium({ viewport: { width: 1280, height: 800 }, locale: 'en-US' }),
    ]);
    // The demo desk answers and resolves the cases whose time has come (it also runs every 2 minutes).
    await t.app.get(DemoService).runDesk();
    chromium = browser;
    expect((await api('/api/v1/mentions?limit=1')).body.data.length).toBe(1);

    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    page = await chromium.browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`);
    });
    // the demo's first collection (a week of traffic on every network, counted into mention and
    // theme rollups) takes about 100 s on an idle 2-core machine, and about 200 s on a slower one
    // (session 30's, where the whole suite took 261 s): the hook allows three times that
  }, 600_000);

  afterAll(async () => {
    await chromium?.close();
    await t?.close();
  });

  it('serves the page with a strict Content-Security-Policy and refuses unknown assets', async () => {
    const res = await t.http().get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    await t
      .http()
      .get('/assets/vendor/echarts.esm.min.mjs')
      .expect(200)
      .expect('content-type', /javascript/);
    await t.http().get('/assets/%2e%2e/%2e%2e/package.json').expect(404);
  });

  it('signs in with an API key and shows the API error message for a wrong one', async () => {
    await page.goto(`${base}/`);
    await page.fill('#api-key', 'ouv_not-a-key');
    await page.click('#signin button[type=submit]');
    const refusal = (await t.http().get('/api/v1/workspaces/current').set('Authorization', 'Bearer ouv_not-a-key').expect(401)).body
      .message;
    await page.waitForSelector(`.form-error:has-text("${refusal}")`);

    await page.fill('#api-key', TEST_ADMIN_KEY);
    await page.click('#signin button[type=submit]');
    await page.waitForSelector('.tile[data-kpi="volume.mentions"] .tile-value');
    expect(await page.textContent('.workspace-name')).toBe('Lumi (demo)');
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('ouvidor.apiKey'))).toBe(TEST_ADMIN_KEY);
    await page.waitForSelector('[data-chart="volumeBySentiment"].is-drawn canvas');
    await page.waitForSelector('[data-chart="supportByHour"].is-drawn canvas');
    await shot('overview', 'overview.png');
    // Charts further down load as they scroll into view; every one draws from /reports/timeseries.
    for (const figure of await page.$$('figure.chart')) {
      await figure.scrollIntoViewIfNeeded();
      await page.waitForFunction((el) => el.classList.contains('is-drawn') || !!el.querySelector('.chart-error'), figure);
    }
    expect(
      await page.$$eval('figure.chart', (els) => els.map((e: any) => `${e.dataset.chart}:${e.classList.contains('is-drawn')}`)),
    ).toEqual(
      ['volumeBySentiment', 'supportByHour', 'engagementRates', 'leads', 'deflection', 'service', 'surveys'].map((c) => `${c}:true`),
    );
  });

  it('shows the same overview numbers as GET /reports/overview for the topic and range picked', async () => {
    // Pick the topic and a custom week that ended at the last full hour, in the workspace's zone.
    const tz = 'America/Sao_Paulo';
    const to = DateTime.now().setZone(tz).startOf('hour');
    const from = to.minus({ days: 7 });
    await page.selectOption('#topic', topicId);
    await page.waitForSelector(`#overview[data-topic="${topicId}"]`);
    await page.selectOption('#range', 'custom');
    await page.fill('#range-from', from.toFormat("yyyy-LL-dd'T'HH:mm"));
    await page.fill('#range-to', to.toFormat("yyyy-LL-dd'T'HH:mm"));
    await page.click('#range-apply');
    await page.waitForSelector(`#overview[data-to="${to.toUTC().toISO()}"]`);
    const shown = await page.$eval('#overview', (el) => ({ ...(el as any).dataset }));
    expect(shown).toMatchObject({ from: from.toUTC().toISO(), to: to.toUTC().toISO(), tz, topic: topicId });

    const tile = (kpi: string) => page.textContent(`.tile[data-kpi="${kpi}"] .tile-value`).then((s) => s?.trim());
    const expected = (overview: Overview): [string, string][] => [
      ['volume.mentions', expectedFormat.count(at(overview, 'volume.mentions'))],
      ['sentiment.negative', expectedFormat.count(at(overview, 'sentiment.negative'))],
      ['sentiment.positiveShare', expectedFormat.percent(at(overview, 'sentiment.positiveShare'))],
      ['sentiment.net', expectedFormat.score(at(overview, 'sentiment.net'))],
      ['sentiment.meanScore', expectedFormat.decimal2(at(overview, 'sentiment.meanScore'))],
      ['support.inbound', expectedFormat.count(at(overview, 'support.inbound'))],
      ['engagement.applauseRate', expectedFormat.decimal1(at(overview, 'engagement.applauseRate'))],
      ['service.casesOpened', expectedFormat.count(at(overview, 'service.casesOpened'))],
      ['service.firstResponse.median', expectedFormat.duration(at(overview, 'service.firstResponse.median'))],
      ['leads.conversionRate', expectedFormat.percent(at(overview, 'leads.conversionRate'))],
      ['service.fcr', expectedFormat.percent(at(overview, 'service.fcr'))],
      ['deflection.estimatedSavings', expectedFormat.money(at(overview, 'deflection.estimatedSavings'), overview.currency)],
    ];
    // The range is in the past, but the demo keeps replying to cases, which can move a care KPI
    // between the page's call and ours: compare again after a refresh before calling it a mismatch.
    let overview: Overview = {};
    let shownValues: Record<string, string | undefined> = {};
    let checks: [string, string][] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      overview = (await api(`/api/v1/reports/overview?topic=${topicId}&from=${shown.from}&to=${shown.to}&tz=${tz}`)).body;
      checks = expected(overview);
      const actual = await Promise.all(checks.map(([kpi]) => tile(kpi)));
      shownValues = Object.fromEntries(checks.map(([kpi], i) => [kpi, actual[i]]));
      if (checks.every(([kpi, text]) => shownValues[kpi] === text) || attempt === 3) break;
      await page.click('button.refresh');
      await page.waitForSelector(`#overview[data-to="${to.toUTC().toISO()}"]`);
    }
    expect(overview.volume.mentions).toBeGreaterThan(100);
    expect(shownValues).toEqual(Object.fromEntries(checks));
    expect(checks.find(([kpi]) => kpi === 'service.fcr')![1]).not.toBe(MISSING); // the demo desk resolved answered cases

    // A week a year before the demo's data: a ratio over 0 is shown as "—", never as 0.
    const pick = async (a: DateTime, b: DateTime) => {
      await page.fill('#range-from', a.toFormat("yyyy-LL-dd'T'HH:mm"));
      await page.fill('#range-to', b.toFormat("yyyy-LL-dd'T'HH:mm"));
      await page.click('#range-apply');
      await page.waitForSelector(`#overview[data-to="${b.toUTC().toISO()}"]`);
    };
    await pick(from.minus({ years: 1 }), to.minus({ years: 1 }));
    await page.waitForSelector('.tile[data-kpi="volume.mentions"] .tile-value');
    expect(await tile('volume.mentions')).toBe(expectedFormat.count(0));
    for (const kpi of ['service.fcr', 'sentiment.positiveShare', 'engagement.applauseRate']) expect(await tile(kpi)).toBe(MISSING);
    await pick(from, to);
    expect(checks.find(([kpi]) => kpi === 'leads.conversionRate')![1]).not.toBe(MISSING); // the demo sends website sessions

    // Every KPI of the report has a tile; the change against the previous period is shown.
    for (const kpi of Object.keys(overview.trends)) expect(await page.$(`.tile[data-kpi="${kpi}"]`)).not.toBeNull();
    expect(await page.textContent('.tile[data-kpi="volume.mentions"] .tile-change')).toMatch(/previous period/);

    // The header says when the topics were last collected, and from which networks.
    await page.waitForSelector('#collection-status[data-state="ok"]');
    expect(await page.textContent('#collection-status')).toMatch(/^Collected .+ ago$/);
    // the networks the API reports configured (the demo's X, Bluesky, Mastodon and WhatsApp among them), by name
    const configured = ((await api('/api/v1/collectors/status')).body.networks as { platform: Platform; configured: boolean }[])
      .filter((n) => n.configured)
      .map((n) => n.platform);
    expect(configured).toEqual(expect.arrayContaining(['x', 'bluesky', 'mastodon', 'whatsapp']));
    expect(await page.getAttribute('#collection-status', 'title')).toBe(
      `Networks read: ${configured.map((p) => PLATFORM_NAMES[p]).join(', ')}`,
    );

    // The network filter narrows the tiles to one network, as the API's platform= does.
    await page.selectOption('#platform', 'bluesky');
    await page.waitForSelector('#overview[data-platform="bluesky"]');
    const onBluesky = (await api(`/api/v1/reports/overview?topic=${topicId}&from=${shown.from}&to=${shown.to}&tz=${tz}&platform=bluesky`))
      .body;
    expect(onBluesky.volume.mentions).toBeGreaterThan(0);
    expect(onBluesky.volume.mentions).toBeLessThan(overview.volume.mentions);
    expect(await tile('volume.mentions')).toBe(expectedFormat.count(onBluesky.volume.mentions));
    expect(await tile('engagement.posts')).toBe(expectedFormat.count(onBluesky.engagement.posts));
    await page.selectOption('#platform', '');
    await page.waitForSelector('#overview[data-platform=""]');

    // The number opens the rows behind it, and the tile links the CSV export with the same filters:
    // the link holds no key; a click asks for a signed link to exactly that export and downloads it.
    const csv = await page.getAttribute('.tile[data-kpi="sentiment.negative"] .tile-csv', 'href');
    expect(csv).toMatch(/^\/api\/v1\/exports\/mentions\.csv\?/);
    const filters = { topic: topicId, from: shown.from!, to: shown.to!, sentiment: 'negative' };
    expect(new URLSearchParams(csv!.split('?')[1])).toEqual(new URLSearchParams(filters));
    const requested: string[] = [];
    const onRequest = (r: { url: () => string }) => requested.push(r.url());
    page.on('request', onRequest);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.tile[data-kpi="sentiment.negative"] .tile-csv')]);
    page.off('request', onRequest);
    expect(download.suggestedFilename()).toBe('mentions.csv');
    const signed = new URL(download.url());
    expect(signed.pathname).toBe('/api/v1/exports/mentions.csv');
    expect(Object.fromEntries(signed.searchParams)).toEqual({
      ...filters,
      ws: expect.any(String),
      by: expect.any(String),
      exp: expect.any(String),
      sig: expect.any(String),
    });
    expect(requested.some((u) => u.endsWith('/api/v1/exports/links'))).toBe(true);
    for (const url of requested) expect(url).not.toContain(TEST_ADMIN_KEY);
    const rows: Record<string, string>[] = parse(readFileSync(await download.path(), 'utf8'), { bom: true, columns: true });
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect([row.sentiment, row.topic_ids.split(' ').includes(topicId)]).toEqual(['negative', true]);
    await page.click('.tile[data-kpi="sentiment.negative"] .tile-value');
    await page.waitForSelector('#mention-list .mention');
    expect(await page.$$eval('#mention-list .mention .sentiment-negative', (els) => els.length)).toBe(
      await page.$$eval('#mention-list .mention', (els) => els.length),
    );
  });

  it('adds a new mention to the live list without reloading the page', async () => {
    await page.goto(`${base}/#/mentions?range=24h`);
    await page.waitForSelector('#live-state.on');
    await page.evaluate(() => ((globalThis as any).sameDocument = true));

    const emulator = t.app.get(DemoService).emulator!;
    emulator.addUser({ username: 'painel_e2e', name: 'Painel E2E' });
    const marker = `e2e${Date.now()}`;
    const tweet = emulator.addTweet({
      author_username: 'painel_e2e',
      text: `@lumi_br o app da Lumi travou no pix, alguém ajuda? ${marker}`,
      lang: 'pt',
    });
    await t.as(TEST_ADMIN_KEY).post(`/api/v1/topics/${topicId}/collect`).expect(200);

    const card = page.locator('#mention-list .mention', { hasText: marker });
    await card.waitFor({ timeout: 15_000 });
    expect(await card.getAttribute('class')).toContain('is-new');
    expect(await card.locator('a.external').getAttribute('href')).toContain(tweet.id);
    expect(await card.locator('.badge.intent').count()).toBe(1);
    expect(await page.evaluate(() => (globalThis as any).sameDocument)).toBe(true);
    await shot('mentions');
  });

  it("corrects a mention's and a case message's labels from their badges, and the Model quality panel counts them", async () => {
    const labelsOf = async (id: string) => (await api(`/api/v1/mentions/labels?ids=${id}`)).body[0];
    await page.goto(`${base}/#/mentions?range=24h`);
    const card = page.locator('#mention-list .mention').first();
    await card.waitFor();
    const mentionId = (await card.getAttribute('data-id'))!;
    const before = await labelsOf(mentionId);
    const chosen = ['negative', 'neutral', 'positive'].find((l) => l !== before.sentiment.label)!;
    await card.locator('button.badge[data-field="sentiment"]').click();
    await card.locator('.correct-picker select').selectOption(chosen);
    await page.waitForSelector(`.toast:has-text("Saved: ${chosen}")`);
    const after = await labelsOf(mentionId);
    expect(after.sentiment.label).toBe(chosen);
    expect(after.correction.sentiment).toMatchObject({ label: chosen, predicted: before.sentiment.label });
    expect(await card.locator('button.badge[data-field="sentiment"]').getAttribute('data-label')).toBe(chosen);

    // In a case, the agent confirms the model's intent of the customer's message: stored, case unchanged.
    const open = (await api('/api/v1/cases?status=open&limit=1')).body.data[0];
    await page.goto(`${base}/#/case/${open.id}`);
    const message = page.locator('#case-view .message.inbound').first();
    const intentBadge = message.locator('button.badge[data-field="intent"]');
    await intentBadge.waitFor();
    const messageMention = (await message.locator('.message-labels').getAttribute('data-mention-id'))!;
    const intent = (await intentBadge.getAttribute('data-label'))!;
    await intentBadge.click();
    await message.locator('.correct-picker select').selectOption(intent);
    await page.waitForSelector(`#case-view .message.inbound button.badge.is-reviewed[data-field="intent"]`);
    expect((await labelsOf(messageMention)).correction.intent).toMatchObject({ label: intent, predicted: intent });
    expect((await api(`/api/v1/cases/${open.id}`)).body).toMatchObject({ status: open.status, intent: open.intent });

    await page.goto(`${base}/#/overview?range=24h`);
    await page.waitForSelector('#model-quality.is-loaded');
    const shown = await page.$eval('#overview', (el) => ({ ...(el as any).dataset }));
    const quality = (await api(`/api/v1/reports/model-quality?from=${shown.from}&to=${shown.to}`)).body;
    expect(quality.sentiment.corrections).toBe(1);
    expect(quality.intent.corrections).toBe(1);
    const stat = (field: string, name: string) => page.textContent(`.quality-card[data-field="${field}"] [data-stat="${name}"] strong`);
    expect(await stat('sentiment', 'corrections')).toBe('1');
    expect(await stat('sentiment', 'macroF1')).toBe(expectedFormat.decimal2(quality.sentiment.macroF1));
    expect(await stat('intent', 'accuracy')).toBe(expectedFormat.percent(100));
    expect(
      await page.textContent(
        `table.confusion[data-field="sentiment"] td[data-predicted="${before.sentiment.label}"][data-corrected="${chosen}"]`,
      ),
    ).toBe('1');
    expect(await page.textContent(`table.confusion[data-field="intent"] td[data-predicted="${intent}"][data-corrected="${intent}"]`)).toBe(
      '1',
    );
    await page.locator('#model-quality').scrollIntoViewIfNeeded();
    await shot('model-quality');
  });

  it('assigns a case from the inbox, records a reply and resolves it, and the API shows each change', async () => {
    const agents: { id: string; name: string }[] = (await api('/api/v1/agents')).body;
    const agent = agents.find((a) => a.name === 'Diego Ramos')!;
    await page.goto(`${base}/#/inbox?sort=waiting`);
    const row = page.locator('#case-list .case-row').first();
    await row.waitFor();
    const caseId = (await row.getAttribute('data-case-id'))!;
    // The row shows what the customer wrote last, why the case waits and its priority.
    const inbound = (await api(`/api/v1/cases/${caseId}`)).body.messages.filter((m: { direction: string }) => m.direction === 'inbound');
    expect(await row.locator('.message-text').textContent()).toBe(inbound.at(-1).text);
    expect(await row.locator('.wait-reason').count()).toBe(1);
    expect(await row.locator('.priority').getAttribute('class')).toMatch(/priority-(urgent|high|normal|low)/);
    expect((await api(`/api/v1/cases/${caseId}`)).body.assignee).not.toBe(agent.id);
    // Longest waiting first, each with its SLA state.
    const since = await page.$$eval('#case-list .case-row .waiting', (els) => els.map((e: any) => e.dataset.since as string));
    expect(since.length).toBeGreaterThan(5);
    expect([...since].sort()).toEqual(since);
    expect(await row.locator('.sla').textContent()).toMatch(/due in|overdue by|answered in/);
    await shot('inbox', 'inbox.png');

    await row.locator('select.assign').selectOption(agent.id);
    await page.waitForSelector(`.toast:has-text("assigned to ${agent.name}")`);
    expect((await api(`/api/v1/cases/${caseId}`)).body.assignee).toBe(agent.id);
    expect(await page.locator(`.case-row[data-case-id="${caseId}"] select.assign`).inputValue()).toBe(agent.id);

    await page.click(`.case-row[data-case-id="${caseId}"] a.customer`);
    await page.waitForSelector('#case-view .thread .message');
    const reply = `Oi! Já estamos vendo isso. ${Date.now()}`;
    await page.fill('#reply-text', reply);
    await page.selectOption('#reply-agent', agent.id);
    await page.click('#reply-record');
    await page.waitForSelector(`.message.outbound:has-text("${reply}")`);
    const replied = (await api(`/api/v1/cases/${caseId}`)).body;
    expect(replied.messages.at(-1)).toMatchObject({ direction: 'outbound', text: reply, agentId: agent.id, externalId: null });
    await shot('case');

    await page.click('#case-view button.resolve');
    await page.waitForSelector('#case-status:has-text("resolved")');
    expect((await api(`/api/v1/cases/${caseId}`)).body.status).toBe('resolved');
  });

  it('fills a saved reply with its variables from /shortcut and adds a note with an @mention', async () => {
    const admin = t.as(TEST_ADMIN_KEY);
    const agents: { id: string; name: string }[] = (await api('/api/v1/agents')).body;
    const agent = agents.find((a) => a.name === 'Diego Ramos')!;
    const saved = (
      await admin
        .post('/api/v1/saved-replies')
        .send({
          shortcut: '/cartao',
          title: 'Cartão',
          language: 'pt',
          text: 'Oi {{customer.name}}, aqui é {{agent.name}} (caso {{case.id}}).',
        })
        .expect(201)
    ).body;
    const open = (await api('/api/v1/cases?status=open&limit=1')).body.data[0];
    await page.goto(`${base}/#/case/${open.id}`);
    await page.waitForSelector('#case-view .thread .message');
    await page.selectOption('#reply-agent', agent.id);
    await page.fill('#reply-text', '/car');
    await page.click('#saved-reply-options button[data-shortcut="/cartao"]');
    const customer = open.customer.name?.trim() || open.customer.handle;
    const rendered = `Oi ${customer}, aqui é ${agent.name} (caso ${open.id}).`;
    await page.waitForFunction((text) => (globalThis as any).document.querySelector('#reply-text').value === text, rendered);
    await page.click('#reply-record');
    await page.waitForSelector(`.message.outbound:has-text("${rendered}")`);
    const used = (await api('/api/v1/saved-replies?q=/cartao')).body;
    expect(used.find((r: { id: string }) => r.id === saved.id).uses).toBe(1);

    await page.fill('#note-text', 'pode ver? @Die');
    await page.click(`#mention-options button[data-agent-id="${agent.id}"]`);
    expect(await page.inputValue('#note-text')).toBe(`pode ver? @${agent.name} `);
    await page.click('#note-save');
    await page.waitForSelector(`#case-notes .note:has-text("${agent.name}")`);
    const notes = (await api(`/api/v1/cases/${open.id}/notes`)).body;
    expect(notes.at(-1).mentions).toEqual([{ agentId: agent.id, name: agent.name }]);
    const view = (await api(`/api/v1/cases/${open.id}`)).body;
    expect(view.messages.some((m: { text: string }) => m.text.includes('pode ver?'))).toBe(false);
    await page.waitForSelector('#case-history li');
  });

  it('sends a reply on Bluesky from the case view and records it with the post id Bluesky gave it', async () => {
    const waiting = (await api('/api/v1/cases?platform=bluesky&limit=50')).body.data as {
      id: string;
      awaitingReplySince: string | null;
      status: string;
    }[];
    // a case still waiting if the demo desk left one, else any case not closed: the reply answers its latest message
    const open = waiting.find((c) => c.awaitingReplySince) ?? waiting.find((c) => c.status === 'open' || c.status === 'pending')!;
    expect(open).toBeDefined();
    await page.goto(`${base}/#/case/${open.id}`);
    await page.waitForSelector('#reply-send');
    expect(await page.textContent('#reply-send')).toBe('Send on Bluesky');
    const reply = `Oi! Vamos resolver por aqui. ${Date.now()}`;
    await page.fill('#reply-text', reply);
    await page.click('#reply-send');
    await page.waitForSelector('.toast:has-text("Reply sent on Bluesky")');
    await page.waitForSelector(`.message.outbound:has-text("${reply}")`);
    const sent = (await api(`/api/v1/cases/${open.id}`)).body.messages.at(-1);
    expect(sent).toMatchObject({ direction: 'outbound', text: reply, source: 'api', externalId: expect.stringMatching(/^at:\/\//) });
    // an X case offers only to record the reply
    const xCase = ((await api('/api/v1/cases?platform=x&limit=1')).body.data as { id: string }[])[0];
    await page.goto(`${base}/#/case/${xCase.id}`);
    await page.waitForSelector('#reply-record');
    expect(await page.$('#reply-send')).toBeNull();
  });

  it("shows a WhatsApp conversation with its 24-hour window, sends on WhatsApp, and shows the reply's delivery", async () => {
    const all = (await api('/api/v1/cases?platform=whatsapp&limit=100')).body.data as {
      id: string;
      lastInboundAt: string;
      status: string;
    }[];
    // within the 24-hour window: an open case if the demo desk left one, else one it has answered
    const inWindow = all.filter((c) => Date.now() - Date.parse(c.lastInboundAt) < 20 * 3600_000);
    const open = inWindow.find((c) => c.status === 'open') ?? inWindow.find((c) => c.status === 'pending') ?? inWindow[0];
    const closed = all.find((c) => Date.now() - Date.parse(c.lastInboundAt) > 24 * 3600_000)!;
    expect(open && closed).toBeTruthy(); // the demo's conversations span 36 hours
    await page.goto(`${base}/#/case/${closed.id}`);
    await page.waitForSelector('.case-window .service-window.overdue');
    expect(await page.textContent('.case-window .service-window')).toBe('window closed: only a template can be sent');
    await page.goto(`${base}/#/case/${open.id}`);
    await page.waitForSelector('.case-window .service-window.ok');
    expect(await page.textContent('.case-window .service-window')).toMatch(/^window closes in \d+ h/);
    expect(await page.textContent('#reply-send')).toBe('Send on WhatsApp');
    const reply = `Oi! Já verificamos seu Pix. ${Date.now()}`;
    await page.fill('#reply-text', reply);
    await page.click('#reply-send');
    await page.waitForSelector('.toast:has-text("Reply sent on WhatsApp")');
    const sent = (await api(`/api/v1/cases/${open.id}`)).body.messages.at(-1);
    expect(sent).toMatchObject({ direction: 'outbound', text: reply, externalId: expect.stringMatching(/^wamid\./) });
    // WhatsApp reports the delivery by webhook; the case view shows the latest status
    let status: string | undefined;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && status !== 'read') {
      await new Promise((r) => setTimeout(r, 500));
      status = (await api(`/api/v1/cases/${open.id}`)).body.messages.at(-1).delivery?.status;
    }
    expect(status).toBe('read');
    await page.reload();
    await page.waitForSelector('.message.outbound .delivery-read');
  });

  it("shows the API's message when a call fails", async () => {
    await page.goto(`${base}/#/case/000000000000000000000000`);
    const res = await t.as(TEST_ADMIN_KEY).get('/api/v1/cases/000000000000000000000000');
    expect(res.status).toBeGreaterThanOrEqual(400);
    await page.waitForSelector('.banner.error');
    expect(await page.textContent('.banner.error .banner-message')).toContain(String(res.body.message));
  });

  it('has the per-agent and per-team tables and works in Portuguese on a phone', async () => {
    await page.goto(`${base}/#/agents`);
    await page.waitForSelector('#agents-table tbody tr');
    expect(await page.locator('#agents-table tbody tr').count()).toBe(3);
    expect(await page.locator('#teams-table tbody tr').count()).toBeGreaterThanOrEqual(3);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.click('.lang-switch button[data-lang="pt"]');
    await page.goto(`${base}/#/overview`);
    await page.waitForSelector('.tile[data-kpi="volume.mentions"] .tile-value');
    expect(await page.textContent('nav.tabs a[data-nav="inbox"]')).toBe('Caixa de entrada');
    expect(await page.textContent('.tile[data-kpi="volume.mentions"] .tile-label')).toBe('Menções');
    // Nothing wider than the phone's screen.
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot('phone-overview');
    await page.evaluate(() => (globalThis as any).localStorage.removeItem('ouvidor.lang'));
  });

  it('ran without script errors or CSP violations', () => {
    // The failed calls the test provoked on purpose (a wrong key, a missing case) are logged by the browser.
    expect(pageErrors.filter((e) => !/Failed to load resource: the server responded with a status of 40[14]/.test(e))).toEqual([]);
  });
});
