import { totalmem } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FromEngineWorker, ToEngineWorker } from './engine-worker-protocol';
import { engineWorkerEntry } from './worker-entry';
import { CONSOLE_LOGGER, type EmbeddedMongoLogger, type EngineAddress, type EngineServerOptions } from './engine-server';

export type { EmbeddedMongoLogger, EngineAddress } from './engine-server';

/** Whether the engine can make writes durable: false while journal writes fail (disk full, I/O error). */
export interface EngineStorageStatus {
  writable: boolean;
  reason?: string;
}

/** Why the engine did not start; `code` is `DATA_DIR_DAMAGED` when the data directory needs `npm run db:repair`. */
export class EngineStartError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'EngineStartError';
  }
}

export interface EmbeddedMongoOptions {
  /** Where the journal and snapshot live; null or unset keeps everything in memory. */
  dataDir?: string | null;
  logger?: EmbeddedMongoLogger;
  /** Journal size that triggers a snapshot (default 64 MB). */
  compactionThresholdBytes?: number;
  /** Listen here instead of `DATA_DIR/engine.sock` (see EngineServerOptions.socketPath). */
  socketPath?: string | null;
  /** Heap limit of the engine thread, in MB. Default: 60% of the machine's memory, at least 4096. */
  maxHeapMb?: number;
  /**
   * Young-generation limit of the engine thread, in MB (default 16). V8 keeps the young
   * generation's pages once it has grown them: at 256 MB the engine of a demo with ten thousand
   * documents held 128 MB of them for 5 MB in use; 16 rather than 32 commits 8 MB less, for no
   * measurable CPU in the demo. A bulk loader may raise it (fewer scavenges).
   */
  youngGenerationMb?: number;
}

const STOP_TIMEOUT_MS = 120_000;
const YOUNG_GENERATION_MB = 16;

/**
 * The embedded MongoDB-compatible engine. It runs in its own worker thread: every stored document
 * lives in the engine's heap, so giving it its own heap (and heap limit) keeps a million mentions
 * from exhausting the application's, keeps the engine's garbage collection and long aggregations
 * off the thread serving HTTP, and lets client and engine use two cores. Clients reach it over
 * its Unix domain socket only (mode 0600, in the data directory), speaking the wire protocol
 * exactly like mongod; no TCP port is opened.
 */
export class EmbeddedMongoServer {
  private worker: Worker | null = null;
  private stopping: Promise<void> | null = null;
  private status: EngineStorageStatus = { writable: true };
  private readonly logger: EmbeddedMongoLogger;

  constructor(private readonly options: EmbeddedMongoOptions = {}) {
    this.logger = options.logger ?? CONSOLE_LOGGER;
  }

  /** Starts the engine; it listens on a Unix socket (see EngineServer), whose driver URI this returns. */
  async start(): Promise<EngineAddress> {
    if (this.worker) throw new Error('embedded engine already started');
    const { filename, execArgv } = engineWorkerEntry(__filename);
    const settings: Omit<EngineServerOptions, 'logger'> = {
      dataDir: this.options.dataDir ?? null,
      compactionThresholdBytes: this.options.compactionThresholdBytes,
      socketPath: this.options.socketPath ?? null,
    };
    const maxHeapMb = this.options.maxHeapMb ?? Math.max(4096, Math.floor((totalmem() / 1048576) * 0.6));
    const worker = new Worker(filename, {
      workerData: settings,
      execArgv,
      resourceLimits: {
        maxOldGenerationSizeMb: maxHeapMb,
        maxYoungGenerationSizeMb: this.options.youngGenerationMb ?? YOUNG_GENERATION_MB,
      },
    });
    this.worker = worker;
    return new Promise((resolve, reject) => {
      let started = false;
      worker.on('message', (message: FromEngineWorker) => {
        switch (message.type) {
          case 'log': {
            this.logger[message.level]?.(message.obj, message.msg);
            return;
          }
          case 'ready':
            started = true;
            resolve({ uri: message.uri, socketPath: message.socketPath });
            return;
          case 'failed':
            this.worker = null;
            void worker.terminate();
            reject(new EngineStartError(`embedded engine failed to start: ${message.error}`, message.code));
            return;
          case 'storage':
            this.status = { writable: message.writable, ...(message.reason ? { reason: message.reason } : {}) };
            return;
          default:
            return;
        }
      });
      worker.on('error', (err) => {
        this.logger.error({ err: err.stack ?? String(err) }, 'embedded engine: worker crashed');
        if (!started) reject(err);
      });
      worker.on('exit', (code) => {
        if (this.worker === worker && !this.stopping) {
          this.logger.error({ code }, 'embedded engine: worker exited unexpectedly');
          this.worker = null;
        }
      });
    });
  }

  /** Whether writes can be made durable now (always true without a data directory). */
  get storageStatus(): EngineStorageStatus {
    return this.status;
  }

  /** Closes client connections, writes a final snapshot (with a data directory) and ends the thread. */
  stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return Promise.resolve();
    if (!this.stopping) {
      this.stopping = new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.logger.error({ timeoutMs: STOP_TIMEOUT_MS }, 'embedded engine: clean stop timed out; terminating');
          resolve();
        }, STOP_TIMEOUT_MS);
        worker.on('message', (message: FromEngineWorker) => {
          if (message.type !== 'stopped') return;
          clearTimeout(timer);
          if (message.error) this.logger.error({ err: message.error }, 'embedded engine: error while stopping');
          resolve();
        });
        worker.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        worker.postMessage({ type: 'stop' } satisfies ToEngineWorker);
      }).then(async () => {
        await worker.terminate();
        this.worker = null;
        this.stopping = null;
      });
    }
    return this.stopping;
  }
}
