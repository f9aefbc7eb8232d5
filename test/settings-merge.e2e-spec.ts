import { getConnectionToken } from '@nestjs/mongoose';
import { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, ObjectId } from 'mongodb';
import type { Connection } from 'mongoose';
import { loadSettings } from '../src/config/settings';
import { openDatabaseTarget } from '../src/database/database-target';
import { defaultWorkspaceSettings } from '../src/workspaces/schemas/workspace.schema';
import { ServiceProcess, startServiceProcess } from './support/service-process';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';

/**
 * `PATCH /workspaces/current` is a JSON Merge Patch: a field not sent keeps its value (the old
 * PATCH stored null in every block it was not sent, and the reports then answered 500), null
 * resets a field to its default, and the merged result decides 400 or 200.
 */
const REPORTS = [
  '/api/v1/reports/overview',
  '/api/v1/reports/care',
  '/api/v1/reports/agents',
  '/api/v1/reports/timeseries?metric=volume.mentions&interval=day',
];

const CUSTOM = {
  sla: { firstResponseSeconds: 1800, resolutionSeconds: 43200, abandonmentSeconds: 7200 },
  businessHours: {
    enabled: true,
    schedule: { mon: [{ start: '08:00', end: '17:00' }], sat: [{ start: '10:00', end: '14:00' }] },
    holidays: ['2026-12-25'],
  },
  costs: { perCall: 20, perSocialInteraction: 2.5 },
  socialMediums: ['social', 'influencer'],
  sentiment: { positiveThreshold: 0.1, negativeThreshold: -0.2 },
  routingRules: [{ keyword: 'cartão', team: 'cards' }],
};

