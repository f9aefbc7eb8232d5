import * as dnsPacket from 'dns-packet';
import { createSocket, Socket } from 'node:dgram';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { verifyWebhook } from '../src/common/signed-webhooks';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { waitUntil } from './support/waiting';

/**
 * SSRF (SECURITY.md, "Outbound requests"): a workspace admin chooses the alert webhook URL, so the service must not be
 * made to call its own loopback, private networks or the cloud metadata service, through an
 * address, a name that resolves to one, or a redirect. The service runs with the default policy
 * plus one allowlisted address, 127.0.0.2, that stands for "a public receiver"; a DNS server in
 * the test answers for the public-looking names.
 */

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** An HTTP server that records what reaches it and answers with `answer`. */
async function receiver(host: string, answer: (res: import('node:http').ServerResponse) => void) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      answer(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return { server, received, port: (server.address() as AddressInfo).port };
}

/** A DNS server on UDP answering A records from `names` (and no AAAA); any other name is NXDOMAIN. */
async function dnsServer(names: Record<string, string>): Promise<{ socket: Socket; port: number; queries: string[] }> {
  const socket = createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (msg, rinfo) => {
    const query = dnsPacket.decode(msg);
    const question = query.questions?.[0];
    if (!question) return;
    queries.push(`${question.type} ${question.name}`);
    const address = names[question.name.toLowerCase()];
    const answers = address && question.type === 'A' ? [{ type: 'A' as const, name: question.name, ttl: 1, data: address }] : [];
    const response = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (address ? 0 : 3), // rcode 3: NXDOMAIN
      questions: query.questions,
      answers,
    });
    socket.send(response, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return { socket, port: socket.address().port, queries };
}

