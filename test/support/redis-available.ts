import { spawnSync } from 'node:child_process';
import { redisServerInstalled } from './private-redis';

/**
 * Redis-dependent suites, decided when the test file is loaded: Jest reports a suite "skipped"
 * when the Redis it needs is absent, instead of "passed" with nothing checked. In CI (`CI` set)
 * an absent Redis is a failure, named, since .ci/run starts one.
 *
 * The decision must be synchronous (Jest collects `describe` blocks synchronously), so the shared
 * server is pinged by a short child process and the binary is looked for with `--version`.
 */

/** The shared Redis the BullMQ suites use. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const PROBE_TIMEOUT_MS = 3_000;
const IN_CI = !!process.env.CI && process.env.CI !== 'false';

/**
 * Sends PING (after AUTH when the URL has a password) to `url` from a child process and says
 * whether +PONG came back within the timeout.
 */
export function redisReachable(url: string = TEST_REDIS_URL): boolean {
  const probe = `
    const net = require('node:net');
    const u = new URL(process.argv[1]);
    const auth = u.password ? [u.username ? decodeURIComponent(u.username) : null, decodeURIComponent(u.password)].filter((x) => x !== null) : null;
    const socket = net.connect(Number(u.port || 6379), u.hostname || '127.0.0.1');
    let answer = '';
    socket.setTimeout(${PROBE_TIMEOUT_MS - 500}, () => process.exit(1));
    socket.on('error', () => process.exit(1));
    socket.on('connect', () => {
      const cmd = (args) => '*' + args.length + '\\r\\n' + args.map((a) => '$' + Buffer.byteLength(a) + '\\r\\n' + a + '\\r\\n').join('');
      socket.write((auth ? cmd(['AUTH', ...auth]) : '') + cmd(['PING']));
    });
    socket.on('data', (d) => { answer += d; if (answer.includes('+PONG')) process.exit(0); if (answer.startsWith('-')) process.exit(1); });
  `;
  const r = spawnSync(process.execPath, ['-e', probe, url], { stdio: 'ignore', timeout: PROBE_TIMEOUT_MS });
  return !r.error && r.status === 0;
}

type Describe = (name: string, fn: () => void) => void;

function describeIf(available: boolean, missing: string): Describe {
  if (available) return (name, fn) => describe(name, fn);
  if (IN_CI) {
    return (name) =>
      describe(name, () => {
        it(`needs ${missing}`, () => {
          throw new Error(`${missing} is not available; CI must provide it (.ci/run does)`);
        });
      });
  }
  return (name, fn) => describe.skip(`${name} [skipped: no ${missing}]`, fn);
}

let shared: boolean | undefined;
let binary: boolean | undefined;

/** `describe` when the shared Redis (TEST_REDIS_URL) answers, `describe.skip` when it does not (outside CI). */
export const describeWithRedis: Describe = (name, fn) => describeIf((shared ??= redisReachable()), `Redis at ${TEST_REDIS_URL}`)(name, fn);

/** `describe` when `redis-server` is installed (the suite starts its own), `describe.skip` when not (outside CI). */
export const describeWithRedisServer: Describe = (name, fn) =>
  describeIf((binary ??= redisServerInstalled()), 'a redis-server binary')(name, fn);
