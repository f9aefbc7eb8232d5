import { getHeapStatistics } from 'node:v8';
import type { Document } from 'bson';
import { CommandError, ErrorCode } from '../errors';
import { MAX_MESSAGE_SIZE_BYTES } from '../wire/wire-protocol';
import type { CommandContext, CommandHandler } from './command-context';

/** The server generation the engine claims: MongoDB 7.0, wire version 21 (the 7.x driver needs 8+). */
export const SERVER_VERSION = '7.0.0';
export const MAX_WIRE_VERSION = 21;
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_WRITE_BATCH_SIZE = 100_000;
export const LOGICAL_SESSION_TIMEOUT_MINUTES = 30;

/**
 * A standalone server's hello. No `topologyVersion`, so drivers poll every heartbeat instead of
 * holding a streaming (exhaust) hello open; no `setName`, so the topology is Standalone and the
 * driver neither retries writes nor starts transactions.
 */
function hello(_cmd: Document, ctx: CommandContext): Document {
  return {
    helloOk: true,
    isWritablePrimary: true,
    ismaster: true,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: LOGICAL_SESSION_TIMEOUT_MINUTES,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
}

function buildInfo(): Document {
  return {
    version: SERVER_VERSION,
    gitVersion: 'ouvidor-embedded-engine',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['ouvidor-embedded'],
    javascriptEngine: 'none',
    modules: [],
    allocator: 'system',
    ok: 1,
  };
}

const PARAMETERS: Document = {
  featureCompatibilityVersion: { version: '7.0' },
  authenticationMechanisms: [],
  requireApiVersion: false,
};

function getParameter(cmd: Document): Document {
  const selector = cmd.getParameter;
  if (selector === '*' || (typeof selector === 'object' && selector?.allParameters)) return { ...PARAMETERS, ok: 1 };
  const asked = Object.keys(cmd).filter((k) => k !== 'getParameter' && !k.startsWith('$') && k !== 'lsid');
  const out: Document = {};
  for (const name of asked) if (name in PARAMETERS) out[name] = PARAMETERS[name];
  if (Object.keys(out).length === 0) throw new CommandError(ErrorCode.InvalidOptions, 'no option found to get');
  return { ...out, ok: 1 };
}

function serverStatus(_cmd: Document, ctx: CommandContext): Document {
  const uptimeMillis = Date.now() - ctx.server.startedAt.getTime();
  const memory = process.memoryUsage();
  const heap = getHeapStatistics();
  const mb = (bytes: number) => Math.round(bytes / 1048576);
  return {
    host: `${ctx.server.host}:${ctx.server.port}`,
    version: SERVER_VERSION,
    process: 'ouvidor-embedded-engine',
    pid: process.pid,
    uptime: Math.floor(uptimeMillis / 1000),
    uptimeMillis,
    localTime: new Date(),
    connections: { current: ctx.server.connections.current, available: 1000, totalCreated: ctx.server.connections.totalCreated },
    // resident: the whole process, in MB, as mongod reports it; heapUsed / heapTotal: the engine's
    // own heap (its worker thread's when embedded), where every stored document and index lives.
    mem: {
      bits: 64,
      resident: Math.round(memory.rss / 1048576),
      virtual: 0,
      heapUsed: mb(heap.used_heap_size),
      heapTotal: mb(heap.total_heap_size),
    },
    metrics: { cursor: { open: { total: ctx.cursors.size } } },
    ok: 1,
  };
}

export const handshakeCommands: Record<string, CommandHandler> = {
  hello,
  isMaster: hello,
  ismaster: hello,
  ping: () => ({ ok: 1 }),
  buildInfo,
  buildinfo: buildInfo,
  getParameter,
  serverStatus,
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  getLastError: () => ({ n: 0, err: null, ok: 1 }),
  endSessions: () => ({ ok: 1 }),
  killSessions: () => ({ ok: 1 }),
  refreshSessions: () => ({ ok: 1 }),
  whatsmyuri: (_cmd, ctx) => ({ you: `${ctx.server.host}:0`, ok: 1 }),
};
