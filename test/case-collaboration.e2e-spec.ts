import type { AddressInfo } from 'node:net';
import { MASTODON_TEST_TOKEN, MastodonTestServer, startMastodonTestServer } from './support/mastodon-test-server';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { waitUntil } from './support/waiting';

/**
 * Two agents on one case, end to end: the real application on the embedded engine, sending
 * replies to a local HTTPS server that answers like a Mastodon instance (late, when asked).
 */
describe('Working together on a case (e2e)', () => {
  let masto: MastodonTestServer;
  let t: TestApp;
  let baseUrl: string;
  const admin = () => t.as(TEST_ADMIN_KEY);
  const hoursAgo = (h: number) => new Date(Math.floor((Date.now() - h * 3600_000) / 1000) * 1000);
  let ana: string;
  let bruno: string;
  let caseId: string;
  let topicId: string;

  beforeAll(async () => {
    const started = await startMastodonTestServer();
    masto = started.server;
    masto.addUser({ username: 'lumi', displayName: 'Lumi' });
    masto.addUser({ username: 'john', displayName: 'John', domain: 'other.example' });
    t = await startTestApp({ mastodon: { url: started.baseUrl, accessToken: MASTODON_TEST_TOKEN } });
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    ana = (await admin().post('/api/v1/agents').send({ name: 'Ana Lima' }).expect(201)).body.id;
    bruno = (await admin().post('/api/v1/agents').send({ name: 'Bruno Reis' }).expect(201)).body.id;
    masto.addPost({ author: 'john@other.example', text: 'collabcheck my card is blocked', language: 'en', createdAt: hoursAgo(1) });
    const topic = (
      await admin()
        .post('/api/v1/topics')
        .send({ name: 'Collab', query: 'collabcheck', platforms: ['mastodon'], ownedAccounts: [{ platform: 'mastodon', handle: 'lumi' }] })
        .expect(201)
    ).body as { id: string };
    topicId = topic.id;
    await admin().post(`/api/v1/topics/${topic.id}/collect`).expect(200);
    const cases = (await admin().get('/api/v1/cases?limit=50&platform=mastodon').expect(200)).body.data as { id: string }[];
    expect(cases).toHaveLength(1);
    caseId = cases[0].id;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await masto?.stop();
  });

  it('shows each agent who else is viewing or typing on the case, live, and validates the heartbeat', async () => {
    const abort = new AbortController();
    const res = await fetch(`${baseUrl}/api/v1/cases/${caseId}/presence/stream`, {
      headers: { Authorization: `Bearer ${TEST_ADMIN_KEY}`, Accept: 'text/event-stream' },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    let received = '';
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const reading = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          received += decoder.decode(value, { stream: true });
        }
      } catch {
        // aborted by the test
      }
    })();
    try {
      await admin().post(`/api/v1/cases/${caseId}/presence`).send({ agentId: ana, state: 'viewing' }).expect(200);
      const seen = (await admin().post(`/api/v1/cases/${caseId}/presence`).send({ agentId: bruno, state: 'typing' }).expect(200)).body.data;
      expect(seen).toEqual([
        expect.objectContaining({ agentId: bruno, agentName: 'Bruno Reis', state: 'typing' }),
        expect.objectContaining({ agentId: ana, agentName: 'Ana Lima', state: 'viewing' }),
      ]);
      const listed = (await admin().get(`/api/v1/cases/${caseId}/presence`).expect(200)).body.data as { agentName: string }[];
      expect(listed.map((p) => p.agentName)).toEqual(['Bruno Reis', 'Ana Lima']);
      // the stream tells both who is there
      await waitUntil('the stream shows both agents', () => /event: presence[\s\S]*Bruno Reis[\s\S]*Ana Lima/.test(received), {
        timeoutMs: 5_000,
      });

      const bad = await admin().post(`/api/v1/cases/${caseId}/presence`).send({ agentId: ana, state: 'sleeping' }).expect(400);
      expect(JSON.stringify(bad.body.message)).toMatch(/state must be viewing or typing/);
      await admin().post(`/api/v1/cases/${caseId}/presence`).send({ agentId: '64b000000000000000000000', state: 'viewing' }).expect(400);
      await admin().get('/api/v1/cases/64b000000000000000000000/presence').expect(404);
    } finally {
      abort.abort();
      await reading;
    }
  });

  it('refuses a second reply to a message while a colleague’s is in flight, naming them; a new message can be answered', async () => {
    masto.failNext('create-status', { delayMs: 1_500 });
    const first = admin()
      .post(`/api/v1/cases/${caseId}/replies`)
      .send({ text: 'Hi John, unblocking it now.', send: true, agentId: ana })
      .then((r) => r);
    await waitUntil('Ana’s reply reaches Mastodon', () => masto.requests.some((r) => r.route === 'create-status'), { timeoutMs: 10_000 });
    const second = await admin()
      .post(`/api/v1/cases/${caseId}/replies`)
      .send({ text: 'Hello John, let me check.', send: true, agentId: bruno })
      .expect(409);
    expect(second.body.message).toBe('Ana Lima is already replying to this message');
    // recording one (a reply made on Mastodon itself) is refused as well
    await admin().post(`/api/v1/cases/${caseId}/replies`).send({ text: 'Answered in the app.', agentId: bruno }).expect(409);
    const sent = (await first).body;
    expect((await first).status).toBe(201);
    expect(sent.outboundCount).toBe(1);
    expect(masto.requests.filter((r) => r.route === 'create-status')).toHaveLength(1);

    // the claim is released: John writes again, and Bruno answers that
    const outbound = sent.messages.find((m: { direction: string }) => m.direction === 'outbound');
    masto.addPost({
      author: 'john@other.example',
      text: 'collabcheck thanks, and the app?',
      language: 'en',
      createdAt: new Date(),
      replyTo: outbound.externalId,
    });
    await admin().post(`/api/v1/topics/${topicId}/collect`).expect(200);
    const now = (await admin().get(`/api/v1/cases/${caseId}`).expect(200)).body;
    expect(now.messages.at(-1).direction).toBe('inbound');
    const answered = (
      await admin().post(`/api/v1/cases/${caseId}/replies`).send({ text: 'The app works again.', send: true, agentId: bruno }).expect(201)
    ).body;
    expect(answered.outboundCount).toBe(2);
  }, 30_000);
});
