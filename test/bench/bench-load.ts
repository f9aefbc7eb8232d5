/**
 * `npm run bench:load`: starts the service as a child process (the demo, on a temporary data
 * directory, in-process jobs), waits for the demo's first collection and desk pass, then drives
 * the calls a dashboard makes with autocannon: the overview, a daily timeseries, the mentions list
 * and the inbox, 20 concurrent clients for 20 seconds each. Prints p50, p99 and requests/s per
 * call, and the service's resident memory (RSS, from /proc) before and after. The whole round runs
 * twice, so a growing RSS shows. BENCH_LOAD_SECONDS and BENCH_LOAD_CONNECTIONS override 20 / 20.
 */
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt } from './bench-support';

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_LOAD_CONNECTIONS ?? 20);
const ROUNDS = 2;
const API_KEY = 'ouv_bench-load-admin-key-0123456789abcdef';
const DAY = 24 * 3600_000;

/** Resident set size of a process in MB, from /proc (Linux). */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return line ? Number(line.replace(/\D+/g, '')) / 1024 : NaN;
}

interface Service {
  child: ChildProcess;
  base: string;
  /** Resolves once the demo logged its first collection stored (its backfill is in). */
  firstCollection: Promise<void>;
}

function startService(dataDir: string): Promise<Service> {
  // BENCH_LOAD_NODE_OPTIONS: more flags for the service's node (e.g. --prof to profile it under load)
  const extra = (process.env.BENCH_LOAD_NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...extra, '--max-semi-space-size=64', '-r', '@swc-node/register', 'src/main.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      DATA_DIR: dataDir,
      DEMO: 'true',
      ADMIN_API_KEY: API_KEY,
      LOG_LEVEL: 'info',
      REDIS_URL: '',
      MONGODB_URI: '',
      // the bench measures the service, which the per-key limit would cap
      RATE_LIMIT_PER_MINUTE: '10000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let collected: () => void = () => undefined;
  const firstCollection = new Promise<void>((r) => (collected = r));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the service did not start in 180 s:\n${out.slice(-2000)}`)), 180_000);
    child.on('exit', (code) => reject(new Error(`the service exited (${code}):\n${out.slice(-2000)}`)));
    let listening = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out = (out + chunk.toString()).slice(-100_000);
      if (out.includes('first collection stored')) collected();
      const m = /listening on (http:\/\/localhost:\d+)/.exec(out);
      if (m && !listening) {
        listening = true;
        clearTimeout(timer);
        resolve({ child, base: m[1].replace('localhost', '127.0.0.1'), firstCollection });
      }
    });
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  });
}

async function getJson(base: string, path: string): Promise<any> {
  const r = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${API_KEY}` } });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

/**
 * After the demo's first collection (its week of backfill): the log line says so; on a busy
 * machine, counts that stand still for 30 s do too. Then the counts must stand still for 10 s.
 */
async function waitForDemo(service: Service): Promise<{ mentions: number; cases: number }> {
  const deadline = Date.now() + 600_000;
  let collected = false;
  void service.firstCollection.then(() => (collected = true));
  let last = '';
  let sameSince = Date.now();
  for (;;) {
    const overview = await getJson(service.base, `/api/v1/reports/overview?from=${new Date(Date.now() - 7 * DAY).toISOString()}`);
    const cases = await getJson(service.base, '/api/v1/cases?limit=1');
    const now = { mentions: overview.volume.mentions as number, cases: cases.total as number };
    const key = JSON.stringify(now);
    if (key !== last) sameSince = Date.now();
    const still = Date.now() - sameSince;
    if (now.mentions > 0 && ((collected && still >= 10_000) || still >= 30_000)) return now;
    if (Date.now() > deadline) throw new Error(`the demo did not settle in 600 s (${key})`);
    last = key;
    await new Promise((r) => setTimeout(r, 5_000));
  }
}

async function hammer(base: string, path: string) {
  const result = await autocannon({
    url: `${base}${path}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { Authorization: `Bearer ${API_KEY}` },
  });
  const failed = result.non2xx + result.errors + result.timeouts;
  return { p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average, total: result.requests.total, failed };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'ouvidor-bench-load-'));
  console.log(`starting the service (demo) on ${dataDir}…`);
  const service = await startService(dataDir);
  const { child, base } = service;
  try {
    const seeded = await waitForDemo(service);
    console.log(`demo ready: ${fmt(seeded.mentions)} mentions in the last 7 days, ${fmt(seeded.cases)} cases`);
    // A dashboard's range: fixed bounds, as the page sends them.
    const to = new Date().toISOString();
    const from = new Date(Date.now() - 7 * DAY).toISOString();
    const calls: [string, string][] = [
      ['overview, 7 days', `/api/v1/reports/overview?from=${from}&to=${to}`],
      ['timeseries volume.mentions by day', `/api/v1/reports/timeseries?metric=volume.mentions&interval=day&from=${from}&to=${to}`],
      ['mentions list', '/api/v1/mentions?limit=50'],
      ['inbox (open cases)', '/api/v1/cases?status=open&limit=50'],
    ];
    console.log(`\n${CONNECTIONS} concurrent clients, ${SECONDS} s per call, ${ROUNDS} rounds (pid ${child.pid})`);
    for (let round = 1; round <= ROUNDS; round++) {
      const before = rssMb(child.pid!);
      console.log(`round ${round}: RSS before ${fmt(before)} MB`);
      for (const [label, path] of calls) {
        const r = await hammer(base, path);
        console.log(
          `  ${label.padEnd(36)} p50 ${fmt(r.p50).padStart(5)} ms   p99 ${fmt(r.p99).padStart(5)} ms   ${fmt(r.rps, 1).padStart(7)} req/s` +
            (r.failed ? `   (${r.failed} failed)` : ''),
        );
      }
      const after = rssMb(child.pid!);
      console.log(
        `round ${round}: RSS after ${fmt(after)} MB (${after >= before ? '+' : ''}${fmt(((after - before) / before) * 100, 1)} %)`,
      );
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
