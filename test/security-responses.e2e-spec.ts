import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { XApiEmulator } from '../src/demo/networks/x/x-api-emulator';
import { DASHBOARD_CSP } from '../src/dashboard/dashboard.controller';
import { createWorkspace, TestWorkspace } from './fixtures/inputs/workspaces';
import { CHROMIUM, chromiumAvailable, launchChromium } from './support/browser';
import { SERVICE_ADMIN_KEY, ServiceProcess, startServiceProcess } from './support/service-process';
import { startTestApp, TestApp } from './support/test-app';
import { startXTestServer, X_TEST_TOKEN } from './support/x-test-server';

/**
 * SECURITY.md, "CSV exports" and "Least privilege in responses", as an attacker would try them: formulas smuggled into CSV exports, an
 * agent key reading the webhook URL, a survey naming another workspace's case, a CSV header
 * naming `__proto__`, and the headers and error messages that tell too much.
 */

/** The texts OWASP's CSV-injection rule is about: each would run as a formula in a spreadsheet. */
const HOSTILE = ['=HYPERLINK("http://x","y")', '+1', '-2+3', '@SUM(A1)', '\tcmd'];
const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;
const SLACK_URL = 'https://hooks.slack.com/services/T000/B000/secret-slack-token';

/** Every cell of a CSV file read as text (header included), as a spreadsheet would see them. */
const cellsOf = (csv: string): string[] => {
  const rows: string[][] = parse(csv, { bom: true, relax_column_count: false });
  return rows.flat();
};

