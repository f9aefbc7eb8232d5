import { Logger } from '@nestjs/common';
import { EmbeddedMongoServer, EngineStartError } from '../embedded-mongo';
import { Settings } from '../config/settings';

/** Where Mongoose connects: a real MongoDB (`MONGODB_URI`) or the embedded engine. */
export interface DatabaseTarget {
  kind: 'external' | 'embedded';
  uri: string;
  dataDir: string | null;
  /** Why the database cannot take writes now (the embedded engine's disk is full, say), or null. */
  unavailableReason(): string | null;
  stop(): Promise<void>;
}

export const DATABASE_TARGET = Symbol('DATABASE_TARGET');

function redact(uri: string): string {
  try {
    const u = new URL(uri);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'mongodb://(unparsable)';
  }
}

export async function openDatabaseTarget(settings: Settings, logger = new Logger('Database')): Promise<DatabaseTarget> {
  if (settings.mongodbUri) {
    logger.log(`Using MongoDB at ${redact(settings.mongodbUri)}`);
    return { kind: 'external', uri: settings.mongodbUri, dataDir: null, unavailableReason: () => null, stop: async () => undefined };
  }
  const engineLog = new Logger('EmbeddedMongo');
  const server = new EmbeddedMongoServer({
    dataDir: settings.dataDir,
    logger: {
      info: (obj, msg) => engineLog.log({ ...obj, msg }),
      warn: (obj, msg) => engineLog.warn({ ...obj, msg }),
      error: (obj, msg) => engineLog.error({ ...obj, msg }),
      debug: (obj, msg) => engineLog.debug({ ...obj, msg }),
    },
  });
  let uri: string;
  try {
    ({ uri } = await server.start());
  } catch (err) {
    if (err instanceof EngineStartError && err.code === 'DATA_DIR_DAMAGED') {
      // Said plainly on stderr, before the framework's stack trace: this is what the user must act on.
      process.stderr.write(`\nOuvidor cannot start: ${err.message.replace(/^embedded engine failed to start: /, '')}\n\n`);
    }
    throw err;
  }
  logger.log(
    `Using the embedded MongoDB-compatible engine at ${uri} (${settings.dataDir ? `data in ${settings.dataDir}` : 'memory only'})`,
  );
  return {
    kind: 'embedded',
    uri,
    dataDir: settings.dataDir,
    unavailableReason: () => {
      const status = server.storageStatus;
      return status.writable ? null : `writes cannot be made durable in ${settings.dataDir}: ${status.reason ?? 'unknown error'}`;
    },
    stop: () => server.stop(),
  };
}

let early: { settings: Settings; target: Promise<DatabaseTarget> } | null = null;

/**
 * Opens the database before the application's modules are loaded (`main.ts`): the embedded
 * engine restores its data in its own thread while the main thread loads and compiles the
 * modules, instead of after them. The database module takes this target (once) when it is
 * created with the same settings; a failure surfaces there, as it would without the early start.
 */
export function openDatabaseTargetEarly(settings: Settings): void {
  const target = openDatabaseTarget(settings);
  target.catch(() => undefined); // handled where it is taken
  early = { settings, target };
}

/** The target `openDatabaseTargetEarly` opened for these settings (once), or a new one. */
export function takeDatabaseTarget(settings: Settings): Promise<DatabaseTarget> {
  const opened = early?.settings === settings ? early.target : null;
  early = null;
  return opened ?? openDatabaseTarget(settings);
}
