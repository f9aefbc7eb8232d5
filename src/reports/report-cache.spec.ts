import { ReportVersionsRepository } from '../report-freshness/report-versions.repository';
import { REPORT_CACHE_TTL_MS, REPORT_FRESHNESS_MS, ReportCache } from './report-cache';

/** The workspace's report version as the database holds it, with a count of the reads. */
class Versions {
  version = 0;
  apiWrites = 0;
  reads = 0;
  lastApiWriteAt = 0;
  async stamp(): Promise<{ version: number; apiWrites: number }> {
    this.reads++;
    return { version: this.version, apiWrites: this.apiWrites };
  }
  /** A change made through the API, as ApiWritesInterceptor bumps it. */
  apiWrite() {
    this.version++;
    this.apiWrites++;
    this.lastApiWriteAt = Date.now();
  }
}

/** A computation the test finishes by hand, counting how many were started. */
function computations() {
  const started: { resolve: (v: object) => void; reject: (e: Error) => void }[] = [];
  const compute = () =>
    new Promise<object>((resolve, reject) => {
      started.push({ resolve, reject });
    });
  return { started, compute };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('ReportCache', () => {
  let now: number;
  let versions: Versions;
  let cache: ReportCache;

  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    versions = new Versions();
    cache = new ReportCache(versions as unknown as ReportVersionsRepository);
  });

  afterEach(() => jest.restoreAllMocks());

  it('answers identical concurrent calls with one computation', async () => {
    const { started, compute } = computations();
    const calls = Array.from({ length: 20 }, () => cache.answer('overview', 'ws', { to: new Date(0) }, compute));
    await tick();
    expect(started).toHaveLength(1);
    started[0].resolve({ mentions: 7 });
    const answers = await Promise.all(calls);
    expect(answers.every((a) => (a as { mentions: number }).mentions === 7)).toBe(true);
    // the twenty calls read the version once: they share the read in flight
    expect(versions.reads).toBe(1);
  });

  it('reuses an answer while the version stands still, and keys by the query', async () => {
    let runs = 0;
    const compute = async () => ({ run: ++runs });
    expect(await cache.answer('overview', 'ws', { topic: 'a' }, compute)).toEqual({ run: 1 });
    now += 5_000;
    expect(await cache.answer('overview', 'ws', { topic: 'a' }, compute)).toEqual({ run: 1 });
    expect(await cache.answer('overview', 'ws', { topic: 'b' }, compute)).toEqual({ run: 2 });
    expect(await cache.answer('timeseries', 'ws', { topic: 'a' }, compute)).toEqual({ run: 3 });
    expect(await cache.answer('overview', 'other', { topic: 'a' }, compute)).toEqual({ run: 4 });
  });

  it('recomputes once the time to live has passed, even when nothing changed', async () => {
    let runs = 0;
    const compute = async () => ({ run: ++runs });
    await cache.answer('overview', 'ws', {}, compute);
    now += REPORT_CACHE_TTL_MS + 1;
    expect(await cache.answer('overview', 'ws', {}, compute)).toEqual({ run: 2 });
  });

  it('serves the previous answer within the freshness bound after a change, never after it', async () => {
    let runs = 0;
    const compute = async () => ({ run: ++runs, version: versions.version });
    await cache.answer('overview', 'ws', {}, compute);
    versions.version = 1; // a mention was counted
    now += REPORT_FRESHNESS_MS / 4;
    expect(await cache.answer('overview', 'ws', {}, compute)).toEqual({ run: 1, version: 0 });
    now += REPORT_FRESHNESS_MS; // the answer started more than the bound before this call
    expect(await cache.answer('overview', 'ws', {}, compute)).toEqual({ run: 2, version: 1 });
    // and the new answer serves the version it was computed at
    now += 5_000;
    expect(await cache.answer('overview', 'ws', {}, compute)).toEqual({ run: 2, version: 1 });
  });

  it('shows an API write on the next call, within the bound too (a user sees their own change)', async () => {
    let runs = 0;
    const compute = async () => ({ run: ++runs });
    await cache.answer('overview', 'ws', {}, compute);
    versions.apiWrite();
    now += 1;
    expect(await cache.answer('overview', 'ws', {}, compute)).toEqual({ run: 2 });
    // a background change right after is again within the bound
    versions.version++;
    now += 1;
    expect(await cache.answer('overview', 'ws', {}, compute)).toEqual({ run: 2 });
  });

  it('refreshes an outdated answer in the background past half the bound, so later calls do not wait', async () => {
    const { started, compute } = computations();
    const first = cache.answer('overview', 'ws', {}, compute);
    await tick();
    started[0].resolve({ run: 1 });
    await first;
    versions.version = 1;
    now += REPORT_FRESHNESS_MS * 0.75;
    // answered at once with the previous answer; its successor is being computed
    expect(await cache.answer('overview', 'ws', {}, compute)).toEqual({ run: 1 });
    expect(started).toHaveLength(2);
    expect(cache.stats().inFlight).toBe(1);
    started[1].resolve({ run: 2 });
    await tick();
    now += REPORT_FRESHNESS_MS;
    expect(await cache.answer('overview', 'ws', {}, compute)).toEqual({ run: 2 });
    expect(started).toHaveLength(2);
  });

  it('joins a computation in flight only while it is within the bound', async () => {
    const { started, compute } = computations();
    const a = cache.answer('overview', 'ws', {}, compute);
    await tick();
    versions.version = 1;
    now += REPORT_FRESHNESS_MS / 2;
    const b = cache.answer('overview', 'ws', {}, compute);
    await tick();
    expect(started).toHaveLength(1); // joined: started within the bound
    now += REPORT_FRESHNESS_MS;
    const c = cache.answer('overview', 'ws', {}, compute);
    await tick();
    expect(started).toHaveLength(2); // too old for this call: a new computation
    started[1].resolve({ run: 2 });
    expect(await c).toEqual({ run: 2 });
    // the older computation finishing late does not replace the newer answer
    started[0].resolve({ run: 1 });
    expect(await a).toEqual({ run: 1 });
    expect(await b).toEqual({ run: 1 });
    expect(await cache.answer('overview', 'ws', {}, compute)).toEqual({ run: 2 });
  });

  it('does not keep a failed computation: every caller sees the error, the next call computes again', async () => {
    const { started, compute } = computations();
    const calls = [cache.answer('overview', 'ws', {}, compute), cache.answer('overview', 'ws', {}, compute)];
    await tick();
    started[0].reject(new Error('engine down'));
    await expect(calls[0]).rejects.toThrow('engine down');
    await expect(calls[1]).rejects.toThrow('engine down');
    const again = cache.answer('overview', 'ws', {}, compute);
    await tick();
    started[1].resolve({ ok: true });
    expect(await again).toEqual({ ok: true });
    expect(cache.stats()).toMatchObject({ entries: 1, inFlight: 0 });
  });

  it('reads the version again for a call that arrives after the bound, so another process’s change shows', async () => {
    let release: (v: number) => void = () => undefined;
    const slow = new Versions();
    slow.stamp = () => new Promise((r) => (release = (version: number) => r({ version, apiWrites: 0 })));
    cache = new ReportCache(slow as unknown as ReportVersionsRepository);
    let runs = 0;
    const compute = async () => ({ run: ++runs });
    const first = cache.answer('overview', 'ws', {}, compute);
    const hanging = release;
    now += REPORT_FRESHNESS_MS + 1;
    const second = cache.answer('overview', 'ws', {}, compute);
    expect(release).not.toBe(hanging); // a second read, not the one started before the bound
    release(3);
    hanging(2);
    // the later read saw version 3; the earlier call, told 2, is served that newer answer too
    expect(await Promise.all([first, second])).toEqual([{ run: 1 }, { run: 1 }]);
    expect(runs).toBe(1);
  });
});
