import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { simpleParser, ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { XApiEmulator } from '../src/demo/networks/x/x-api-emulator';
import { DigestClock } from '../src/digests/digest-clock';
import { DigestDelivery } from '../src/digests/digest-delivery.service';
import { DigestScheduler } from '../src/digests/digest-scheduler';
import { LinkSigner } from '../src/workspaces/auth/link-signer';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { X_TEST_TOKEN } from './support/x-test-server';

/**
 * A weekly digest for Monday 08:00 America/Sao_Paulo (UTC−3) over a seeded week, on a controlled
 * clock (DigestClock), to a real SMTP server that records what it accepts and refuses one address
 * with a 550. The week reported is [Mon 23 Nov, Mon 30 Nov 2026) local.
 */
const TZ = 'America/Sao_Paulo';
const WEEK_FROM = '2026-11-23T03:00:00.000Z';
const WEEK_TO = '2026-11-30T03:00:00.000Z';
const DUE = new Date('2026-11-30T11:00:00.000Z'); // Monday 08:00 in São Paulo
const MINUTE = 60_000;

let clock = new Date('2026-11-29T15:00:00.000Z');
jest.spyOn(DigestClock.prototype, 'now').mockImplementation(() => new Date(clock));

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Received {
  to: string[];
  mail: ParsedMail;
}

describe('Digests: scheduled, once per period, to a real SMTP server (e2e)', () => {
  const received: Received[] = [];
  const slackPosts: { text: string; blocks: { type: string; text?: { text: string } }[] }[] = [];
  let slack: Server;
  let smtp: SMTPServer;
  let smtpPort: number;
  let x: XApiEmulator;
  let xBase: string;
  let dataDir: string;
  let t: TestApp;
  let key: string;
  let digestId: string;
  const ws = () => t.as(key);

  const start = () =>
    startTestApp({
      dataDir,
      careScanIntervalSeconds: 3600,
      alertScanIntervalSeconds: 3600,
      x: { bearerToken: X_TEST_TOKEN, apiBaseUrl: xBase, monthlyReadCap: 0 },
      outbound: { allowedCidrs: ['127.0.0.1/32'] },
      digest: {
        smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
        from: 'Ouvidor <digests@ouvidor.test>',
        linkBaseUrl: 'https://ouvidor.example/',
        scanIntervalSeconds: 3600,
      },
    });

  const runsOf = async (id: string) => (await ws().get(`/api/v1/digests/${id}/runs`).expect(200)).body as any[];

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(address, _session, cb) {
        if (address.address.startsWith('bounce@')) {
          const err = new Error('5.1.1 mailbox unavailable') as Error & { responseCode: number };
          err.responseCode = 550;
          return cb(err);
        }
        cb();
      },
      onData(stream, session, cb) {
        simpleParser(stream, { keepCidLinks: true })
          .then((mail) => {
            received.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
            cb();
          })
          .catch(cb);
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as AddressInfo).port;

    // the workspace's Slack-compatible webhook, reached through the outbound client
    slack = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const json = JSON.parse(body);
        if (json.blocks) slackPosts.push(json);
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => slack.listen(0, '127.0.0.1', resolve));

    const dir = join(__dirname, 'fixtures', 'tls');
    // The data's clock: the search window ends on Monday morning, after the week.
    x = new XApiEmulator({
      tls: { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') },
      bearerToken: X_TEST_TOKEN,
      host: '127.0.0.1',
      now: () => new Date('2026-11-30T09:00:00.000Z'),
    });
    xBase = (await x.start()).baseUrl.replace('127.0.0.1', 'localhost');
    dataDir = mkdtempSync(join(tmpdir(), 'ouvidor-digests-'));
    t = await start();

    const created = await t
      .as(TEST_ADMIN_KEY)
      .post('/api/v1/workspaces')
      .send({ name: 'Lumi BR', timezone: TZ, currency: 'BRL' })
      .expect(201);
    key = created.body.apiKey.key;
    await ws()
      .patch('/api/v1/workspaces/current')
      .send({ settings: { webhook: { url: `http://127.0.0.1:${(slack.address() as AddressInfo).port}/hook` } } })
      .expect(200);
    ['ana', 'john', 'bia', 'caio', 'duda'].forEach((u, i) => x.addUser({ id: String(300 + i), username: u }));
    const at = (iso: string) => new Date(iso);
    x.addTweet({ author_username: 'ana', text: 'Adoro a Lumi, atendimento excelente!', created_at: at('2026-11-24T12:00:00Z') });
    x.addTweet({ author_username: 'john', text: 'I love Lumi, best bank app ever!', created_at: at('2026-11-25T14:00:00Z') });
    x.addTweet({ author_username: 'bia', text: 'A Lumi cobrou a tarifa duas vezes, que horror', created_at: at('2026-11-26T18:00:00Z') });
    x.addTweet({ author_username: 'caio', text: 'Vi um anúncio da Lumi no metrô hoje', created_at: at('2026-11-27T20:00:00Z') });
    x.addTweet({ author_username: 'duda', text: 'lumi é ótima, recomendo muito', created_at: at('2026-11-29T01:30:00Z') });
    const topic = await ws()
      .post('/api/v1/topics')
      .send({ name: 'Lumi', query: 'lumi', platforms: ['x'] })
      .expect(201);
    expect((await ws().post(`/api/v1/topics/${topic.body.id}/collect`).expect(200)).body.mentions).toBe(5);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await x?.stop();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await new Promise((resolve) => slack?.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a schedule that breaks a rule with a 400 naming the field, and stores nothing', async () => {
    const base = {
      name: 'x',
      recipients: { emails: ['a@lumi.test'] },
      frequency: 'weekly',
      weekday: 1,
      time: '08:00',
      sections: ['listening'],
    };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...base, weekday: undefined }, /weekday/],
      [{ ...base, time: '8am' }, /time/],
      [{ ...base, sections: ['horoscope'] }, /sections/],
      [{ ...base, recipients: { emails: [] } }, /recipients/],
      [{ ...base, recipients: { emails: ['not-an-email'] } }, /emails/],
      [{ ...base, frequency: 'monthly' }, /monthDay/],
      [{ ...base, tz: 'Mars/Olympus' }, /tz/],
      [{ ...base, topics: [{ $gt: '' }] }, /topics|\$/],
    ];
    for (const [body, message] of cases) {
      const res = await ws().post('/api/v1/digests').send(body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.message)).toMatch(message);
    }
    expect((await ws().get('/api/v1/digests').expect(200)).body).toEqual([]);
  });

  it('sends the weekly digest once, at Monday 08:00 local, with the overview’s numbers and its charts', async () => {
    const created = await ws()
      .post('/api/v1/digests')
      .send({
        name: 'Lumi weekly',
        recipients: { emails: ['ana@lumi.test', 'bob@lumi.test', 'bounce@lumi.test'], slack: true },
        frequency: 'weekly',
        weekday: 1,
        time: '08:00',
        language: 'en',
        sections: ['listening', 'engagement', 'leads', 'deflection', 'care', 'surveys'],
      })
      .expect(201);
    digestId = created.body.id;
    expect(created.body).toMatchObject({ tz: TZ, nextRunAt: DUE.toISOString(), enabled: true });

    clock = new Date(DUE.getTime() - MINUTE); // 07:59 local
    expect(await t.app.get(DigestScheduler).tick()).toBe(0);
    clock = DUE;
    expect(await t.app.get(DigestScheduler).tick()).toBe(1);
    const [run] = await until('the run to finish', async () => {
      const runs = await runsOf(digestId);
      return runs.length && runs[0].status !== 'sending' ? runs : null;
    });
    expect(run).toMatchObject({
      period: '2026-11-23/2026-11-30',
      from: WEEK_FROM,
      to: WEEK_TO,
      late: false,
      manual: false,
      status: 'partial',
    });
    const byAddress = Object.fromEntries(run.recipients.map((r: any) => [r.address, r]));
    expect(byAddress['ana@lumi.test'].status).toBe('sent');
    expect(byAddress['bob@lumi.test'].status).toBe('sent');
    expect(byAddress['bounce@lumi.test']).toMatchObject({ status: 'refused' });
    expect(byAddress['bounce@lumi.test'].error).toMatch(/550/);
    expect(byAddress.webhook).toMatchObject({ kind: 'slack', status: 'sent' });
    expect(slackPosts).toHaveLength(1);
    expect(slackPosts[0].text).toBe(run.subject);
    expect(slackPosts[0].blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Lumi weekly' } });
    expect(slackPosts[0].blocks.map((b) => b.text?.text ?? '').join('\n')).toContain('Mentions: *5*');

    expect(received.map((r) => r.to).sort()).toEqual([['ana@lumi.test'], ['bob@lumi.test']]);
    const overview = (await ws().get('/api/v1/reports/overview').query({ from: WEEK_FROM, to: WEEK_TO, tz: TZ }).expect(200)).body;
    expect(overview.trends['volume.mentions'].value).toBe(5);
    for (const { mail } of received) {
      expect(mail.subject).toBe(run.subject);
      expect(mail.subject).toBe('Lumi weekly: Nov 23 – Nov 29, 2026');
      expect(mail.from?.value).toEqual([{ name: 'Ouvidor', address: 'digests@ouvidor.test' }]);
      expect(mail.text).toContain('Mentions: 5');
      const html = String(mail.html);
      const values = [...html.matchAll(/<tr data-kpi="([^"]+)">.*?data-value="([^"]*)"/g)].map(([, kpi, v]) => [kpi, v]);
      expect(values.length).toBeGreaterThan(20);
      for (const [kpi, v] of values) {
        const expected = overview.trends[kpi].value;
        expect([kpi, v === '' ? null : Number(v)]).toEqual([kpi, expected]);
      }
      const cids = [...html.matchAll(/src="cid:([^"]+)"/g)].map((m) => m[1]);
      expect(cids.length).toBeGreaterThanOrEqual(6);
      const images = mail.attachments.filter((a) => a.contentType === 'image/png');
      expect(images.map((a) => a.cid).sort()).toEqual([...cids].sort());
      for (const img of images) expect(img.content.subarray(1, 4).toString()).toBe('PNG');
      expect(html).toContain(`https://ouvidor.example/api/v1/exports/mentions.csv?from=${encodeURIComponent(WEEK_FROM)}`);
      // Each CSV link is signed for the digest's period and opens without a key for 7 days.
      const csvLinks = [...html.matchAll(/href="(https:\/\/ouvidor\.example\/api\/v1\/exports\/[^"]+)"/g)].map(
        (m) => new URL(m[1].replace(/&amp;/g, '&')),
      );
      expect(csvLinks.length).toBeGreaterThan(5);
      const signer = t.app.get(LinkSigner);
      for (const link of csvLinks) {
        const q = Object.fromEntries(link.searchParams);
        expect(q).toMatchObject({ from: WEEK_FROM, to: WEEK_TO, by: 'digest', exp: String((DUE.getTime() + 7 * 86_400_000) / 1000) });
        expect(q.sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
        const resource = link.pathname.replace(/^\/api\/v1\/exports\/|\.csv$/g, '');
        expect(await signer.verify(resource, q, DUE)).toMatchObject({ ok: true });
        expect(await signer.verify(resource, q, new Date(DUE.getTime() + 7 * 86_400_000))).toMatchObject({ ok: false, reason: 'expired' });
        expect(await signer.verify(resource, { ...q, from: WEEK_TO }, DUE)).toMatchObject({ ok: false, reason: 'mismatch' });
      }
    }

    // the same period again: nothing queued, and the job itself finds the run taken
    clock = new Date(DUE.getTime() + 5 * MINUTE);
    expect(await t.app.get(DigestScheduler).tick()).toBe(0);
    const again = await t.app
      .get(DigestDelivery)
      .process(
        { scheduleId: digestId, period: run.period, from: WEEK_FROM, to: WEEK_TO, dueAt: DUE.toISOString(), late: false, manual: false },
        { attempt: 1, jobId: 'another-instance' },
      );
    expect(again).toEqual({ skipped: true });
    expect(received).toHaveLength(2);
  });

  it('previews the latest complete period with its images inline, and sends it now as a run of its own', async () => {
    const preview = (await ws().post(`/api/v1/digests/${digestId}/preview`).expect(200)).body;
    expect(preview).toMatchObject({ subject: 'Lumi weekly: Nov 23 – Nov 29, 2026', from: WEEK_FROM, to: WEEK_TO });
    expect(preview.html).toContain('src="data:image/png;base64,');
    expect(preview.html).not.toContain('cid:');

    const queued = (await ws().post(`/api/v1/digests/${digestId}/send-now`).expect(202)).body;
    const manual = await until('the manual run', async () =>
      (await runsOf(digestId)).find((r) => r.period === queued.period && r.status !== 'sending'),
    );
    expect(manual).toMatchObject({ manual: true, status: 'partial', from: WEEK_FROM });
    expect(received).toHaveLength(4);
    expect(slackPosts).toHaveLength(2);
  });

  it('sends nothing again across a restart, and sends a run missed while down when back, marked late', async () => {
    const daily = await ws()
      .post('/api/v1/digests')
      .send({
        name: 'Lumi daily',
        recipients: { emails: ['ana@lumi.test'] },
        frequency: 'daily',
        time: '09:00',
        language: 'pt',
        sections: ['listening', 'themes', 'shareOfVoice', 'forecast'],
      })
      .expect(201);
    await t.close();
    // down from 08:10 to 10:00 local: the daily 09:00 run was missed
    clock = new Date('2026-11-30T13:00:00.000Z');
    const before = received.length;
    t = await start();
    const late = await until('the late run', async () => (await runsOf(daily.body.id)).find((r) => r.status === 'sent'));
    expect(late).toMatchObject({ period: '2026-11-29/2026-11-30', late: true });
    expect(await t.app.get(DigestScheduler).tick()).toBe(0);
    expect(received.length).toBe(before + 1);
    const mail = received[received.length - 1].mail;
    expect(String(mail.html)).toContain('data-late="true"');
    for (const section of ['listening', 'themes', 'shareOfVoice', 'forecast'])
      expect(String(mail.html)).toContain(`data-section="${section}"`);
    expect(mail.text).toContain('Temas em alta');
    expect(mail.subject).toMatch(/^Lumi daily: /);
    // the weekly digest: still its one scheduled run and the manual one
    expect((await runsOf(digestId)).filter((r) => !r.manual)).toHaveLength(1);
  });
});
