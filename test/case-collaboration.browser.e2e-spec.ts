import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { chromiumAvailable, CHROMIUM, launchChromiumBrowser } from './support/browser';
import { MASTODON_TEST_TOKEN, MastodonTestServer, startMastodonTestServer } from './support/mastodon-test-server';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { waitUntil } from './support/waiting';

/**
 * Two agents in two browsers on one case (issue 18): each sees the other viewing and typing, live;
 * the second reply to the same customer message while the first is still being sent is refused,
 * and the case view names the colleague. Plus the keyboard: `?` lists the shortcuts, `j` and `a`
 * assign the list's first case to me. Seeds its own case on a local Mastodon, whose answer to the
 * first reply is held back on purpose, so nothing depends on the demo or the time of day.
 */
const CI = !!process.env.CI && process.env.CI !== 'false';
const haveChromium = chromiumAvailable();
if (!haveChromium && !CI) console.warn(`Skipping the collaboration browser test: no Chromium at ${CHROMIUM}.`);
const suite = haveChromium || CI ? describe : describe.skip;

suite('Working together on a case, in two browsers (e2e)', () => {
  let masto: MastodonTestServer;
  let t: TestApp;
  let closeBrowser: () => Promise<void>;
  let base: string;
  let caseId: string;
  const agents: Record<'ana' | 'bruno', { id: string; key: string; context?: BrowserContext; page?: Page }> = {
    ana: { id: '', key: '' },
    bruno: { id: '', key: '' },
  };
  const pageErrors: string[] = [];
  const admin = () => t.as(TEST_ADMIN_KEY);
  const hoursAgo = (h: number) => new Date(Math.floor((Date.now() - h * 3600_000) / 1000) * 1000);
  const page = (who: 'ana' | 'bruno') => agents[who].page!;

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`CI must install Chromium at ${CHROMIUM} (.ci/run does, from Debian)`);
    const started = await startMastodonTestServer();
    masto = started.server;
    masto.addUser({ username: 'lumi', displayName: 'Lumi' });
    masto.addUser({ username: 'john', displayName: 'John', domain: 'other.example' });
    t = await startTestApp({ mastodon: { url: started.baseUrl, accessToken: MASTODON_TEST_TOKEN } });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    await admin().post('/api/v1/teams').send({ name: 'cards' }).expect(201);
    for (const [who, name] of [
      ['ana', 'Ana Lima'],
      ['bruno', 'Bruno Reis'],
    ] as const) {
      agents[who].id = (await admin().post('/api/v1/agents').send({ name, team: 'cards' }).expect(201)).body.id;
      agents[who].key = (await admin().post('/api/v1/api-keys').send({ name, role: 'agent' }).expect(201)).body.key;
    }
    masto.addPost({ author: 'john@other.example', text: 'browsercollab my card is blocked', language: 'en', createdAt: hoursAgo(1) });
    const topic = (
      await admin()
        .post('/api/v1/topics')
        .send({
          name: 'Collab',
          query: 'browsercollab',
          platforms: ['mastodon'],
          ownedAccounts: [{ platform: 'mastodon', handle: 'lumi' }],
        })
        .expect(201)
    ).body as { id: string };
    await admin().post(`/api/v1/topics/${topic.id}/collect`).expect(200);
    const cases = (await admin().get('/api/v1/cases?limit=50').expect(200)).body.data as { id: string }[];
    expect(cases).toHaveLength(1);
    caseId = cases[0].id;

    const launched = await launchChromiumBrowser();
    closeBrowser = launched.close;
    for (const who of ['ana', 'bruno'] as const) {
      const context = await launched.browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
      const p = await context.newPage();
      p.on('pageerror', (e) => pageErrors.push(`${who}: ${e.message}`));
      await p.goto(`${base}/#/inbox`);
      await p.fill('#api-key', agents[who].key);
      await p.click('#signin button[type=submit]');
      await p.waitForSelector('#case-list');
      // this browser works as the agent (kept in the browser, as an agent does once)
      await p.selectOption('#me-agent', agents[who].id);
      Object.assign(agents[who], { context, page: p });
    }
  }, 90_000);

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
    await masto?.stop();
  });

  it('lists the shortcuts under ?, and j then a assign the first case to me', async () => {
    const p = page('ana');
    await p.waitForSelector(`.case-row[data-case-id="${caseId}"]`);
    await p.keyboard.press('?');
    const help = p.locator('#shortcuts-help');
    await help.waitFor();
    expect(await help.textContent()).toMatch(/Keyboard shortcuts[\s\S]*Assign to me[\s\S]*Resolve[\s\S]*Saved reply picker/);
    await p.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    // typing in a field is not a shortcut: "a" in the filters' select does nothing
    await p.focus('#f-team');
    await p.keyboard.press('a');
    expect((await admin().get(`/api/v1/cases/${caseId}`).expect(200)).body.assignee).toBeNull();
    await p.locator('#f-team').blur();
    await p.keyboard.press('j');
    await p.waitForSelector(`.case-row.is-current[data-case-id="${caseId}"]`);
    await p.keyboard.press('a');
    await waitUntil(
      'the case is assigned to Ana',
      async () => (await admin().get(`/api/v1/cases/${caseId}`).expect(200)).body.assignee === agents.ana.id,
      { timeoutMs: 10_000 },
    );
    expect(await p.locator(`.case-row[data-case-id="${caseId}"] select.assign`).inputValue()).toBe(agents.ana.id);
  }, 30_000);

  it('shows each team’s assignment rule and its agents’ presence; an agent key cannot change the rule', async () => {
    await t.as(agents.bruno.key).put(`/api/v1/agents/${agents.bruno.id}/presence`).send({ status: 'online' }).expect(200);
    await admin()
      .put('/api/v1/teams/cards/assignment')
      .send({ mode: 'least_loaded', maxOpenPerAgent: 12, offlineGraceMinutes: 20 })
      .expect(200);
    const p = page('ana');
    await p.goto(`${base}/#/assignment`);
    const card = p.locator('.team-rule[data-team="cards"]');
    await card.waitFor();
    expect(await card.locator('select[name=mode]').inputValue()).toBe('least_loaded');
    expect(await card.locator('input[name=maxOpenPerAgent]').inputValue()).toBe('12');
    expect(await card.locator('input[name=offlineGraceMinutes]').inputValue()).toBe('20');
    expect(await card.textContent()).toContain('1 of 2 agents online');
    expect(await card.locator(`[data-agent-id="${agents.bruno.id}"]`).getAttribute('data-presence')).toBe('online');
    expect(await card.locator(`[data-agent-id="${agents.ana.id}"]`).getAttribute('data-presence')).toBe('offline');
    await card.locator('select[name=mode]').selectOption('round_robin');
    await card.locator('button[type=submit]').click();
    await p.waitForSelector('#banner .banner-message:has-text("needs the role admin")');
    expect((await admin().get('/api/v1/teams/cards/assignment').expect(200)).body.mode).toBe('least_loaded');
  }, 30_000);

  it('shows each agent the other viewing and typing, and names the colleague when a second reply is refused', async () => {
    const ana = page('ana');
    const bruno = page('bruno');
    await ana.goto(`${base}/#/case/${caseId}`);
    await bruno.goto(`${base}/#/case/${caseId}`);
    await ana.waitForSelector('#case-presence .presence.viewing:has-text("Bruno Reis is viewing")', { timeout: 15_000 });
    await bruno.waitForSelector('#case-presence .presence.viewing:has-text("Ana Lima is viewing")', { timeout: 15_000 });
    // nobody is shown their own presence
    expect(await ana.locator('#case-presence').textContent()).not.toContain('Ana Lima');

    await ana.fill('#reply-text', 'Hi John, unblocking your card now.');
    await ana.type('#reply-text', ' ');
    await bruno.waitForSelector('#case-presence .presence.typing:has-text("Ana Lima is typing")', { timeout: 15_000 });

    // Ana's reply is in flight (Mastodon answers it late); Bruno's to the same message is refused
    masto.failNext('create-status', { delayMs: 5_000 });
    await ana.click('#reply-send');
    await waitUntil('Ana’s reply reaches Mastodon', () => masto.requests.some((r) => r.route === 'create-status'), { timeoutMs: 10_000 });
    await bruno.fill('#reply-text', 'Hello John, let me check.');
    await bruno.click('#reply-send');
    const conflict = bruno.locator('#reply-conflict');
    await conflict.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await conflict.textContent()).toContain('Ana Lima is already replying to this message');
    // Bruno's text stays in the box, and only Ana's reply went out
    expect(await bruno.inputValue('#reply-text')).toBe('Hello John, let me check.');
    await ana.waitForSelector('.thread .message.outbound', { timeout: 20_000 });
    expect(masto.requests.filter((r) => r.route === 'create-status')).toHaveLength(1);
    const stored = (await admin().get(`/api/v1/cases/${caseId}`).expect(200)).body;
    expect(stored.outboundCount).toBe(1);
    expect(stored.messages.at(-1)).toMatchObject({ direction: 'outbound', agentId: agents.ana.id });
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