describe('Outbound requests go only where they may (e2e)', () => {
  let t: TestApp;
  let dns: Awaited<ReturnType<typeof dnsServer>>;
  let internal: Awaited<ReturnType<typeof receiver>>;
  let publicHook: Awaited<ReturnType<typeof receiver>>;
  let redirector: Awaited<ReturnType<typeof receiver>>;
  let key: string;
  let secret: string;

  beforeAll(async () => {
    // what an attacker wants to reach: a service on the installation's loopback
    internal = await receiver('127.0.0.1', (res) => res.writeHead(200).end('internal secrets'));
    publicHook = await receiver('127.0.0.2', (res) => res.writeHead(200).end('ok'));
    redirector = await receiver('127.0.0.2', (res) => res.writeHead(302, { Location: `http://127.0.0.1:${internal.port}/stolen` }).end());
    dns = await dnsServer({ 'hooks.example.com': '127.0.0.1', 'receiver.example.com': '127.0.0.2' });
    t = await startTestApp({}, { OUTBOUND_DNS_SERVERS: `127.0.0.1:${dns.port}`, OUTBOUND_ALLOWED_CIDRS: '127.0.0.2/32' });
    const created = (
      await t.as(TEST_ADMIN_KEY).post('/api/v1/workspaces').send({ name: 'Outbound', timezone: 'UTC', currency: 'USD' }).expect(201)
    ).body;
    key = created.apiKey.key;
    secret = created.webhookSecret;
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([internal, publicHook, redirector].map((r) => r && new Promise((done) => r.server.close(done))));
    dns?.socket.close();
  });

  const ws = () => t.as(key);
  const setWebhook = (url: string) =>
    ws()
      .patch('/api/v1/workspaces/current')
      .send({ settings: { webhook: { url } } });

  /** A CSAT response of 1 raises a follow-up alert, delivered to the webhook as it is then; the alert's id. */
  async function raiseAlert(comment: string): Promise<string> {
    await ws()
      .post('/api/v1/surveys/responses')
      .send({ type: 'csat', score: 1, respondedAt: new Date().toISOString(), comment })
      .expect(200);
    expect((await t.as(TEST_ADMIN_KEY).post('/api/v1/alerts/check').send({}).expect(200)).body.raised).toBe(1);
    const alerts = (await ws().get('/api/v1/alerts?type=csat_follow_up').expect(200)).body.data as { id: string; message: string }[];
    return alerts.find((a) => a.message.includes(comment))!.id;
  }

  async function deliveryOf(alertId: string, done: (d: { status: string; lastError: string | null; attempts: number }) => boolean) {
    let delivery: { status: string; lastError: string | null; attempts: number } = { status: '', lastError: null, attempts: 0 };
    await waitUntil(
      `alert ${alertId}'s delivery settles`,
      async () => {
        delivery = (await ws().get(`/api/v1/alerts/${alertId}`).expect(200)).body.delivery;
        return done(delivery);
      },
      { timeoutMs: 10_000, detail: () => JSON.stringify(delivery) },
    );
    return delivery;
  }

  it.each([
    ['loopback', `http://127.0.0.1:6379/`],
    ['IPv6 loopback', 'http://[::1]/'],
    ['decimal loopback', 'http://2130706433/'],
    ['hex loopback', 'http://0x7f.1/'],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]:8080/'],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/iam/security-credentials/'],
    ['AWS IPv6 metadata', 'http://[fd00:ec2::254]/latest/meta-data/'],
    ['RFC 1918', 'http://10.0.0.1/hook'],
    ['unspecified', 'http://0.0.0.0:3000/'],
    ['localhost', 'http://localhost:3000/hook'],
    ['a .localhost name', 'http://admin.localhost/'],
    ['a .internal name', 'http://metadata.google.internal/computeMetadata/v1/'],
    ['a .local name', 'http://printer.local/'],
    ['a name without a TLD', 'http://intranet/hook'],
    ['userinfo', 'https://user:pass@hooks.example.com/'],
  ])('PATCH refuses a webhook at %s with a 400 naming settings.webhook.url, and stores nothing', async (_what, url) => {
    const before = (await ws().get('/api/v1/workspaces/current').expect(200)).body.settings.webhook;
    const res = await setWebhook(url).expect(400);
    expect(JSON.stringify(res.body.message)).toMatch(/settings\.webhook\.url /);
    expect((await ws().get('/api/v1/workspaces/current').expect(200)).body.settings.webhook).toEqual(before);
  });

  it('a public-looking host that resolves to 127.0.0.1 is accepted when saved and refused at delivery: the internal service gets nothing', async () => {
    await setWebhook(`http://hooks.example.com:${internal.port}/hook`).expect(200);
    const id = await raiseAlert('resolves to loopback');
    const delivery = await deliveryOf(id, (d) => d.status === 'failed');
    expect(delivery).toMatchObject({ status: 'failed', lastError: 'refused: the address is not allowed', attempts: 1 });
    expect(dns.queries).toContain('A hooks.example.com');
    expect(internal.received).toHaveLength(0);
    // what the tenant sees in the list says no more
    const listed = (await ws().get('/api/v1/alerts').expect(200)).body.data.find((a: { id: string }) => a.id === id);
    expect(listed.delivery.lastError).toBe('refused: the address is not allowed');
  });

  it('a redirect to 127.0.0.1 is not followed: the delivery fails with the status only', async () => {
    await setWebhook(`http://127.0.0.2:${redirector.port}/hook`).expect(200);
    const id = await raiseAlert('redirected');
    const delivery = await deliveryOf(id, (d) => d.attempts >= 1);
    expect(delivery).toMatchObject({ status: 'pending', lastError: 'failed: HTTP 302' });
    expect(redirector.received.length).toBeGreaterThanOrEqual(1);
    expect(internal.received).toHaveLength(0);
  });

  it('a closed port and a refused connection read the same to the tenant: "failed: could not connect"', async () => {
    const closed = await receiver('127.0.0.2', (res) => res.end());
    const port = closed.port;
    await new Promise((r) => closed.server.close(r));
    await setWebhook(`http://127.0.0.2:${port}/hook`).expect(200);
    const id = await raiseAlert('closed port');
    expect(await deliveryOf(id, (d) => d.attempts >= 1)).toMatchObject({ lastError: 'failed: could not connect' });
  });

  it('a public receiver (by name, resolved by the service) gets the alert, signed with the workspace secret', async () => {
    await setWebhook(`http://receiver.example.com:${publicHook.port}/hook`).expect(200);
    const id = await raiseAlert('signed delivery');
    expect(await deliveryOf(id, (d) => d.status === 'delivered')).toMatchObject({ status: 'delivered', lastError: null, attempts: 1 });
    const got = publicHook.received.filter((r) => JSON.parse(r.body.toString()).alert.id === id);
    expect(got).toHaveLength(1);
    const [hit] = got;
    expect(hit.path).toBe('/hook');
    expect(hit.headers.host).toBe(`receiver.example.com:${publicHook.port}`);
    expect(JSON.parse(hit.body.toString()).text).toMatch(/signed delivery/);
    const check = verifyWebhook(secret, hit.body, {
      signature: String(hit.headers['x-signature']),
      timestamp: String(hit.headers['x-signature-timestamp']),
    });
    expect(check.ok).toBe(true);
    // the signature covers the body: one byte changed and it no longer verifies
    expect(
      verifyWebhook(secret, Buffer.concat([hit.body, Buffer.from(' ')]), {
        signature: String(hit.headers['x-signature']),
        timestamp: String(hit.headers['x-signature-timestamp']),
      }).ok,
    ).toBe(false);
    expect(internal.received).toHaveLength(0);
  });
});

describe('An installation that allows internal targets (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({}, { OUTBOUND_ALLOW_PRIVATE: 'true' });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('accepts loopback, private and internal names, never the metadata service', async () => {
    const patch = (url: string) =>
      t
        .as(TEST_ADMIN_KEY)
        .patch('/api/v1/workspaces/current')
        .send({ settings: { webhook: { url } } });
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://10.0.0.1/hook',
      'http://localhost:3000/hook',
      'http://alerts.internal/hook',
      'http://intranet/hook',
    ]) {
      await patch(url).expect(200);
    }
    const res = await patch('http://169.254.169.254/latest/meta-data/').expect(400);
    expect(JSON.stringify(res.body.message)).toMatch(/settings\.webhook\.url must not point at a cloud metadata address/);
  });
});
