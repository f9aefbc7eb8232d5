import { createHmac } from 'node:crypto';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { signedWebhookHeaders } from '../src/common/signed-webhooks';
import { createWorkspace, TestWorkspace } from './fixtures/inputs/workspaces';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Attacks on the signed lead webhook (SECURITY.md, "Signed webhooks"): a captured request sent again, sent
 * late, sent with another body, or sent many times at once must not add a lead.
 */
describe('Security: signed lead webhooks cannot be replayed (e2e)', () => {
  let t: TestApp;
  let a: TestWorkspace;
  let b: TestWorkspace;
  const url = (ws: TestWorkspace) => `/api/v1/webhooks/leads/${ws.id}`;
  const send = (ws: TestWorkspace, body: string, headers: Record<string, string>) =>
    t.http().post(url(ws)).set('Content-Type', 'application/json').set(headers).send(body);
  const leadsOf = async (ws: TestWorkspace) =>
    (await t.as(ws.key).get('/api/v1/leads?limit=200').expect(200)).body.data as { utmCampaign: string | null }[];
  const withCampaign = async (ws: TestWorkspace, campaign: string) => (await leadsOf(ws)).filter((l) => l.utmCampaign === campaign);

  beforeAll(async () => {
    t = await startTestApp();
    a = await createWorkspace(t, 'Hooks A');
    b = await createWorkspace(t, 'Hooks B');
  });
  afterAll(() => t?.close());

  it('stores a signed lead once: the same request sent again answers 409', async () => {
    // No externalId: before, every replay was counted as one more lead.
    const body = JSON.stringify({ occurredAt: '2026-03-04T10:00:00Z', utmSource: 'instagram', utmCampaign: 'replay-1' });
    const headers = signedWebhookHeaders(a.webhookSecret, body);
    expect((await send(a, body, headers).expect(200)).body).toMatchObject({ stored: 1 });
    const again = await send(a, body, headers).expect(409);
    expect(again.body.message).toMatch(/already received/);
    expect(await withCampaign(a, 'replay-1')).toHaveLength(1);

    // The same leads signed again (a new timestamp) are a new request, as the sender means them.
    const resent = signedWebhookHeaders(a.webhookSecret, body, Date.now() + 2000);
    await send(a, body, resent).expect(200);
    expect(await withCampaign(a, 'replay-1')).toHaveLength(2);
  });

  it('lets only one of many concurrent copies of a request through', async () => {
    const body = JSON.stringify([{ occurredAt: '2026-03-04T11:00:00Z', utmCampaign: 'replay-burst' }]);
    const headers = signedWebhookHeaders(a.webhookSecret, body);
    const answers = await Promise.all(Array.from({ length: 8 }, () => send(a, body, headers)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
    expect(await withCampaign(a, 'replay-burst')).toHaveLength(1);
  });

  it('refuses a request signed 10 minutes ago (401, stale) and stores nothing', async () => {
    const body = JSON.stringify({ occurredAt: '2026-03-04T12:00:00Z', utmCampaign: 'replay-old' });
    const old = signedWebhookHeaders(a.webhookSecret, body, Date.now() - 10 * 60_000);
    const res = await send(a, body, old).expect(401);
    expect(res.body.message).toMatch(/stale X-Signature-Timestamp: more than 300 s/);
    // a timestamp 10 minutes ahead is refused the same way
    await send(a, body, signedWebhookHeaders(a.webhookSecret, body, Date.now() + 10 * 60_000)).expect(401);
    expect(await withCampaign(a, 'replay-old')).toEqual([]);
  });

  it('refuses a changed body, a moved timestamp or another workspace with 401', async () => {
    const body = JSON.stringify({ occurredAt: '2026-03-04T13:00:00Z', utmCampaign: 'replay-tamper', value: 10 });
    const headers = signedWebhookHeaders(a.webhookSecret, body);
    const changed = body.replace('"value":10', '"value":10000');
    const res = await send(a, changed, headers).expect(401);
    expect(res.body.message).toMatch(
      /X-Signature-Timestamp: <unix seconds> and X-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>"/,
    );
    // a fresh timestamp with the captured signature: the timestamp is under the HMAC
    await send(a, body, { ...headers, 'X-Signature-Timestamp': String(Number(headers['X-Signature-Timestamp']) + 1) }).expect(401);
    // the body-only signature of the old scheme
    const bodyOnly = `sha256=${createHmac('sha256', a.webhookSecret).update(body).digest('hex')}`;
    await send(a, body, { ...headers, 'X-Signature': bodyOnly }).expect(401);
    // a request captured for A, sent to B
    await send(b, body, headers).expect(401);
    expect(await withCampaign(a, 'replay-tamper')).toEqual([]);
    expect(await withCampaign(b, 'replay-tamper')).toEqual([]);
    // the genuine request still goes through afterwards: failed attempts did not burn its signature
    await send(a, body, headers).expect(200);
    expect(await withCampaign(a, 'replay-tamper')).toHaveLength(1);
  });

  it('does not burn the signature of a request that failed, so the sender may retry it', async () => {
    const body = JSON.stringify({ occurredAt: 'not a date', utmCampaign: 'replay-invalid' });
    const headers = signedWebhookHeaders(a.webhookSecret, body);
    await send(a, body, headers).expect(400);
    await send(a, body, headers).expect(400);
  });

  it('keeps each signature only while its timestamp is accepted (TTL index, unique per workspace)', async () => {
    const db = t.app.get<Connection>(getConnectionToken());
    const receipts = db.collection('lead_webhook_receipts');
    const indexes = await receipts.indexes();
    expect(indexes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: { expiresAt: 1 }, expireAfterSeconds: 0 }),
        expect.objectContaining({ key: { workspaceId: 1, signature: 1 }, unique: true }),
      ]),
    );
    const body = JSON.stringify({ occurredAt: '2026-03-04T14:00:00Z', utmCampaign: 'replay-ttl' });
    const headers = signedWebhookHeaders(a.webhookSecret, body);
    await send(a, body, headers).expect(200);
    const stored = await receipts.findOne({ signature: headers['X-Signature'].slice('sha256='.length) });
    expect(stored?.expiresAt).toEqual(new Date((Number(headers['X-Signature-Timestamp']) + 300) * 1000));
  });
});
