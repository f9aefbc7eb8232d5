/**
 * The embedded engine on its own (`npm run engine -- --data-dir DIR --socket PATH`): a child
 * process the Node driver reaches over its Unix socket, and that a service process can use through
 * MONGODB_URI. Data written before a SIGTERM is read back after a restart.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { EngineProcess, startEngineProcess as startEngine } from './support/engine-process';
import { startServiceProcess } from './support/service-process';
import { within } from './support/waiting';

const ROOT = join(__dirname, '..');

const stop = (engine: EngineProcess, signal: NodeJS.Signals): Promise<number | null> => engine.stop(signal);

describe('the engine on its own (npm run engine)', () => {
  let root: string;
  let running: EngineProcess | null = null;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'engine-alone-'));
  });
  afterEach(async () => {
    if (running && running.child.exitCode === null) await within(10_000, stop(running, 'SIGKILL'));
    running = null;
    rmSync(root, { recursive: true, force: true });
  });

  it('serves the driver on its socket, stops cleanly on SIGTERM, and has the data after a restart', async () => {
    const dataDir = join(root, 'data');
    const socketPath = join(root, 'engine.sock');
    running = await startEngine(['--data-dir', dataDir, '--socket', socketPath]);
    expect(running.socketPath).toBe(socketPath);
    expect(running.uri).toBe(`mongodb://${encodeURIComponent(socketPath)}/?directConnection=true`);
    expect(statSync(socketPath).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);

    const client = new MongoClient(running.uri, { serverSelectionTimeoutMS: 5000 });
    try {
      const leads = client.db('ouvidor').collection('leads');
      await leads.createIndex({ externalId: 1 }, { unique: true });
      await leads.insertMany(Array.from({ length: 50 }, (_, i) => ({ externalId: `lead-${i}`, value: i })));
      await leads.updateOne({ externalId: 'lead-7' }, { $set: { value: 700 } });
    } finally {
      await client.close();
    }

    expect(await stop(running, 'SIGTERM')).toBe(0);
    const messages = running.lines().map((l) => l.msg);
    expect(messages).toEqual(expect.arrayContaining(['embedded engine: stopping', 'embedded engine: stopped']));
    expect(existsSync(socketPath)).toBe(false);

    running = await startEngine(['--data-dir', dataDir, '--socket', socketPath]);
    const again = new MongoClient(running.uri, { serverSelectionTimeoutMS: 5000 });
    try {
      const leads = again.db('ouvidor').collection('leads');
      expect(await leads.countDocuments()).toBe(50);
      expect(await leads.findOne({ externalId: 'lead-7' }, { projection: { _id: 0 } })).toEqual({ externalId: 'lead-7', value: 700 });
      // The unique index came back with the data.
      await expect(leads.insertOne({ externalId: 'lead-7' })).rejects.toMatchObject({ code: 11000 });
    } finally {
      await again.close();
    }
    expect(await stop(running, 'SIGINT')).toBe(0);
  }, 60_000);

  it('is the database of a service process started with MONGODB_URI set to its socket URI', async () => {
    running = await startEngine(['--data-dir', join(root, 'data')]);
    expect(running.socketPath).toBe(join(root, 'data', 'engine.sock'));
    // The database goes in the URI's path, as for any MongoDB server (`ouvidor`, as the service names it when it starts the engine itself).
    const mongodbUri = running.uri.replace('/?', '/ouvidor?');
    expect(mongodbUri).toBe(`mongodb://${encodeURIComponent(running.socketPath)}/ouvidor?directConnection=true`);
    const service = await startServiceProcess(
      { MONGODB_URI: mongodbUri, DATA_DIR: join(root, 'service') },
      { healthy: true, timeoutMs: 120_000 },
    );
    try {
      const health = await service.json<{ mongo: { status: string; engine: string } }>('/health');
      expect(health.mongo).toEqual({ status: 'up', engine: 'external' });
      await service.json('/api/v1/topics', {
        method: 'POST',
        body: JSON.stringify({ name: 'Shared engine', query: 'ouvidor', platforms: ['x'] }),
      });
    } finally {
      await service.kill('SIGTERM');
    }
    // What the service wrote is in the engine's data, seen by any other client of the socket.
    const client = new MongoClient(running.uri, { serverSelectionTimeoutMS: 5000 });
    try {
      expect(await client.db('ouvidor').collection('topics').countDocuments({ name: 'Shared engine' })).toBe(1);
    } finally {
      await client.close();
    }
    expect(await stop(running, 'SIGTERM')).toBe(0);
  }, 150_000);

  it('refuses to start on bad arguments (exit 2, naming the argument) and on a data directory in use (exit 1)', async () => {
    const bad = spawn(process.execPath, ['-r', '@swc-node/register', 'src/embedded-mongo/server/engine-cli.ts', '--port', '27017'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    bad.stderr.on('data', (d) => (err += d));
    expect(await new Promise((resolve) => bad.once('exit', resolve))).toBe(2);
    expect(err).toMatch(/--port/);

    const dataDir = join(root, 'data');
    running = await startEngine(['--data-dir', dataDir]);
    const second = spawn(
      process.execPath,
      ['-r', '@swc-node/register', 'src/embedded-mongo/server/engine-cli.ts', '--data-dir', dataDir, '--socket', join(root, 'b.sock')],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    second.stdout.on('data', (d) => (out += d));
    second.stderr.on('data', (d) => (out += d));
    expect(await new Promise((resolve) => second.once('exit', resolve))).toBe(1);
    expect(out).toMatch(new RegExp(dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    expect(await stop(running, 'SIGTERM')).toBe(0);
  }, 60_000);
});
