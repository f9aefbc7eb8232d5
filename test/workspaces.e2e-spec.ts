import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';

describe('Workspaces, API keys and tenancy (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('GET /health answers without a key: embedded engine and in-process queue', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body).toEqual({
      status: 'ok',
      mongo: { status: 'up', engine: 'embedded' },
      queue: { status: 'up', mode: 'in-process', worker: true },
    });
  });

  it('serves the OpenAPI document', async () => {
    const res = await t.http().get('/docs/json').expect(200);
    expect(res.body.paths['/api/v1/workspaces']).toBeDefined();
    expect(res.body.components.securitySchemes.bearer).toBeDefined();
  });

  it('refuses requests without a key (401) and with an unknown key (401)', async () => {
    const none = await t.http().get('/api/v1/workspaces/current').expect(401);
    expect(none.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect(none.body.message).toMatch(/missing API key/);
    await t.as('ouv_not-a-real-key-000000000000000').get('/api/v1/workspaces/current').expect(401);
  });

  it('the ADMIN_API_KEY is the admin of the default workspace', async () => {
    const res = await t.as(TEST_ADMIN_KEY).get('/api/v1/workspaces/current').expect(200);
    expect(res.body).toMatchObject({ slug: 'default', timezone: 'UTC', currency: 'USD' });
    expect(res.body.settings.sla.firstResponseSeconds).toBe(7200);
    expect(res.body.settings.costs).toEqual({ perCall: 12, perSocialInteraction: 1 });
  });

  describe('two workspaces', () => {
    let a: { id: string; key: string };
    let b: { id: string; key: string };

    beforeAll(async () => {
      const resA = await t
        .as(TEST_ADMIN_KEY)
        .post('/api/v1/workspaces')
        .send({ name: 'Marca A', timezone: 'America/Sao_Paulo', currency: 'BRL' })
        .expect(201);
      const resB = await t
        .as(TEST_ADMIN_KEY)
        .post('/api/v1/workspaces')
        .send({ name: 'Brand B', timezone: 'Europe/Lisbon', currency: 'EUR' })
        .expect(201);
      a = { id: resA.body.workspace.id, key: resA.body.apiKey.key };
      b = { id: resB.body.workspace.id, key: resB.body.apiKey.key };
      expect(resA.body.apiKey.role).toBe('admin');
      expect(resA.body.apiKey.key).toMatch(/^ouv_[A-Za-z0-9_-]{32}$/);
    });

    it('each key sees its own workspace', async () => {
      expect((await t.as(a.key).get('/api/v1/workspaces/current').expect(200)).body).toMatchObject({
        id: a.id,
        name: 'Marca A',
        timezone: 'America/Sao_Paulo',
      });
      expect((await t.as(b.key).get('/api/v1/workspaces/current').expect(200)).body).toMatchObject({ id: b.id, currency: 'EUR' });
    });

    it('only the installation admin creates or lists workspaces (403 for a workspace admin)', async () => {
      await t.as(a.key).post('/api/v1/workspaces').send({ name: 'X', timezone: 'UTC', currency: 'USD' }).expect(403);
      await t.as(a.key).get('/api/v1/workspaces').expect(403);
      const all = await t.as(TEST_ADMIN_KEY).get('/api/v1/workspaces').expect(200);
      expect(all.body.map((w: { id: string }) => w.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    });

    it('keys: issue with a role, list without secrets, roles enforced, revoke', async () => {
      const issued = await t.as(a.key).post('/api/v1/api-keys').send({ name: 'agent laptop', role: 'agent' }).expect(201);
      expect(issued.body).toMatchObject({ name: 'agent laptop', role: 'agent' });
      const agentKey = issued.body.key as string;

      const list = await t.as(a.key).get('/api/v1/api-keys').expect(200);
      expect(list.body).toHaveLength(2);
      expect(JSON.stringify(list.body)).not.toContain(agentKey);
      expect(list.body.every((k: Record<string, unknown>) => !('hash' in k) && !('key' in k))).toBe(true);

      // the agent can read its workspace but not manage keys or settings
      await t.as(agentKey).get('/api/v1/workspaces/current').expect(200);
      const forbidden = await t.as(agentKey).get('/api/v1/api-keys').expect(403);
      expect(forbidden.body.message).toMatch(/role admin/);
      await t.as(agentKey).patch('/api/v1/workspaces/current').send({ name: 'hijack' }).expect(403);

      await t.as(a.key).delete(`/api/v1/api-keys/${issued.body.id}`).expect(204);
      await t.as(agentKey).get('/api/v1/workspaces/current').expect(401);
    });

    it("a key never touches another workspace's keys (404)", async () => {
      const bKeys = await t.as(b.key).get('/api/v1/api-keys').expect(200);
      const bKeyId = bKeys.body[0].id;
      await t.as(a.key).delete(`/api/v1/api-keys/${bKeyId}`).expect(404);
      await t.as(a.key).delete('/api/v1/api-keys/not-an-id').expect(404);
      // still there for B
      expect((await t.as(b.key).get('/api/v1/api-keys').expect(200)).body).toHaveLength(1);
    });

    it('refuses to revoke the last admin key', async () => {
      const keys = await t.as(b.key).get('/api/v1/api-keys').expect(200);
      const res = await t.as(b.key).delete(`/api/v1/api-keys/${keys.body[0].id}`).expect(409);
      expect(res.body.message).toMatch(/last admin key/);
    });

    it('updates settings with validation naming the field, and stores nothing on error', async () => {
      const bad = await t
        .as(a.key)
        .patch('/api/v1/workspaces/current')
        .send({
          timezone: 'Mars/Olympus',
          settings: { sla: { firstResponseSeconds: -5, resolutionSeconds: 3600, abandonmentSeconds: 3600 } },
        })
        .expect(400);
      expect(JSON.stringify(bad.body.message)).toMatch(/timezone/);
      expect(JSON.stringify(bad.body.message)).toMatch(/firstResponseSeconds/);
      const unchanged = await t.as(a.key).get('/api/v1/workspaces/current').expect(200);
      expect(unchanged.body.timezone).toBe('America/Sao_Paulo');

      const ok = await t
        .as(a.key)
        .patch('/api/v1/workspaces/current')
        .send({
          settings: {
            sla: { firstResponseSeconds: 3600, resolutionSeconds: 43200, abandonmentSeconds: 86400 },
            businessHours: { enabled: true, schedule: { mon: [{ start: '09:00', end: '18:00' }] }, holidays: ['2026-12-25'] },
          },
        })
        .expect(200);
      expect(ok.body.settings.sla.firstResponseSeconds).toBe(3600);
      expect(ok.body.settings.businessHours.enabled).toBe(true);
      expect(ok.body.settings.costs.perCall).toBe(12);
    });
  });

  describe('input at the edge', () => {
    it('rejects unknown fields with 400 naming them', async () => {
      const res = await t.as(TEST_ADMIN_KEY).post('/api/v1/api-keys').send({ name: 'k', role: 'agent', owner: 'me' }).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(JSON.stringify(res.body.message)).toMatch(/owner should not exist/);
    });

    it('rejects a $-operator in a JSON body and in the query string', async () => {
      const body = await t
        .as(TEST_ADMIN_KEY)
        .post('/api/v1/api-keys')
        .send({ name: { $gt: '' }, role: 'agent' })
        .expect(400);
      expect(body.body.message).toMatch(/field "name.\$gt": operators/);
      const qs = await t.as(TEST_ADMIN_KEY).get('/api/v1/api-keys?role[$ne]=admin').expect(400);
      expect(qs.body.message).toMatch(/operators/);
      const keys = await t.as(TEST_ADMIN_KEY).get('/api/v1/api-keys').expect(200);
      expect(keys.body.some((k: { name: unknown }) => typeof k.name !== 'string')).toBe(false);
    });

    it('rejects an invalid role and malformed JSON', async () => {
      const role = await t.as(TEST_ADMIN_KEY).post('/api/v1/api-keys').send({ name: 'k', role: 'root' }).expect(400);
      expect(JSON.stringify(role.body.message)).toMatch(/role must be one of/);
      const json = await t.as(TEST_ADMIN_KEY).post('/api/v1/api-keys').set('Content-Type', 'application/json').send('{"name":').expect(400);
      expect(json.body.statusCode).toBe(400);
    });
  });
});
