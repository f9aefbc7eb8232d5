/**
 * Entry point of the engine's worker thread: runs an EngineServer and talks to the
 * EmbeddedMongoServer that spawned it through a few messages (ready, log, stop, stopped).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EngineServer, type EngineServerOptions } from './engine-server';
import type { FromEngineWorker, ToEngineWorker } from './engine-worker-protocol';

function post(message: FromEngineWorker): void {
  parentPort!.postMessage(message);
}

function logAt(level: 'info' | 'warn' | 'error' | 'debug') {
  return (obj: object, msg?: string): void => {
    let safe: object;
    try {
      safe = structuredClone(obj);
    } catch {
      safe = { detail: String(obj) };
    }
    post({ type: 'log', level, obj: safe, msg });
  };
}

async function main(): Promise<void> {
  const options = workerData as Omit<EngineServerOptions, 'logger'>;
  const server = new EngineServer({
    ...options,
    logger: { info: logAt('info'), warn: logAt('warn'), error: logAt('error'), debug: logAt('debug') },
    onStorageStatus: (status) => post({ type: 'storage', writable: status.writable, reason: status.reason }),
  });
  parentPort!.on('message', (message: ToEngineWorker) => {
    if (message.type !== 'stop') return;
    server.stop().then(
      () => post({ type: 'stopped' }),
      (err: unknown) => post({ type: 'stopped', error: String(err instanceof Error ? err.stack : err) }),
    );
  });
  try {
    const { uri, socketPath } = await server.start();
    post({ type: 'ready', uri, socketPath });
  } catch (err) {
    post({ type: 'failed', error: err instanceof Error ? err.message : String(err), code: (err as { code?: unknown })?.code?.toString() });
  }
}

void main();
