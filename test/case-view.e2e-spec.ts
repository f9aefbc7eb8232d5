import { XApiEmulator } from '../src/demo/networks/x/x-api-emulator';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { startXTestServer, X_TEST_TOKEN } from './support/x-test-server';

/**
 * The case view over HTTP: internal notes with @mentions (never in the conversation or the
 * exports), the history its changes record, the customer's other cases, and saved replies
 * (CRUD, validation, rendering, usage in the agents report).
 */
const H = 3600_000;
const D = new Date(Math.floor(Date.now() / (24 * H)) * 24 * H - 2 * 24 * H);
const at = (dayOffset: number, hh: number, mm = 0) => new Date(D.getTime() + dayOffset * 24 * H + hh * H + mm * 60_000);

describe('Case view: notes, history, other cases, saved replies (e2e)', () => {
  let x: XApiEmulator;
  let t: TestApp;
  let caseId: string;
  let older: string;
  let ana: { id: string; name: string };
  let bruno: { id: string; name: string };
  const admin = () => t.as(TEST_ADMIN_KEY);

  beforeAll(async () => {
    const started = await startXTestServer();
    x = started.server;
    t = await startTestApp({ x: { bearerToken: X_TEST_TOKEN, apiBaseUrl: started.baseUrl, monthlyReadCap: 0 } });
    x.addUser({ id: '100', username: 'lumi_br', name: 'Lumi' });
    x.addUser({ id: '201', username: 'carla', name: 'Carla Dias' });
    const topic = await admin()
      .post('/api/v1/topics')
      .send({ name: 'Lumi care', query: '(lumi OR @lumi_br)', platforms: ['x'], ownedAccounts: [{ platform: 'x', handle: 'lumi_br' }] })
      .expect(201);
    const first = x.addTweet({ author_username: 'carla', text: '@lumi_br meu cartão lumi não chegou', created_at: at(0, 9), lang: 'pt' });
    x.addTweet({
      author_username: 'lumi_br',
      text: '@carla Oi Carla, vamos verificar o cartão',
      created_at: at(0, 9, 20),
      lang: 'pt',
      in_reply_to_tweet_id: first.id,
    });
    await admin().post(`/api/v1/topics/${topic.body.id}/collect`).expect(200);
    older = (await admin().get('/api/v1/cases?limit=10').expect(200)).body.data[0].id;
    await admin()
      .patch(`/api/v1/cases/${older}`)
      .send({ status: 'resolved', at: at(0, 10).toISOString() })
      .expect(200);
    x.addTweet({ author_username: 'carla', text: '@lumi_br meu cartão lumi foi bloqueado agora', created_at: at(1, 11), lang: 'pt' });
    await admin().post(`/api/v1/topics/${topic.body.id}/collect`).expect(200);
    const cases = (await admin().get('/api/v1/cases?limit=10').expect(200)).body.data as { id: string }[];
    caseId = cases.find((c) => c.id !== older)!.id;
    await admin().post('/api/v1/teams').send({ name: 'cards' }).expect(201);
    ana = (await admin().post('/api/v1/agents').send({ name: 'Ana Lima', team: 'cards' }).expect(201)).body;
    bruno = (await admin().post('/api/v1/agents').send({ name: 'Bruno Araújo' }).expect(201)).body;
  }, 30_000);

  afterAll(async () => {
    await t?.close();
    await x?.stop();
  });

  it('shows the conversation in time order and the customer’s other cases', async () => {
    const oldCase = (await admin().get(`/api/v1/cases/${older}`).expect(200)).body;
    expect(oldCase.messages.map((m: { direction: string }) => m.direction)).toEqual(['inbound', 'outbound']);
    const others = (await admin().get(`/api/v1/cases/${caseId}/other-cases`).expect(200)).body;
    expect(others).toEqual([expect.objectContaining({ id: older, status: 'resolved', platform: 'x' })]);
    await admin().get('/api/v1/cases/000000000000000000000000/other-cases').expect(404);
  });

  it('keeps internal notes with resolved @mentions, out of the conversation and the export', async () => {
    const note = (
      await admin()
        .post(`/api/v1/cases/${caseId}/notes`)
        .send({ text: '@Ana Lima pode ver o bloqueio? cc @bruno NOTA-INTERNA', authorId: bruno.id })
        .expect(201)
    ).body;
    expect(note.mentions).toEqual([
      { agentId: ana.id, name: 'Ana Lima' },
      { agentId: bruno.id, name: 'Bruno Araújo' },
    ]);
    const bad = await admin().post(`/api/v1/cases/${caseId}/notes`).send({ text: '' }).expect(400);
    expect(JSON.stringify(bad.body)).toContain('text');
    await admin().post(`/api/v1/cases/${caseId}/notes`).send({ text: 'x', authorId: 'nope' }).expect(400);
    await admin().post('/api/v1/cases/000000000000000000000000/notes').send({ text: 'x' }).expect(404);

    const notes = (await admin().get(`/api/v1/cases/${caseId}/notes`).expect(200)).body;
    expect(notes).toHaveLength(1);
    const view = (await admin().get(`/api/v1/cases/${caseId}`).expect(200)).body;
    expect(JSON.stringify(view)).not.toContain('NOTA-INTERNA');
    const csv = await admin().get('/api/v1/exports/cases.csv').expect(200);
    expect(csv.text).not.toContain('NOTA-INTERNA');
    const mentionsCsv = await admin().get('/api/v1/exports/mentions.csv').expect(200);
    expect(mentionsCsv.text).not.toContain('NOTA-INTERNA');
  });

  it('records assignments, reroutes and status changes in the history', async () => {
    await admin().patch(`/api/v1/cases/${caseId}`).send({ assigneeId: ana.id }).expect(200);
    await admin().patch(`/api/v1/cases/${caseId}`).send({ assigneeId: bruno.id, team: null }).expect(200);
    await admin().patch(`/api/v1/cases/${caseId}`).send({ status: 'pending' }).expect(200);
    await admin().patch(`/api/v1/cases/${caseId}`).send({ status: 'pending' }).expect(200);
    const history = (await admin().get(`/api/v1/cases/${caseId}/history`).expect(200)).body;
    expect(history.map((h: { type: string; from: string | null; to: string | null }) => [h.type, h.from, h.to])).toEqual([
      ['assigned', null, ana.id],
      ['team', null, 'cards'],
      ['reassigned', ana.id, bruno.id],
      ['team', 'cards', null],
      ['status', 'open', 'pending'],
    ]);
    const oldHistory = (await admin().get(`/api/v1/cases/${older}/history`).expect(200)).body;
    expect(oldHistory).toEqual([expect.objectContaining({ type: 'status', from: 'open', to: 'resolved' })]);
  });

  it('saves, validates, searches, renders and counts saved replies', async () => {
    const text = 'Oi {{customer.name}}, aqui é {{agent.name}}. Seu cartão foi desbloqueado (caso {{case.id}}).';
    const created = (
      await admin()
        .post('/api/v1/saved-replies')
        .send({ shortcut: '/cartao', title: 'Cartão desbloqueado', text, language: 'pt', team: 'cards' })
        .expect(201)
    ).body;
    expect(created).toMatchObject({ shortcut: '/cartao', language: 'pt', team: 'cards', uses: 0 });
    await admin()
      .post('/api/v1/saved-replies')
      .send({ shortcut: 'refund', title: 'Refund', text: 'Hi {{customer.name}}, refunded.', language: 'en' })
      .expect(201);

    const unknown = await admin()
      .post('/api/v1/saved-replies')
      .send({ shortcut: '/x', title: 'x', text: 'Oi {{customer.email}}', language: 'pt' })
      .expect(400);
    expect(unknown.body.message).toContain('text: unknown variable {{customer.email}}');
    const dup = await admin().post('/api/v1/saved-replies').send({ shortcut: 'CARTAO', title: 'x', text: 'x', language: 'pt' }).expect(409);
    expect(dup.body.message).toContain('shortcut');
    await admin().post('/api/v1/saved-replies').send({ shortcut: '/a b', title: 'x', text: 'x', language: 'pt' }).expect(400);
    await admin().post('/api/v1/saved-replies').send({ shortcut: '/ok', title: 'x', text: 'x', language: 'es' }).expect(400);
    await admin().post('/api/v1/saved-replies').send({ shortcut: '/ok', title: 'x', text: 'x', language: 'pt', team: 'nope' }).expect(400);
    await admin().patch(`/api/v1/saved-replies/${created.id}`).send({ text: '{{case.name}}' }).expect(400);

    const search = async (q: string) =>
      (
        (
          await admin()
            .get(`/api/v1/saved-replies?q=${encodeURIComponent(q)}`)
            .expect(200)
        ).body as { shortcut: string }[]
      ).map((r) => r.shortcut);
    expect(await search('/car')).toEqual(['/cartao']);
    expect(await search('refunded')).toEqual(['/refund']);
    expect(await search('desbloqueado')).toEqual(['/cartao']);
    expect(await search('')).toEqual(['/cartao', '/refund']);

    const rendered = (await admin().post(`/api/v1/saved-replies/${created.id}/render`).send({ caseId, agentId: ana.id }).expect(200)).body;
    expect(rendered.text).toBe(`Oi Carla Dias, aqui é Ana Lima. Seu cartão foi desbloqueado (caso ${caseId}).`);
    await admin().post(`/api/v1/saved-replies/${created.id}/render`).send({ caseId, agentId: '000000000000000000000000' }).expect(400);

    // agents use the library; leads (admin, analyst) curate it
    const agentKey = (await admin().post('/api/v1/api-keys').send({ name: 'agent', role: 'agent' }).expect(201)).body.key as string;
    await t.as(agentKey).get('/api/v1/saved-replies?q=/cartao').expect(200);
    await t.as(agentKey).post(`/api/v1/saved-replies/${created.id}/render`).send({ caseId }).expect(200);
    await t.as(agentKey).post('/api/v1/saved-replies').send({ shortcut: '/mine', title: 'x', text: 'x', language: 'pt' }).expect(403);
    await t.as(agentKey).patch(`/api/v1/saved-replies/${created.id}`).send({ text: 'changed' }).expect(403);
    await t.as(agentKey).delete(`/api/v1/saved-replies/${created.id}`).expect(403);

    await admin()
      .post(`/api/v1/cases/${caseId}/replies`)
      .send({ text: rendered.text, agentId: ana.id, savedReplyId: created.id })
      .expect(201);
    await admin()
      .post(`/api/v1/cases/${caseId}/replies`)
      .send({ text: 'x', agentId: ana.id, savedReplyId: '000000000000000000000000' })
      .expect(400);
    const listed = (await admin().get('/api/v1/saved-replies?q=/cartao').expect(200)).body;
    expect(listed[0].uses).toBe(1);
    const to = new Date(Date.now() + H).toISOString();
    const report = (
      await admin()
        .get(`/api/v1/reports/agents?from=${at(0, 0).toISOString()}&to=${to}&tz=UTC`)
        .expect(200)
    ).body;
    const perAgent = new Map(report.agents.map((a: { agentId: string; savedReplies: number }) => [a.agentId, a.savedReplies]));
    expect([perAgent.get(ana.id), perAgent.get(bruno.id)]).toEqual([1, 0]);

    const renamed = (await admin().patch(`/api/v1/saved-replies/${created.id}`).send({ shortcut: 'cartao2' }).expect(200)).body;
    expect(renamed.shortcut).toBe('/cartao2');
    await admin().delete(`/api/v1/saved-replies/${created.id}`).expect(204);
    await admin().delete(`/api/v1/saved-replies/${created.id}`).expect(404);
  });
});
