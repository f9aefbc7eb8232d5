import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { Catalog } from './catalog';
import { ClientConnection } from './client-connection';
import type { CommandContext, ServerState } from './commands/command-context';
import { SERVER_VERSION } from './commands/handshake-commands';
import { CursorRegistry } from './cursor-registry';
import { DurableStorage, type StorageStatus } from './durable-storage';

export interface EmbeddedMongoLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export interface EngineServerOptions {
  /** Where the journal and snapshot live; null or unset keeps everything in memory. */
  dataDir?: string | null;
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1 (the engine has no authentication). */
  host?: string;
  logger?: EmbeddedMongoLogger;
  /** Journal size that triggers a snapshot (default 64 MB). */
  compactionThresholdBytes?: number;
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
const SHOWS_NO_DATA = new Set(['hello', 'ismaster', 'ping', 'buildinfo', 'endsessions', 'getparameter', 'connectionstatus', 'hostinfo', 'whatsmyuri', 'getcmdlineopts']);

/** How often idle cursors are closed and TTL indexes are applied. */
const MAINTENANCE_INTERVAL_MS = 60_000;

/**
 * The engine's TCP server, running in whichever thread creates it (normally the engine worker,
 * see EmbeddedMongoServer). Mongoose connects to `uri` exactly as it would to mongod.
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

  constructor(private readonly options: EngineServerOptions = {}) {
    this.logger = options.logger ?? CONSOLE_LOGGER;
  }

  async start(): Promise<{ uri: string; port: number }> {
    if (this.server) throw new Error('embedded engine already started');
    const host = this.options.host ?? '127.0.0.1';
    if (this.options.dataDir) {
      const dir = resolve(this.options.dataDir);
      this.storage = new DurableStorage(dir, this.catalog, this.logger, {
        compactionThresholdBytes: this.options.compactionThresholdBytes,
        onStatus: this.options.onStorageStatus,
      });
      const started = Date.now();
      const restored = await this.storage.open();
      this.logger.info({ dataDir: dir, ...restored, ms: Date.now() - started }, 'embedded engine: data restored');
    }
    this.state = {
      version: SERVER_VERSION,
      startedAt: new Date(),
      host,
      port: 0,
      connections: { current: 0, totalCreated: 0 },
    };
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, host, () => {
        server.off('error', reject);
        resolveListen();
      });
    });
    server.on('error', (err) => this.logger.error({ err: String(err) }, 'embedded engine: server error'));
    this.server = server;
    const port = (server.address() as AddressInfo).port;
    this.state.port = port;
    this.maintenance = setInterval(() => this.runMaintenance(), MAINTENANCE_INTERVAL_MS);
    this.maintenance.unref();
    const uri = `mongodb://${host.includes(':') ? `[${host}]` : host}:${port}/?directConnection=true`;
    this.logger.info({ uri, dataDir: this.storage?.dir ?? null }, 'embedded engine: listening');
    return { uri, port };
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
