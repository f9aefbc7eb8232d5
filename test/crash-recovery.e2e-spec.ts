import { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XApiEmulator } from '../src/demo/networks/x/x-api-emulator';
import { ServiceProcess, startServiceProcess } from './support/service-process';
import { startXTestServer, X_TEST_TOKEN } from './support/x-test-server';

/**
 * The real service in a child process on a data directory, killed with SIGKILL in the middle of
 * a collection, then started again on the same directory: nothing acknowledged is lost and
 * nothing is stored twice; the collection resumes and completes.
 */
const KEY = 'ouv_crash-test-admin-key-0123456789';
const TOTAL = 1200;

const startService = (dataDir: string, baseUrl: string): Promise<ServiceProcess> =>
  startServiceProcess({ DATA_DIR: dataDir, X_BEARER_TOKEN: X_TEST_TOKEN, X_API_BASE_URL: baseUrl }, { healthy: true, adminKey: KEY });

const api = (port: number, path: string, init: RequestInit = {}) =>
  fetch(`http://127.0.0.1:${port}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
  });

async function storedIds(port: number): Promise<string[]> {
  const csv = await (await api(port, '/api/v1/exports/mentions.csv')).text();
  const lines = csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\n')
    .slice(1);
  return lines.map((l) => l.split(',')[3]);
}

describe('Killed mid-collection (e2e, SIGKILL)', () => {
  let x: XApiEmulator;
  let baseUrl: string;
  let dataDir: string;
  let child: ChildProcess | null = null;

  beforeAll(async () => {
    ({ server: x, baseUrl } = await startXTestServer());
    dataDir = mkdtempSync(join(tmpdir(), 'ouvidor-crash-'));
    x.addUser({ id: '700', username: 'crowd' });
    for (let i = 0; i < TOTAL; i++)
      x.addTweet({
        author_username: 'crowd',
        text: `crashcheck post number ${i}`,
        created_at: new Date(Date.now() - (TOTAL - i) * 60_000),
      });
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await x?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes where it stopped, losing and duplicating nothing', async () => {
    const step = (m: string) => process.env.STEPS && console.log('STEP', m, new Date().toISOString());
    let port: number;
    ({ child, port } = await startService(dataDir, baseUrl));
    const topic = (await (
      await api(port, '/api/v1/topics', { method: 'POST', body: JSON.stringify({ name: 'Crash', query: 'crashcheck', platforms: ['x'] }) })
    ).json()) as { id: string };
    expect(topic.id).toBeDefined();
    step('topic');
    // slow every search page down so the kill lands in the middle of the run
    x.failNext('tweets/search/recent', { delayMs: 400 }, 100);
    const collecting = api(port, `/api/v1/topics/${topic.id}/collect`, { method: 'POST' }).catch(() => null);
    let before: string[] = [];
    for (let i = 0; i < 200; i++) {
      before = await storedIds(port);
      if (before.length >= 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    step(`before ${before.length}`);
    expect(before.length).toBeGreaterThanOrEqual(200);
    expect(before.length).toBeLessThan(TOTAL);
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGKILL');
    await Promise.all([collecting, exited]);
    step('killed');
    x.clearFaults();

    ({ child, port } = await startService(dataDir, baseUrl));
    step('restarted');
    const afterRestart = await storedIds(port);
    // everything acknowledged before the kill is still there
    expect(afterRestart.length).toBeGreaterThanOrEqual(before.length);
    const res = (await (await api(port, `/api/v1/topics/${topic.id}/collect`, { method: 'POST' })).json()) as { mentions: number };
    expect(res.mentions).toBe(TOTAL - afterRestart.length);
    const all = await storedIds(port);
    expect(all).toHaveLength(TOTAL);
    expect(new Set(all).size).toBe(TOTAL);
    const again = await (await api(port, `/api/v1/topics/${topic.id}/collect`, { method: 'POST' })).json();
    expect(again).toEqual({ mentions: 0, posts: 0, replies: 0 });
  }, 120_000);
});