describe('Security: safe CSV exports and least privilege in responses (e2e)', () => {
  let x: XApiEmulator;
  let t: TestApp;
  let a: TestWorkspace;
  let b: TestWorkspace;
  let caseOfA: string;

  beforeAll(async () => {
    const started = await startXTestServer();
    x = started.server;
    t = await startTestApp({
      careScanIntervalSeconds: 3600,
      alertScanIntervalSeconds: 3600,
      x: { bearerToken: X_TEST_TOKEN, apiBaseUrl: started.baseUrl, monthlyReadCap: 0 },
    });
    a = await createWorkspace(t, 'Lumi');
    b = await createWorkspace(t, 'Rival');

    const now = Date.now();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000);
    x.addUser({ id: '100', username: 'lumi_br', public_metrics: { followers_count: 5000 } });
    x.addUser({ id: '200', username: 'mallory', public_metrics: { followers_count: 10 } });
    x.addUser({ id: '201', username: 'bia', public_metrics: { followers_count: 10 } });
    HOSTILE.forEach((text, i) => {
      x.addTweet({ author_username: 'mallory', text: `${text} lumi`, created_at: at(60 - i) });
      x.addTweet({ author_username: 'lumi_br', text: `${text} novidade da lumi`, created_at: at(50 - i) });
    });
    x.addTweet({ author_username: 'bia', text: '@lumi_br meu cartão foi bloqueado, preciso de ajuda', created_at: at(30) });

    const topic = await t
      .as(a.key)
      .post('/api/v1/topics')
      .send({ name: 'Lumi', query: '(lumi OR @lumi_br)', platforms: ['x'], ownedAccounts: [{ platform: 'x', handle: 'lumi_br' }] })
      .expect(201);
    await t.as(a.key).post(`/api/v1/topics/${topic.body.id}/collect`).expect(200);

    const cases = (await t.as(a.key).get('/api/v1/cases').expect(200)).body.data as { id: string; customer: { handle: string } }[];
    caseOfA = cases.find((c) => c.customer.handle === 'bia')!.id;
    await t.as(a.key).post('/api/v1/teams').send({ name: '@SUM(A1)' }).expect(201);
    await t.as(a.key).patch(`/api/v1/cases/${caseOfA}`).send({ team: '@SUM(A1)' }).expect(200);

    const hostileMentions = (await t.as(a.key).get('/api/v1/mentions?limit=200').expect(200)).body.data as { id: string; text: string }[];
    for (const m of hostileMentions.filter((m) => m.text.includes('lumi') && FORMULA_START.test(m.text))) {
      await t.as(a.agentKey).patch(`/api/v1/mentions/${m.id}`).send({ sentiment: 'negative' }).expect(200);
    }
    await t
      .as(a.key)
      .post('/api/v1/leads')
      .send(
        HOSTILE.map((text, i) => ({
          occurredAt: at(10 + i).toISOString(),
          utmSource: text,
          utmMedium: text,
          utmCampaign: text,
          value: 10 + i,
        })),
      )
      .expect(200);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await x?.stop();
  });

  describe('CSV exports (formula injection)', () => {
    it.each(['mentions', 'cases', 'posts', 'leads', 'corrections'])(
      '%s.csv has no cell a spreadsheet would run as a formula',
      async (name) => {
        const res = await t
          .as(a.key)
          .get(`/api/v1/exports/${name}.csv`)
          .buffer(true)
          .parse((r, done) => {
            let text = '';
            r.setEncoding('utf8');
            r.on('data', (c: string) => (text += c));
            r.on('end', () => done(null, text));
          })
          .expect(200);
        const cells = cellsOf(res.body as string);
        expect(cells.length).toBeGreaterThan(20);
        const formulas = cells.filter((c) => FORMULA_START.test(c) && !NUMBER.test(c));
        expect(formulas).toEqual([]);
        // The attack reached the file, defused: the hostile text is there behind a single quote.
        const defused = cells.filter((c) => /^'[=+\-@\t]/.test(c));
        expect(defused.length).toBeGreaterThan(0);
      },
    );

    it('keeps the hostile text whole behind the quote, and numbers as numbers', async () => {
      const leads = cellsOf((await t.as(a.key).get('/api/v1/exports/leads.csv').expect(200)).text);
      expect(leads).toEqual(expect.arrayContaining([`'=hyperlink("http://x","y")`, "'+1", "'-2+3", "'@sum(a1)", '10', '14']));
      const mentions = cellsOf((await t.as(a.key).get('/api/v1/exports/mentions.csv').expect(200)).text);
      expect(mentions).toEqual(expect.arrayContaining([`'=HYPERLINK("http://x","y") lumi`, "'+1 lumi", "'-2+3 lumi", "'@SUM(A1) lumi"]));
      const cases = cellsOf((await t.as(a.key).get('/api/v1/exports/cases.csv').expect(200)).text);
      expect(cases).toContain("'@SUM(A1)");
    });
  });

  describe('least privilege in responses', () => {
    beforeAll(async () => {
      await t
        .as(a.key)
        .patch('/api/v1/workspaces/current')
        .send({ settings: { webhook: { url: SLACK_URL } } })
        .expect(200);
    });

    it('an admin key reads the webhook URL; analyst and agent keys never see it', async () => {
      expect((await t.as(a.key).get('/api/v1/workspaces/current').expect(200)).body.settings.webhook).toEqual({ url: SLACK_URL });
      for (const key of [a.agentKey, a.analystKey]) {
        const res = await t.as(key).get('/api/v1/workspaces/current').expect(200);
        expect(res.text).not.toContain('secret-slack-token');
        expect(res.body.settings).not.toHaveProperty('webhook');
        expect(res.body.settings.sla.firstResponseSeconds).toBe(7200);
      }
    });

    it('no GET of the API shows an agent key the webhook URL or the webhook secret', async () => {
      const paths = Object.keys((await t.http().get('/docs/json').expect(200)).body.paths as Record<string, unknown>).filter(
        (p) => !p.includes('{') && !p.endsWith('/stream'),
      );
      expect(paths.length).toBeGreaterThan(30);
      const checked: string[] = [];
      for (const path of paths) {
        const res = await t.as(a.agentKey).get(path);
        if (res.status === 404 || res.status === 405) continue;
        expect([path, res.text.includes('secret-slack-token'), res.text.includes(a.webhookSecret)]).toEqual([path, false, false]);
        checked.push(path);
      }
      expect(checked).toEqual(
        expect.arrayContaining(['/api/v1/workspaces/current', '/api/v1/alerts', '/api/v1/agents', '/api/v1/collectors/status']),
      );
    });

    it("refuses a survey response naming another workspace's case (400 naming caseId), storing nothing", async () => {
      const count = async (ws: TestWorkspace) =>
        ((await t.as(ws.key).get('/api/v1/surveys/responses?limit=200').expect(200)).body.data as unknown[]).length;
      const before = await count(b);
      const res = await t
        .as(b.key)
        .post('/api/v1/surveys/responses')
        .send({ type: 'csat', score: 1, respondedAt: new Date().toISOString(), caseId: caseOfA, comment: 'x' })
        .expect(400);
      expect(res.body.message).toEqual([`caseId ${caseOfA} is not a case of this workspace`]);
      expect(await count(b)).toBe(before);
      await t.as(b.key).post('/api/v1/surveys/sends').send({ type: 'csat', sentAt: new Date().toISOString(), caseId: caseOfA }).expect(400);

      const batch = await t
        .as(b.key)
        .post('/api/v1/surveys/responses')
        .send([
          { type: 'csat', score: 4, respondedAt: new Date().toISOString() },
          { type: 'csat', score: 1, respondedAt: new Date().toISOString(), caseId: caseOfA },
        ])
        .expect(200);
      expect(batch.body).toMatchObject({
        stored: 1,
        rejected: [{ index: 1, errors: [`caseId ${caseOfA} is not a case of this workspace`] }],
      });
      expect(await count(b)).toBe(before + 1);

      // The case's own workspace may name it.
      await t
        .as(a.key)
        .post('/api/v1/surveys/responses')
        .send({ type: 'csat', score: 5, respondedAt: new Date().toISOString(), caseId: caseOfA })
        .expect(200);
    });

    it("refuses a routing rule naming another workspace's agent (400 naming the field), changing nothing", async () => {
      const agentOfA = (await t.as(a.key).post('/api/v1/agents').send({ name: 'Ana' }).expect(201)).body.id as string;
      const before = (await t.as(b.key).get('/api/v1/workspaces/current').expect(200)).body.settings.routingRules;
      const res = await t
        .as(b.key)
        .patch('/api/v1/workspaces/current')
        .send({
          settings: {
            routingRules: [
              { keyword: 'cartão', team: 'cards' },
              { keyword: 'fatura', team: 'billing', agentId: agentOfA },
            ],
          },
        })
        .expect(400);
      expect(res.body.message).toEqual([`settings.routingRules.1.agentId must be an agent of this workspace (got ${agentOfA})`]);
      expect((await t.as(b.key).get('/api/v1/workspaces/current').expect(200)).body.settings.routingRules).toEqual(before);
      await t
        .as(a.key)
        .patch('/api/v1/workspaces/current')
        .send({ settings: { routingRules: [{ keyword: 'fatura', team: 'billing', agentId: agentOfA }] } })
        .expect(200);
    });

    it.each(['__proto__', 'constructor', 'toString'])(
      'refuses a CSV upload whose header names %s (400 naming the column), storing nothing',
      async (column) => {
        const before = (await t.as(a.key).get('/api/v1/leads?limit=200').expect(200)).body.data.length;
        const csv = `occurredAt,utmSource,${column}\n2026-03-01T12:00:00Z,site,"{""polluted"":true}"\n`;
        const res = await t.as(a.key).post('/api/v1/leads/import').attach('file', Buffer.from(csv), 'leads.csv').expect(400);
        expect(res.body.message).toMatch(new RegExp(`^unknown column\\(s\\): ${column};`));
        const surveys = await t
          .as(a.key)
          .post('/api/v1/surveys/responses/import')
          .attach('file', Buffer.from(`type,score,respondedAt,${column}\ncsat,5,2026-03-01T12:00:00Z,1\n`), 'r.csv')
          .expect(400);
        expect(surveys.body.message).toMatch(new RegExp(`unknown column\\(s\\): ${column};`));
        expect((await t.as(a.key).get('/api/v1/leads?limit=200').expect(200)).body.data.length).toBe(before);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      },
    );
  });

  describe('headers and error messages', () => {
    it('sends security headers and no X-Powered-By on the API, errors and the dashboard', async () => {
      for (const res of [
        await t.http().get('/health').expect(200),
        await t.as(a.key).get('/api/v1/workspaces/current').expect(200),
        await t.http().get('/api/v1/workspaces/current').expect(401),
        await t.http().get('/nothing-here').expect(404),
      ]) {
        expect(res.headers['x-powered-by']).toBeUndefined();
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
        expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'self'/);
        expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
        expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      }
      const page = await t.http().get('/').expect(200);
      expect(page.headers['x-powered-by']).toBeUndefined();
      expect(page.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    });

    it('the API documentation page still works in a browser under the security headers', async () => {
      if (!chromiumAvailable()) throw new Error(`CI must install Chromium at ${CHROMIUM} (.ci/run does, from Debian)`);
      const { port } = t.app.getHttpServer().address() as { port: number };
      const chromium = await launchChromium();
      try {
        const page = await chromium.browser.newPage();
        const problems: string[] = [];
        page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
        page.on('console', (m) => {
          if (m.type() === 'error' && !/validator\.swagger\.io/.test(m.text())) problems.push(`console: ${m.text()}`);
        });
        await page.goto(`http://127.0.0.1:${port}/docs`);
        await page.waitForSelector('.swagger-ui .opblock-tag', { timeout: 15_000 });
        expect(await page.locator('.swagger-ui .opblock-tag').count()).toBeGreaterThan(5);
        expect(problems).toEqual([]);
      } finally {
        await chromium.close();
      }
    }, 30_000);

    it.each([
      ['an unknown route', '/api/v1/nothing?access_token=ouv_secret-in-query&x=1', 404],
      ['a route that takes no query key', '/api/v1/workspaces/current?access_token=ouv_secret-in-query', 401],
      ['an export with a bad query key', '/api/v1/exports/mentions.csv?access_token=ouv_secret-in-query', 401],
      ['a bad filter', '/api/v1/mentions?key=ouv_secret-in-query&limit=many', 400],
    ])('%s: the error never echoes the query string', async (_what, url, status) => {
      const res = await (status === 400 ? t.as(a.key).get(url) : t.http().get(url)).expect(status);
      expect(res.text).not.toContain('secret-in-query');
      expect(res.body).toMatchObject({ statusCode: status });
    });

    it.each(['/api/v1/mentions/stream', '/api/v1/alerts/stream'])(
      '%s refuses even a valid key in the query (streams take the Authorization header only)',
      async (path) => {
        await t.http().get(`${path}?access_token=${a.key}`).expect(401);
      },
    );

    it('the 404 still names the method and path', async () => {
      const res = await t.http().get('/api/v1/nothing?access_token=secret').expect(404);
      expect(res.body.message).toBe('Cannot GET /api/v1/nothing');
      expect(res.text).not.toContain('secret');
    });
  });

  describe('request logs', () => {
    let service: ServiceProcess;
    let dataDir: string;
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'ouvidor-logs-'));
      service = await startServiceProcess({ DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    }, 60_000);
    afterAll(async () => {
      await service?.kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('mask the Authorization header and key-bearing query parameters', async () => {
      await service.api('/api/v1/mentions?key=ouv_logged-key-param&limit=1');
      await fetch(`http://127.0.0.1:${service.port}/api/v1/exports/mentions.csv?access_token=ouv_logged-query-token`);
      await fetch(`http://127.0.0.1:${service.port}/nothing?token=ouv_logged-other-token`);
      const deadline = Date.now() + 5_000;
      while (!service.output().includes('/nothing?token=***') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const logs = service.output();
      expect(logs).toContain('/nothing?token=***');
      expect(logs).toContain('access_token=***');
      expect(logs).toContain('key=***');
      for (const secret of ['ouv_logged-key-param', 'ouv_logged-query-token', 'ouv_logged-other-token', SERVICE_ADMIN_KEY])
        expect(logs).not.toContain(secret);
    });
  });
});