describe('Workspace settings are merged, never replaced (e2e)', () => {
  let t: TestApp;
  let key: string;
  let id: string;
  const ws = () => t.as(key);
  const current = async () => (await ws().get('/api/v1/workspaces/current').expect(200)).body;
  const stored = async () =>
    t.app
      .get<Connection>(getConnectionToken(), { strict: false })
      .collection('workspaces')
      .findOne({ _id: new ObjectId(id) });

  beforeAll(async () => {
    t = await startTestApp({ careScanIntervalSeconds: 3600, alertScanIntervalSeconds: 3600 });
    const created = await t
      .as(TEST_ADMIN_KEY)
      .post('/api/v1/workspaces')
      .send({ name: 'Lumi BR', timezone: 'America/Sao_Paulo', currency: 'BRL' })
      .expect(201);
    key = created.body.apiKey.key;
    id = created.body.workspace.id;
    await ws().patch('/api/v1/workspaces/current').send({ settings: CUSTOM }).expect(200);
  });
  afterAll(async () => {
    await t.close();
  });

  it('a PATCH of one field leaves every other setting byte-identical, stores no null, and every report answers 200', async () => {
    const before = await current();
    expect(before.settings.sla).toEqual(CUSTOM.sla);
    const res = await ws()
      .patch('/api/v1/workspaces/current')
      .send({ settings: { webhook: { url: 'https://hooks.example.com/ouvidor' } } })
      .expect(200);
    const after = await current();
    expect(res.body).toEqual(after);
    expect(after.settings.webhook).toEqual({ url: 'https://hooks.example.com/ouvidor' });
    expect(JSON.stringify({ ...after, settings: { ...after.settings, webhook: before.settings.webhook } })).toBe(JSON.stringify(before));

    const doc = await stored();
    expect(doc!.settings).toEqual(after.settings);
    for (const path of REPORTS) await ws().get(path).expect(200);
  });

  it('an object merges at every depth: part of a block is enough', async () => {
    const res = await ws()
      .patch('/api/v1/workspaces/current')
      .send({ settings: { sla: { abandonmentSeconds: 3600 }, businessHours: { schedule: { sun: [{ start: '12:00', end: '16:00' }] } } } })
      .expect(200);
    expect(res.body.settings.sla).toEqual({ ...CUSTOM.sla, abandonmentSeconds: 3600 });
    const schedule = res.body.settings.businessHours.schedule;
    expect(Object.keys(schedule).sort()).toEqual(['fri', 'mon', 'sat', 'sun', 'thu', 'tue', 'wed']);
    expect(schedule.mon).toEqual(CUSTOM.businessHours.schedule.mon);
    expect(res.body.settings.businessHours.holidays).toEqual(['2026-12-25']);
    expect(res.body.settings.costs).toEqual(CUSTOM.costs);
  });

  it('null resets a field or a block to its default; a schedule day set to null is off', async () => {
    const res = await ws()
      .patch('/api/v1/workspaces/current')
      .send({ settings: { sla: { firstResponseSeconds: null }, costs: null, businessHours: { schedule: { sat: null, sun: null } } } })
      .expect(200);
    const defaults = defaultWorkspaceSettings();
    expect(res.body.settings.sla).toEqual({
      firstResponseSeconds: defaults.sla.firstResponseSeconds,
      resolutionSeconds: 43200,
      abandonmentSeconds: 3600,
    });
    expect(res.body.settings.costs).toEqual(defaults.costs);
    expect(Object.keys(res.body.settings.businessHours.schedule).sort()).toEqual(['fri', 'mon', 'thu', 'tue', 'wed']);
    expect(res.body.settings.socialMediums).toEqual(CUSTOM.socialMediums);
    const doc = await stored();
    expect(doc!.settings.costs).toEqual(defaults.costs);
    expect(doc!.settings.businessHours.schedule).not.toHaveProperty('sat');
  });

  it('an invalid merged result is a 400 naming the field, and nothing is stored', async () => {
    const before = await current();
    const refused = async (body: object, field: RegExp) => {
      const res = await ws().patch('/api/v1/workspaces/current').send(body).expect(400);
      expect(JSON.stringify(res.body.message)).toMatch(field);
    };
    await refused(
      { name: 'Lumi Brasil', settings: { sla: { firstResponseSeconds: 30 } } },
      /settings\.sla\.firstResponseSeconds must not be less than 60/,
    );
    await refused({ settings: { costs: { perCall: 'twelve' } } }, /settings\.costs\.perCall must be a number/);
    await refused({ name: null }, /name must be a string/);
    await refused({ settings: { bogus: null } }, /settings\.property bogus should not exist/);
    await refused({ slug: null }, /property slug should not exist/);
    await refused({ settings: { businessHours: { schedule: { funday: [] } } } }, /funday should not exist/);
    await refused(JSON.parse('{"settings":{"__proto__":{"x":1}}}'), /settings\.__proto__ should not exist/);
    await refused([{ name: 'x' }], /must be a JSON object/);
    expect(await current()).toEqual(before);
  });

  it('blocks stored as null by the old PATCH read as their defaults: reports answer 200, a PATCH merges into the default', async () => {
    await t.app
      .get<Connection>(getConnectionToken(), { strict: false })
      .collection('workspaces')
      .updateOne(
        { _id: new ObjectId(id) },
        { $set: { 'settings.sla': null, 'settings.costs': null, 'settings.socialMediums': null, 'settings.businessHours': null } },
      );
    const defaults = defaultWorkspaceSettings();
    const read = await current();
    expect(read.settings.sla).toEqual(defaults.sla);
    expect(read.settings.businessHours).toEqual(defaults.businessHours);
    expect(read.settings.sentiment).toEqual(CUSTOM.sentiment);
    for (const path of REPORTS) await ws().get(path).expect(200);
    const overview = (await ws().get('/api/v1/reports/overview').expect(200)).body;
    expect(overview.volume.mentions).toBe(0);

    const res = await ws()
      .patch('/api/v1/workspaces/current')
      .send({ settings: { sla: { firstResponseSeconds: 900 } } })
      .expect(200);
    expect(res.body.settings.sla).toEqual({ ...defaults.sla, firstResponseSeconds: 900 });
    expect((await stored())!.settings.sla).toEqual({ ...defaults.sla, firstResponseSeconds: 900 });
  });
});

const KEY = 'ouv_settings-repair-admin-key-0123456789';

/** The real service in a child process (its log is the one an operator reads), on a data directory. */
const startService = (dataDir: string): Promise<ServiceProcess> =>
  startServiceProcess({ DATA_DIR: dataDir }, { healthy: true, adminKey: KEY });

/** Runs `fn` against the data directory's database with the service stopped. */
async function withDatabase<T>(dataDir: string, fn: (client: MongoClient) => Promise<T>): Promise<T> {
  const target = await openDatabaseTarget(loadSettings({}, { overrides: { dataDir, logLevel: 'silent' } }));
  const client = new MongoClient(target.uri);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.close();
    await target.stop();
  }
}

/**
 * The service as `npm start` runs it, in a child process: compiled with the product's class-field
 * semantics (TypeScript's, where a DTO instance carries every declared field, the absent ones as
 * undefined: the cause of the wiped settings), which the in-process tests' transform does not use.
 */
