/**
 * `npm run engine -- --data-dir DIR [--socket PATH]`: the embedded engine on its own, without the
 * application, so that several service processes can share one engine (each with `MONGODB_URI` set
 * to the URI this logs). Compiled, the same entry is `node dist/embedded-mongo/server/engine-cli.js`.
 * Logs are pino JSON lines on stdout; SIGTERM or SIGINT stops it cleanly (connections closed, a
 * final snapshot written; repeated signals meanwhile are ignored), and exits 0. Exits 1 when the engine cannot start (the message names
 * the cause, e.g. a damaged data directory and `npm run db:repair`), 2 on bad arguments.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { EmbeddedMongoServer, EngineStartError } from './embedded-mongo-server';

const USAGE = `usage: npm run engine -- --data-dir DIR [--socket PATH] [--max-heap-mb N]
  --data-dir DIR    where the journal and snapshots live (default: $DATA_DIR, else ./data)
  --socket PATH     listen on this Unix socket instead of DIR/engine.sock
  --max-heap-mb N   heap limit of the engine (default: 60% of RAM, at least 4096)`;

export interface EngineCliOptions {
  dataDir: string;
  socketPath: string | null;
  maxHeapMb: number | undefined;
}

/** The command line's options, paths resolved against `cwd`; throws a usage message when they are wrong. */
export function parseEngineArguments(args: string[], env: NodeJS.ProcessEnv, cwd: string): EngineCliOptions | 'help' {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      socket: { type: 'string' },
      'max-heap-mb': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new Error(`unexpected argument: ${positionals[0]}`);
  const dataDir = values['data-dir'] ?? (env.DATA_DIR || './data');
  if (!dataDir) throw new Error('--data-dir needs a directory');
  if (values.socket === '') throw new Error('--socket needs a path');
  let maxHeapMb: number | undefined;
  if (values['max-heap-mb'] !== undefined) {
    maxHeapMb = Number(values['max-heap-mb']);
    if (!Number.isInteger(maxHeapMb) || maxHeapMb < 256) throw new Error('--max-heap-mb must be a whole number of MB, at least 256');
  }
  return {
    dataDir: resolve(cwd, dataDir),
    socketPath: values.socket ? resolve(cwd, values.socket) : null,
    maxHeapMb,
  };
}

async function main(): Promise<number> {
  let options: EngineCliOptions | 'help';
  try {
    // npm runs scripts from the project root; a relative path means what it meant where the user typed it.
    options = parseEngineArguments(process.argv.slice(2), process.env, process.env.INIT_CWD ?? process.cwd());
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // Everything the engine creates (data files, the socket) is owner-only from the first byte.
  process.umask(0o077);
  const logger = pino({ level: process.env.LOG_LEVEL || 'info', base: { pid: process.pid, name: 'ouvidor-engine' } });
  const engine = new EmbeddedMongoServer({
    dataDir: options.dataDir,
    socketPath: options.socketPath,
    maxHeapMb: options.maxHeapMb,
    logger,
  });

  let stopping = false;
  const stopped = new Promise<number>((done) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      // npm forwards the signal the terminal already sent to the whole group: a repeat is expected,
      // and cutting the final snapshot short would gain nothing (the stop is bounded by its own timeout).
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'embedded engine: stopping');
      engine.stop().then(
        () => done(0),
        (err: unknown) => {
          logger.error({ err: String(err) }, 'embedded engine: stop failed');
          done(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });

  try {
    const { uri, socketPath } = await engine.start();
    logger.info({ uri, socketPath, dataDir: options.dataDir }, 'embedded engine: ready (point MONGODB_URI at uri)');
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    logger.error({ code: err instanceof EngineStartError ? err.code : undefined }, message);
    process.stderr.write(`${message}\n`);
    await engine.stop();
    return 1;
  }
  return stopped;
}

if (require.main === module) {
  void main().then((code) => {
    process.exitCode = code;
    // pino writes asynchronously; exit once stdout has drained rather than cutting the last lines.
    process.stdout.write('', () => process.exit(code));
  });
}
