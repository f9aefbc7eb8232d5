import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MongoClient } from 'mongodb';
import { EngineServer, socketUri } from './engine-server';

const mode = (path: string): number => statSync(path).mode & 0o777;

function recordingLogger() {
  const lines: Array<{ level: string; obj: object; msg?: string }> = [];
  const at = (level: string) => (obj: object, msg?: string) => lines.push({ level, obj, msg });
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') } };
}

async function ping(uri: string): Promise<number> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 2000 });
  try {
    return (await client.db('admin').command({ ping: 1 })).ok;
  } finally {
    await client.close();
  }
}

/** A process killed while listening on `path` leaves its socket file behind. */
async function leaveStaleSocket(path: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', "require('net').createServer().listen(process.argv[1], () => console.log('up'))", path], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
}

describe('EngineServer: the Unix socket', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'sock-spec-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('listens on DATA_DIR/engine.sock, mode 0600, reachable through the URL-encoded path', async () => {
    const dataDir = join(root, 'data');
    const server = new EngineServer({ dataDir, logger: recordingLogger().logger });
    const { uri, socketPath } = await server.start();
    try {
      expect(socketPath).toBe(join(dataDir, 'engine.sock'));
      expect(uri).toBe(socketUri(socketPath));
      expect(uri).toBe(`mongodb://${encodeURIComponent(socketPath)}/?directConnection=true`);
      expect(lstatSync(socketPath).isSocket()).toBe(true);
      expect(mode(socketPath)).toBe(0o600);
      expect(mode(dataDir)).toBe(0o700);
      expect(await ping(uri)).toBe(1);
    } finally {
      await server.stop();
    }
    expect(existsSync(socketPath)).toBe(false);
  });

  it('removes a socket left by a killed run (the lock proved it stale), but not a file that is no socket', async () => {
    const dataDir = join(root, 'data');
    mkdirSync(dataDir, { mode: 0o700 });
    const socketPath = join(dataDir, 'engine.sock');
    await leaveStaleSocket(socketPath);
    expect(lstatSync(socketPath).isSocket()).toBe(true);

    const { lines, logger } = recordingLogger();
    const server = new EngineServer({ dataDir, logger });
    const { uri } = await server.start();
    expect(await ping(uri)).toBe(1);
    expect(lines.some((l) => l.msg?.includes('removed the socket of a previous run'))).toBe(true);
    await server.stop();

    writeFileSync(socketPath, 'not a socket');
    await expect(new EngineServer({ dataDir, logger }).start()).rejects.toThrow(/exists and is not a socket/);
    // The failed start released the data directory: a later start is not refused as "in use".
    rmSync(socketPath);
    const again = new EngineServer({ dataDir, logger });
    await again.start();
    await again.stop();
  });

  it('uses a private temp directory when the data directory path is too long for a socket, and removes it at stop', async () => {
    const dataDir = join(root, 'x'.repeat(60), 'y'.repeat(60));
    const { lines, logger } = recordingLogger();
    const server = new EngineServer({ dataDir, logger });
    const { uri, socketPath } = await server.start();
    try {
      expect(socketPath.startsWith(join(tmpdir(), 'ouvidor-engine-'))).toBe(true);
      expect(mode(dirname(socketPath))).toBe(0o700);
      expect(mode(socketPath)).toBe(0o600);
      expect(lines.find((l) => l.level === 'warn')?.msg).toMatch(/too long for a Unix socket/);
      expect(await ping(uri)).toBe(1);
    } finally {
      await server.stop();
    }
    expect(existsSync(dirname(socketPath))).toBe(false);
  });

  it('memory only: a socket in a private temp directory, removed at stop', async () => {
    const server = new EngineServer({ logger: recordingLogger().logger });
    const { uri, socketPath } = await server.start();
    expect(mode(dirname(socketPath))).toBe(0o700);
    expect(await ping(uri)).toBe(1);
    await server.stop();
    expect(existsSync(dirname(socketPath))).toBe(false);
  });

  it('listens on a given socket path: a stale socket there is removed, a live one refuses the start, a too long path is named', async () => {
    const socketPath = join(root, 'run', 'shared.sock');
    mkdirSync(dirname(socketPath), { mode: 0o700 });
    await leaveStaleSocket(socketPath);
    const { lines, logger } = recordingLogger();
    const server = new EngineServer({ dataDir: join(root, 'data'), socketPath, logger });
    const address = await server.start();
    try {
      expect(address).toEqual({ socketPath, uri: socketUri(socketPath) });
      expect(mode(socketPath)).toBe(0o600);
      expect(existsSync(join(root, 'data', 'engine.sock'))).toBe(false);
      expect(lines.some((l) => l.msg?.includes('removed the socket of a previous run'))).toBe(true);
      expect(await ping(address.uri)).toBe(1);
      // A second engine (memory only) asked for the same path finds it answered, and changes nothing.
      await expect(new EngineServer({ socketPath, logger }).start()).rejects.toThrow(`another process is listening on ${socketPath}`);
      expect(await ping(address.uri)).toBe(1);
    } finally {
      await server.stop();
    }
    expect(existsSync(socketPath)).toBe(false);
    const tooLong = join(root, 'z'.repeat(120), 'engine.sock');
    await expect(new EngineServer({ socketPath: tooLong, logger }).start()).rejects.toThrow(/longer than a Unix socket path may be/);
  });
});