describe('Settings merge and start-up repair, on the service as shipped (e2e)', () => {
  let dataDir: string;
  let child: ChildProcess | null = null;
  const stop = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ouvidor-settings-'));
  });
  afterAll(async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a PATCH of one field keeps every other; null blocks left by the old PATCH are repaired at start with one log line per workspace', async () => {
    let service = await startService(dataDir);
    child = service.child;
    const call = async (key: string, method: string, path: string, body?: unknown) => {
      const res = await fetch(`http://127.0.0.1:${service.port}${path}`, {
        method,
        headers: { Authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };
    const created = await call(KEY, 'POST', '/api/v1/workspaces', {
      name: 'Old Data',
      timezone: 'UTC',
      currency: 'USD',
      settings: { costs: CUSTOM.costs },
    });
    expect(created.status).toBe(201);
    const other = created.body.workspace.id as string;
    const otherKey = created.body.apiKey.key as string;
    const fresh = (await call(otherKey, 'GET', '/api/v1/workspaces/current')).body.settings;
    expect(JSON.stringify(fresh)).toBe(JSON.stringify({ ...defaultWorkspaceSettings(), costs: CUSTOM.costs }));

    expect((await call(otherKey, 'PATCH', '/api/v1/workspaces/current', { settings: CUSTOM })).status).toBe(200);
    const before = await call(otherKey, 'GET', '/api/v1/workspaces/current');
    const patched = await call(otherKey, 'PATCH', '/api/v1/workspaces/current', {
      settings: { webhook: { url: 'https://hooks.example.com/kept' } },
    });
    expect(patched.status).toBe(200);
    const after = await call(otherKey, 'GET', '/api/v1/workspaces/current');
    expect(after.body.settings.webhook).toEqual({ url: 'https://hooks.example.com/kept' });
    expect(JSON.stringify({ ...after.body, settings: { ...after.body.settings, webhook: before.body.settings.webhook } })).toBe(
      JSON.stringify(before.body),
    );
    for (const path of REPORTS) expect([path, (await call(otherKey, 'GET', path)).status]).toEqual([path, 200]);
    await stop();

    const defaults = defaultWorkspaceSettings();
    const damaged = {
      ...defaults,
      sla: null,
      businessHours: null,
      costs: null,
      socialMediums: null,
      sentiment: null,
      routingRules: null,
      webhook: { url: 'https://hooks.example.com/kept' },
    };
    const ids = await withDatabase(dataDir, async (client) => {
      const workspaces = client.db('ouvidor').collection('workspaces');
      await workspaces.updateOne({ _id: new ObjectId(other) }, { $set: { settings: damaged } });
      // business hours on, with a day stored as null: the SLA clock refuses a null day
      await workspaces.updateOne(
        { slug: 'default' },
        {
          $set: {
            'settings.sla.firstResponseSeconds': null,
            'settings.businessHours.enabled': true,
            'settings.businessHours.schedule.tue': null,
          },
        },
      );
      return (await workspaces.find({}, { projection: { _id: 1 } }).toArray()).map((d) => String(d._id));
    });
    expect(ids).toHaveLength(2);

    service = await startService(dataDir);
    child = service.child;
    const repairs = service
      .output()
      .split('\n')
      .filter((line) => line.includes('Workspace settings repaired'))
      .map((line) => JSON.parse(line) as { workspaceId: string; filled: string[] });
    expect(repairs.map((r) => r.workspaceId).sort()).toEqual([...ids].sort());
    expect(repairs.find((r) => r.workspaceId === other)!.filled).toEqual([
      'settings.sla',
      'settings.businessHours',
      'settings.costs',
      'settings.socialMediums',
      'settings.sentiment',
      'settings.routingRules',
    ]);
    expect(repairs.find((r) => r.workspaceId !== other)!.filled).toEqual([
      'settings.sla.firstResponseSeconds',
      'settings.businessHours.schedule',
    ]);

    expect((await call(otherKey, 'GET', '/api/v1/workspaces/current')).body.settings).toEqual({
      ...defaults,
      webhook: { url: 'https://hooks.example.com/kept' },
    });
    expect((await call(KEY, 'GET', '/api/v1/workspaces/current')).body.settings.sla).toEqual(defaults.sla);
    for (const path of REPORTS) expect([path, (await call(otherKey, 'GET', path)).status]).toEqual([path, 200]);
    for (const path of REPORTS) expect([path, (await call(KEY, 'GET', path)).status]).toEqual([path, 200]);
    await stop();

    // The repair was stored, not only filled in on read.
    const stored = await withDatabase(dataDir, (client) => client.db('ouvidor').collection('workspaces').find({}).toArray());
    expect(stored.find((d) => String(d._id) === other)!.settings).toEqual({
      ...defaults,
      webhook: { url: 'https://hooks.example.com/kept' },
    });
    const repaired = stored.find((d) => d.slug === 'default')!.settings;
    expect(repaired.sla).toEqual(defaults.sla);
    expect(Object.keys(repaired.businessHours.schedule)).toEqual(['mon', 'wed', 'thu', 'fri']);
  }, 180_000);
});
