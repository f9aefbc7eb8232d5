import { chmodSync, lstatSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Catalog } from '../storage/catalog';
import { ClientConnection } from './client-connection';
import type { CommandContext, ServerState } from '../commands/command-context';
import { SERVER_VERSION } from '../commands/handshake-commands';
import { CursorRegistry } from '../commands/cursor-registry';
import { DATA_FILE_MODE } from '../durability/data-dir-permissions';
import { DurableStorage, type StorageStatus } from '../durability/durable-storage';

export interface EmbeddedMongoLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export interface EngineServerOptions {
  /** Where the journal and snapshot live; null or unset keeps everything in memory. */
  dataDir?: string | null;
  logger?: EmbeddedMongoLogger;
  /** Journal size that triggers a snapshot (default 64 MB). */
  compactionThresholdBytes?: number;
  /**
   * Where to listen instead of `DATA_DIR/engine.sock` (the standalone engine's `--socket`). A socket
   * already there is removed when nothing answers on it; when an engine answers, start fails.
   */
  socketPath?: string | null;
  /** Told each time journal writes start failing (disk full, I/O error) or work again. */
  onStorageStatus?: (status: StorageStatus) => void;
}

/** Default: quiet about routine events, loud about problems. */
export const CONSOLE_LOGGER: EmbeddedMongoLogger = {
  info: () => undefined,
  warn: (obj, msg) => console.warn(msg ?? '', obj),
  error: (obj, msg) => console.error(msg ?? '', obj),
};

/**
 * Commands whose answer shows no stored data, so they need not wait for the journal: while it
 * cannot be written (disk full), drivers' heartbeats and pings still succeed and keep the server
 * selectable, and the failure is reported through the storage status instead of as a lost server.
 */
const SHOWS_NO_DATA = new Set([
  'hello',
  'ismaster',
  'ping',
  'buildinfo',
  'endsessions',
  'getparameter',
  'connectionstatus',
  'hostinfo',
  'whatsmyuri',
  'getcmdlineopts',
]);

/** Name of the engine's Unix domain socket inside the data directory. */
export const ENGINE_SOCKET_FILE = 'engine.sock';

/** Longest socket path Linux accepts (sun_path is 108 bytes with the closing NUL; macOS allows 103). */
const MAX_SOCKET_PATH_BYTES = process.platform === 'linux' ? 107 : 103;

/** Where the engine can be reached: `uri` for drivers, `socketPath` the file itself. */
export interface EngineAddress {
  uri: string;
  socketPath: string;
}

/** The driver's form of a socket address: the path URL-encoded in place of host:port. */
export function socketUri(socketPath: string): string {
  return `mongodb://${encodeURIComponent(socketPath)}/?directConnection=true`;
}

/** Whether something accepts connections on the Unix socket at `path` (false on ECONNREFUSED, a dead socket). */
function socketAnswers(path: string): Promise<boolean> {
  return new Promise((done) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      done(true);
    });
    probe.once('error', () => done(false));
  });
}

/** How often idle cursors are closed and TTL indexes are applied. */
const MAINTENANCE_INTERVAL_MS = 60_000;

/**
 * The engine's server, running in whichever thread creates it (normally the engine worker, see
 * EmbeddedMongoServer). It has no authentication, so it listens on no TCP port at all: only on a
 * Unix domain socket, mode 0600, inside the data directory (itself 0700), so that only the user the
 * service runs as can connect. Mongoose connects to `uri` (the socket path URL-encoded) exactly as
 * it would to mongod. Without a data directory, or when its path is too long for a socket, the
 * socket goes in a private (0700) directory made under the system's temp directory.
 */
export class EngineServer {
  private readonly catalog = new Catalog();
  private readonly cursors = new CursorRegistry();
  private readonly logger: EmbeddedMongoLogger;
  private readonly sockets = new Set<Socket>();
  private storage: DurableStorage | null = null;
  private server: Server | null = null;
  private maintenance: NodeJS.Timeout | null = null;
  private state: ServerState | null = null;
  private nextConnectionId = 1;
  private socketPath: string | null = null;
  /** A directory made for the socket (memory only, or a data directory path too long); removed at stop. */
  private socketDir: string | null = null;

  constructor(private readonly options: EngineServerOptions = {}) {
    this.logger = options.logger ?? CONSOLE_LOGGER;
  }

  async start(): Promise<EngineAddress> {
    if (this.server) throw new Error('embedded engine already started');
    let dataDir: string | null = null;
    if (this.options.dataDir) {
      dataDir = resolve(this.options.dataDir);
      this.storage = new DurableStorage(dataDir, this.catalog, this.logger, {
        compactionThresholdBytes: this.options.compactionThresholdBytes,
        onStatus: this.options.onStorageStatus,
      });
      const started = Date.now();
      const restored = await this.storage.open();
      this.logger.info({ dataDir, ...restored, ms: Date.now() - started }, 'embedded engine: data restored');
    }
    this.state = {
      version: SERVER_VERSION,
      startedAt: new Date(),
      host: hostname(),
      port: 0,
      connections: { current: 0, totalCreated: 0 },
    };
    const server = createServer((socket) => this.accept(socket));
    let socketPath: string;
    try {
      socketPath = this.options.socketPath ? await this.claimSocketPath(resolve(this.options.socketPath)) : this.chooseSocketPath(dataDir);
      await new Promise<void>((resolveListen, reject) => {
        server.once('error', reject);
        server.listen(socketPath, () => {
          server.off('error', reject);
          resolveListen();
        });
      });
      // Owner only. Until this chmod the socket has the process umask's mode, never writable by
      // others (connecting needs write permission), and the directory around it is 0700 anyway.
      chmodSync(socketPath, DATA_FILE_MODE);
    } catch (err) {
      // Leave nothing behind: the data directory is released for the next start.
      server.close();
      await this.storage?.close({ compact: false }).catch(() => undefined);
      this.storage = null;
      this.removeSocketDir();
      throw err;
    }
    server.on('error', (err) => this.logger.error({ err: String(err) }, 'embedded engine: server error'));
    this.server = server;
    this.socketPath = socketPath;
    this.maintenance = setInterval(() => this.runMaintenance(), MAINTENANCE_INTERVAL_MS);
    this.maintenance.unref();
    const uri = socketUri(socketPath);
    this.logger.info({ socketPath, dataDir }, 'embedded engine: listening on a Unix socket');
    return { uri, socketPath };
  }

