/**
 * SECURITY.md, "The embedded engine and the data directory": the engine is reachable only by its own service, and the data and secrets at
 * rest are the service user's alone. The real service runs as a child process on a data directory
 * an older version left behind: world-readable, a webhook secret in plain text, a socket of a
 * killed run. The suite looks at what the process listens on (/proc), tries a MongoDB client on
 * every TCP port it has, reads the raw bytes of the data directory, and starts it again with a
 * wrong key and without its key file.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, ObjectId } from 'mongodb';
import { signedWebhookHeaders } from '../src/common/signed-webhooks';
import { EmbeddedMongoServer } from '../src/embedded-mongo';
import { serviceRefusal, startServiceProcess, type ServiceProcess } from './support/service-process';

jest.setTimeout(90_000);

const quiet = { info: () => undefined, warn: () => undefined, error: (o: object, m?: string) => console.error(m, o) };
const LEGACY_SECRET = `legacy-${randomBytes(16).toString('hex')}`;

/** Inodes of the sockets the process holds open. */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      /* closed meanwhile */
    }
  }
  return inodes;
}

/** TCP ports (IPv4 and IPv6) on which the process itself listens. */
function listeningTcpPorts(pid: number): number[] {
  const mine = socketInodes(pid);
  const ports = new Set<number>();
  for (const table of ['tcp', 'tcp6']) {
    const path = `/proc/${pid}/net/${table}`;
    if (!existsSync(path)) continue;
    for (const line of readFileSync(path, 'utf8').trim().split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode; st 0A = LISTEN
      if (cols[3] === '0A' && mine.has(cols[9])) ports.add(parseInt(cols[1].split(':').pop()!, 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
}

/** Paths of the Unix domain sockets on which the process listens. */
function listeningUnixSockets(pid: number): string[] {
  const mine = socketInodes(pid);
  const out: string[] = [];
  for (const line of readFileSync(`/proc/${pid}/net/unix`, 'utf8').trim().split('\n').slice(1)) {
    // Num RefCount Protocol Flags Type St Inode Path; flag 00010000 = accepting connections
    const cols = line.trim().split(/\s+/);
    if (mine.has(cols[6]) && (parseInt(cols[3], 16) & 0x10000) !== 0 && cols[7]) out.push(cols[7]);
  }
  return out;
}

/** Every entry under `dir` (the directory itself first) with its permission bits. */
function modes(dir: string): Array<{ path: string; mode: string; kind: string }> {
  const entry = (path: string) => {
    const st = lstatSync(path);
    return { path, mode: (st.mode & 0o7777).toString(8), kind: st.isDirectory() ? 'dir' : st.isSocket() ? 'socket' : 'file' };
  };
  return [entry(dir), ...(readdirSync(dir, { recursive: true }) as string[]).map((name) => entry(join(dir, name)))];
}

/** The bytes of every regular file under `dir`. */
function rawBytes(dir: string): Buffer {
  const parts: Buffer[] = [];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    if (lstatSync(path).isFile()) parts.push(readFileSync(path));
  }
  return Buffer.concat(parts);
}

/** A MongoDB client that reads the workspaces (with their secrets) through `uri`; resolves with what it found or the error. */
async function tryRead(uri: string): Promise<{ ok: true; docs: any[] } | { ok: false; error: string }> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 800, connectTimeoutMS: 800 });
  try {
    const docs = await client
      .db('ouvidor')
      .collection('workspaces')
      .find({}, { projection: { slug: 1, webhookSecret: 1 } })
      .toArray();
    return { ok: true, docs };
  } catch (err) {
    return { ok: false, error: String(err) };
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** A socket file left by a process that was killed while listening. */
async function leaveStaleSocket(path: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', "require('net').createServer().listen(process.argv[1], () => console.log('up'))", path], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
}

describe('security: the host (engine socket, data directory, secrets at rest)', () => {
  let root: string;
  let dataDir: string;
  let service: ServiceProcess | null = null;
  let created: { id: string; webhookSecret: string };
  let legacyId: ObjectId;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'sec-host-'));
    dataDir = join(root, 'data');
    // What an older version left: a workspace whose webhook secret is stored in plain text…
    const engine = new EmbeddedMongoServer({ dataDir, logger: quiet });
    const { uri } = await engine.start();
    const client = new MongoClient(uri);
    legacyId = new ObjectId();
    const workspaces = client.db('ouvidor').collection('workspaces');
    await workspaces.insertOne({
      _id: legacyId,
      name: 'Legacy',
      slug: 'legacy',
      timezone: 'UTC',
      currency: 'USD',
      settings: {},
      webhookSecret: LEGACY_SECRET,
    });
    await client.close();
    await engine.stop();
    // …world-readable files, a stray file and the socket of a killed run.
    chmodSync(dataDir, 0o755);
    for (const name of readdirSync(dataDir)) chmodSync(join(dataDir, name), 0o644);
    writeFileSync(join(dataDir, 'notes.txt'), 'left by an operator');
    chmodSync(join(dataDir, 'notes.txt'), 0o644);
    await leaveStaleSocket(join(dataDir, 'engine.sock'));
    expect(lstatSync(join(dataDir, 'engine.sock')).isSocket()).toBe(true);

    service = await startServiceProcess({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    created = await service
      .json('/api/v1/workspaces', { method: 'POST', body: JSON.stringify({ name: 'Acme', timezone: 'UTC', currency: 'BRL' }), status: 201 })
      .then((b) => ({
        id: b.workspace.id,
        webhookSecret: b.webhookSecret,
      }));
  });

  afterAll(async () => {
    await service?.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it('listens on no TCP port but its HTTP port, and no MongoDB client gets in through any of them', async () => {
    const pid = service!.child.pid!;
    const ports = listeningTcpPorts(pid);
    expect(ports).toEqual([service!.port]);
    for (const port of ports) {
      const attempt = await tryRead(`mongodb://127.0.0.1:${port}/?directConnection=true`);
      expect(attempt.ok).toBe(false);
    }
    // The engine's only door is its Unix socket in the data directory.
    expect(listeningUnixSockets(pid)).toEqual([join(dataDir, 'engine.sock')]);
  });

  it('keeps the data directory 0700 and every file in it 0600, the socket included, after tightening what an older version left', async () => {
    expect(service!.output()).toMatch(/data directory permissions tightened/);
    const entries = modes(dataDir);
    expect(entries.find((e) => e.kind === 'socket')).toEqual({ path: join(dataDir, 'engine.sock'), mode: '600', kind: 'socket' });
    expect(entries.map((e) => e.path)).toEqual(
      expect.arrayContaining([join(dataDir, 'secrets.key'), join(dataDir, 'LOCK'), join(dataDir, 'notes.txt')]),
    );
    for (const e of entries) expect(e).toEqual({ ...e, mode: e.kind === 'dir' ? '700' : '600' });
  });

  it('stores webhook secrets encrypted: the raw bytes hold no plaintext, the API still verifies signatures with it', async () => {
    expect(created.webhookSecret).toMatch(/^[0-9a-f]{64}$/);
    const raw = rawBytes(dataDir);
    expect(raw.includes(created.webhookSecret)).toBe(false);
    expect(raw.includes(Buffer.from(created.webhookSecret, 'hex'))).toBe(false);

    // Through the socket (this test runs as the service's user) every stored secret is enc:v1:…
    const read = await tryRead(`mongodb://${encodeURIComponent(join(dataDir, 'engine.sock'))}/?directConnection=true`);
    if (!read.ok) throw new Error(read.error);
    expect(read.docs.length).toBe(3);
    for (const doc of read.docs) expect(doc.webhookSecret).toMatch(/^enc:v1:[\w-]{16}:[\w-]{22}:[\w-]+$/);
    // The plaintext one left by the older version was encrypted in place, once, and said so.
    expect(service!.output()).toMatch(/now encrypted at rest/);
    expect(read.docs.find((d) => String(d._id) === String(legacyId))!.webhookSecret).not.toContain(LEGACY_SECRET);

    // The signing secret shown once still signs: the service decrypts it to verify.
    for (const [id, secret] of [
      [created.id, created.webhookSecret],
      [String(legacyId), LEGACY_SECRET],
    ]) {
      const body = JSON.stringify({ occurredAt: '2026-03-04T10:00:00Z', externalId: `sec-host-${id}` });
      const res = await fetch(`http://127.0.0.1:${service!.port}/api/v1/webhooks/leads/${id}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...signedWebhookHeaders(secret, body) },
        body,
      });
      expect(res.status).toBe(200);
    }
  });

  it('after a clean stop the socket is gone and the final snapshot holds no plaintext either', async () => {
    await service!.kill('SIGTERM');
    service = null;
    expect(existsSync(join(dataDir, 'engine.sock'))).toBe(false);
    expect(readdirSync(dataDir).some((n) => /^snapshot-\d+\.bson$/.test(n))).toBe(true);
    expect(rawBytes(dataDir).includes(created.webhookSecret)).toBe(false);
    for (const e of modes(dataDir)) expect(e).toEqual({ ...e, mode: e.kind === 'dir' ? '700' : '600' });
  });

  it('refuses to start with a key that does not decrypt the stored secrets, or without its key file, and changes nothing', async () => {
    const keyFile = join(dataDir, 'secrets.key');
    const keyBefore = readFileSync(keyFile);
    // The same data without its key file, in a copy, so that both refusals run at once.
    const copy = join(root, 'copy');
    cpSync(dataDir, copy, { recursive: true });
    rmSync(join(copy, 'secrets.key'));

    const [wrong, missing] = await Promise.all([
      serviceRefusal({ DATA_DIR: dataDir, LOG_LEVEL: 'warn', SECRETS_KEY: randomBytes(32).toString('base64') }),
      serviceRefusal({ DATA_DIR: copy, LOG_LEVEL: 'warn' }),
    ]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.output).toMatch(/Ouvidor cannot start: SECRETS_KEY does not decrypt the stored webhook secrets of 3 workspaces/);
    expect(missing.code).not.toBe(0);
    expect(missing.output).toMatch(/3 stored secrets are encrypted, but SECRETS_KEY is unset and the key file .*secrets\.key is missing/);
    // No new key was generated over the encrypted data; the original is untouched.
    expect(existsSync(join(copy, 'secrets.key'))).toBe(false);
    expect(readFileSync(keyFile)).toEqual(keyBefore);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  });

  it('starts again with its key file, and after a kill -9 the socket left behind does not block the next start', async () => {
    const keyFile = join(dataDir, 'secrets.key');
    const keyBefore = readFileSync(keyFile);
    service = await startServiceProcess({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    expect(service.output()).not.toMatch(/Generated the key/);
    await service.kill('SIGKILL');
    service = null;
    expect(lstatSync(join(dataDir, 'engine.sock')).isSocket()).toBe(true);

    service = await startServiceProcess({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    const current = await service.json('/api/v1/workspaces/current');
    expect(current.slug).toBe('default');
    expect(listeningTcpPorts(service.child.pid!)).toEqual([service.port]);
    expect(readFileSync(keyFile)).toEqual(keyBefore);
    // Still none of the secrets in the clear, after three starts and a kill.
    expect(rawBytes(dataDir).includes(created.webhookSecret)).toBe(false);
  });
});