  /** `DATA_DIR/engine.sock`, or a private temp directory's socket without a data directory or when that path is too long. */
  private chooseSocketPath(dataDir: string | null): string {
    if (!dataDir) return this.privateSocketPath();
    const inDataDir = join(dataDir, ENGINE_SOCKET_FILE);
    if (Buffer.byteLength(inDataDir) > MAX_SOCKET_PATH_BYTES) {
      const socketPath = this.privateSocketPath();
      this.logger.warn(
        { dataDir, tooLong: inDataDir, socketPath, maxBytes: MAX_SOCKET_PATH_BYTES },
        'embedded engine: the data directory path is too long for a Unix socket; listening in a private temp directory instead',
      );
      return socketPath;
    }
    // The data directory is locked by now, so a socket left there is a killed process's.
    this.removeStaleSocket(inDataDir);
    return inDataDir;
  }

  /** A socket path given by the operator: free, or held by a socket nothing answers on (a killed engine's). */
  private async claimSocketPath(path: string): Promise<string> {
    if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
      throw new Error(`the socket path ${path} is longer than a Unix socket path may be (${MAX_SOCKET_PATH_BYTES} bytes)`);
    }
    let stat;
    try {
      stat = lstatSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return path;
      throw err;
    }
    if (!stat.isSocket()) throw new Error(`${path} exists and is not a socket; move it away so the engine can listen there`);
    if (await socketAnswers(path)) throw new Error(`another process is listening on ${path}; stop it or choose another --socket`);
    rmSync(path, { force: true });
    this.logger.info({ socketPath: path }, 'embedded engine: removed the socket of a previous run');
    return path;
  }

  /** A socket path in a new 0700 directory under the system's temp directory. */
  private privateSocketPath(): string {
    this.socketDir = mkdtempSync(join(tmpdir(), 'ouvidor-engine-'));
    const path = join(this.socketDir, ENGINE_SOCKET_FILE);
    if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
      this.removeSocketDir();
      throw new Error(`the temp directory path is too long for a Unix socket (${path}); set TMPDIR to a shorter path`);
    }
    return path;
  }

  private removeStaleSocket(path: string): void {
    let stat;
    try {
      stat = lstatSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    if (!stat.isSocket()) throw new Error(`${path} exists and is not a socket; move it away so the engine can listen there`);
    rmSync(path, { force: true });
    this.logger.info({ socketPath: path }, 'embedded engine: removed the socket of a previous run');
  }

  private removeSocketDir(): void {
    if (this.socketDir) rmSync(this.socketDir, { recursive: true, force: true });
    this.socketDir = null;
  }

  /** Stops listening, closes client connections and writes a final snapshot. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    if (this.maintenance) clearInterval(this.maintenance);
    this.maintenance = null;
    const closed = new Promise<void>((done) => server.close(() => done()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
    if (this.socketPath) rmSync(this.socketPath, { force: true });
    this.socketPath = null;
    this.removeSocketDir();
    this.cursors.closeAll();
    if (this.storage) {
      await this.storage.close();
      this.storage = null;
    }
    this.logger.info({}, 'embedded engine: stopped');
  }

  private accept(socket: Socket): void {
    const state = this.state!;
    const connectionId = this.nextConnectionId++;
    this.sockets.add(socket);
    state.connections.current++;
    state.connections.totalCreated++;
    socket.on('error', (err) => this.logger.debug?.({ connectionId, err: String(err) }, 'embedded engine: socket error'));
    socket.on('close', () => {
      this.sockets.delete(socket);
      state.connections.current--;
    });
    const contexts = new Map<string, CommandContext>();
    new ClientConnection(socket, {
      connectionId,
      logger: this.logger,
      context: (db) => {
        let ctx = contexts.get(db);
        if (!ctx) {
          ctx = { db, catalog: this.catalog, cursors: this.cursors, connectionId, server: state };
          contexts.set(db, ctx);
        }
        return ctx;
      },
      durable: (command) => (!this.storage || SHOWS_NO_DATA.has(command.toLowerCase()) ? null : this.storage.flushed()),
    });
  }

  private runMaintenance(): void {
    try {
      const closed = this.cursors.closeIdle();
      const expired = this.catalog.expireDocuments();
      if (closed || expired) this.logger.debug?.({ closedCursors: closed, expiredDocuments: expired }, 'embedded engine: maintenance');
      // Also retries failed journal writes; the storage logs a failure once per episode.
      this.storage?.flushed().catch(() => undefined);
    } catch (err) {
      this.logger.error({ err: String(err) }, 'embedded engine: maintenance failed');
    }
  }
}
