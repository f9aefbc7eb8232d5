/**
 * `npm run bench:reports`: seeds 1,000,000 mentions over 90 days (with their 15-minute rollups, as
 * ingestion keeps them), cases, own posts, leads, traffic, contacts and surveys into the embedded
 * engine, then times the overview and a daily timeseries over HTTP: median and p95 of 20 calls.
 * Mentions are bulk-inserted rather than enriched one by one (bench:ingest measures that path).
 * After seeding it prints the engine's memory (and, with BENCH_DATA_DIR=DIR, its bytes on disk).
 */
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { getModelToken } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { CareRollupsService } from '../../src/care/rollups/care-rollups.service';
import { Case } from '../../src/care/schemas/case.schema';
import { OwnPost } from '../../src/engagement/schemas/own-post.schema';
import { ALL_TOPICS, MentionRollup } from '../../src/mentions/schemas/mention-rollup.schema';
import { startOfRollupSlot } from '../../src/reports/kpis/buckets';
import { Mention } from '../../src/mentions/schemas/mention.schema';
import { LeadsService } from '../../src/leads/leads.service';
import { MentionsService } from '../../src/mentions/mentions.service';
import { SurveysService } from '../../src/surveys/surveys.service';
import { ReportVersionsRepository } from '../../src/report-freshness/report-versions.repository';
import { REPORT_FRESHNESS_MS } from '../../src/reports/report-cache';
import { ThemeRollup } from '../../src/themes/schemas/theme-rollup.schema';
import { TopicsService } from '../../src/topics/topics.service';
import { WorkspacesService } from '../../src/workspaces/workspaces.service';
import { fmt, prng, SAMPLE_TEXTS, startBenchApp, stats } from './bench-support';
import { ThemeRollupSeed } from './theme-rollup-seed';
import { seedCompetitors } from './competitors-seed';

const MENTIONS = Number(process.env.BENCH_MENTIONS ?? 1_000_000);
const CASES = Number(process.env.BENCH_CASES ?? 30_000);
/** The first competitor's mentions over the 90 days; the second has half as many. */
const COMPETITOR_MENTIONS = Number(process.env.BENCH_COMPETITOR_MENTIONS ?? 150_000);
const DAYS = 90;
const HOUR = 3600_000;
const LABELS = ['positive', 'negative', 'neutral'] as const;
const INTENTS = ['support', 'complaint', 'question', 'lead', 'praise', 'other'] as const;

async function main() {
  const rand = prng(42);
  const dataDir = process.env.BENCH_DATA_DIR;
  const app = await startBenchApp(dataDir ? { dataDir } : {});
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const { workspace, apiKey } = await app.get(WorkspacesService).create({ name: 'Bench', timezone: 'America/Sao_Paulo', currency: 'BRL' });
  const topic = await app
    .get(TopicsService)
    .create(workspace.id, { name: 'Bench', query: 'lumi', platforms: ['x'], ownedAccounts: [{ platform: 'x', handle: 'lumi_br' }] });
  const wsId = new Types.ObjectId(workspace.id);
  const tId = new Types.ObjectId(topic.id);
  const model = <T>(name: string) => app.get<Model<T>>(getModelToken(name), { strict: false });
  const mentions = model<Mention>(Mention.name);
  const rollups = model<MentionRollup>(MentionRollup.name);
  const now = Date.now();
  const start = now - DAYS * 24 * HOUR;

  console.log(`seeding ${fmt(MENTIONS)} mentions over ${DAYS} days…`);
  const counters = new Map<number, Record<string, any>>();
  const themeSeed = new ThemeRollupSeed();
  const t0 = performance.now();
  const BATCH = 10_000;
  for (let done = 0; done < MENTIONS; done += BATCH) {
    const docs = [];
    for (let i = 0; i < Math.min(BATCH, MENTIONS - done); i++) {
      const n = done + i;
      // a daily curve: more mentions in the local afternoon
      const day = Math.floor(rand() * DAYS);
      const hourOfDay = Math.floor(Math.abs(rand() + rand() - 1) * 12 + 10) % 24;
      const createdAt = new Date(start + day * 24 * HOUR + hourOfDay * HOUR + Math.floor(rand() * HOUR));
      const sentiment = LABELS[Math.floor(rand() * 3)];
      const intent = INTENTS[Math.floor(rand() * INTENTS.length)];
      const lang = rand() < 0.6 ? 'pt' : 'en';
      const score = sentiment === 'positive' ? 0.5 : sentiment === 'negative' ? -0.5 : 0;
      docs.push({
        workspaceId: wsId,
        topicIds: [tId],
        platform: 'x',
        externalId: String(1_700_000_000_000_000_000n + BigInt(n)),
        url: `https://x.com/u/status/${n}`,
        text: SAMPLE_TEXTS[n % SAMPLE_TEXTS.length],
        createdAt,
        author: { externalId: String(n % 80_000), handle: `u${n % 80_000}`, name: null, followers: 100 },
        lang,
        platformLang: lang,
        sentiment: { score, label: sentiment },
        intent,
        routing: null,
        conversationId: String(n),
        inReplyToExternalId: null,
        metrics: { likes: 0, reposts: 0, quotes: 0, replies: 0, impressions: null },
        metricsUpdatedAt: createdAt,
      });
      themeSeed.add({ text: SAMPLE_TEXTS[n % SAMPLE_TEXTS.length], createdAt, lang, sentiment, intent });
      const hour = startOfRollupSlot(createdAt);
      // the rollup ingestion keeps: one row per 15-minute slot with marginal counts
      const c = counters.get(hour.getTime()) ?? {
        hour,
        count: 0,
        scoreSum: 0,
        positive: 0,
        negative: 0,
        neutral: 0,
        support: 0,
        complaint: 0,
        question: 0,
        lead: 0,
        praise: 0,
        other: 0,
        langs: {},
      };
      c.count++;
      c.scoreSum += score;
      c[sentiment]++;
      c[intent]++;
      c.langs[lang] = (c.langs[lang] ?? 0) + 1;
      counters.set(hour.getTime(), c);
    }
    await mentions.collection.insertMany(docs, { ordered: false });
    if ((done + BATCH) % 100_000 === 0)
      console.log(`  … ${fmt(done + BATCH)} mentions (${fmt((done + BATCH) / ((performance.now() - t0) / 1000))}/s)`);
  }
  const rollupDocs = [...counters.values()].flatMap((c) =>
    [ALL_TOPICS, tId].map((topicId) => ({ workspaceId: wsId, topicId, platform: 'x', ...c })),
  );
  await rollups.collection.insertMany(rollupDocs, { ordered: false });
  console.log(`  ${fmt(rollupDocs.length)} rollup rows (15-minute slots); seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  counters.clear();
  rollupDocs.length = 0;
  const themeRows = await themeSeed.insert(model<ThemeRollup>(ThemeRollup.name), wsId, [ALL_TOPICS, tId], 'x');
  console.log(`  ${fmt(themeRows)} theme rollup rows (hours and days, as ingestion keeps them)`);

  console.log(`seeding ${fmt(CASES)} cases and the small collections…`);
  const cases = model<Case>(Case.name);
  const caseDocs = Array.from({ length: CASES }, (_, i) => {
    const openedAt = new Date(start + rand() * DAYS * 24 * HOUR);
    const answered = rand() < 0.85;
    const firstResponseAt = answered ? new Date(openedAt.getTime() + rand() * 6 * HOUR) : null;
    const resolved = answered && rand() < 0.8 && openedAt.getTime() < now - 2 * HOUR;
    const resolvedAt = resolved ? new Date(Math.min(now - HOUR, firstResponseAt!.getTime() + rand() * 20 * HOUR)) : null;
    return {
      workspaceId: wsId,
      topicIds: [tId],
      platform: 'x',
      customer: { externalId: String(i), handle: `c${i}`, name: null },
      conversationIds: [String(i)],
      externalIds: [String(9_000_000 + i)],
      status: resolved ? 'resolved' : answered ? 'open' : openedAt.getTime() < now - 24 * HOUR ? 'abandoned' : 'open',
      intent: 'support',
      sentiment: 'negative',
      lang: 'pt',
      openedAt,
      messages: [],
      inboundCount: 1 + Math.floor(rand() * 3),
      outboundCount: answered ? 1 + Math.floor(rand() * 2) : 0,
      lastInboundAt: openedAt,
      lastOutboundAt: firstResponseAt,
      awaitingReplySince: answered ? null : openedAt,
      firstResponseAt,
      firstResponder: null,
      firstResponseDueAt: new Date(openedAt.getTime() + 2 * HOUR),
      resolutionDueAt: new Date(openedAt.getTime() + 24 * HOUR),
      abandonAt: new Date(openedAt.getTime() + 24 * HOUR),
      breachedAt: null,
      resolvedAt,
      resolvedBy: null,
      resolutions: resolvedAt ? [resolvedAt] : [],
      reopenCount: 0,
      lastReopenedAt: null,
      abandonedAt: !answered && openedAt.getTime() < now - 24 * HOUR ? new Date(openedAt.getTime() + 24 * HOUR) : null,
      assignee: null,
      team: ['cards', 'billing', 'app'][i % 3],
      assignedAt: openedAt,
      routingKeyword: null,
      reassignments: [],
      __v: 0,
    };
  });
  await cases.collection.insertMany(caseDocs, { ordered: false });
  caseDocs.length = 0;
  // the care rollups a running service keeps: counted here in one rebuild, as the repair does
  const tCare = performance.now();
  await app.get(CareRollupsService).rebuild(wsId);
  console.log(`  care rollups of ${fmt(CASES)} cases rebuilt in ${fmt(performance.now() - tCare)} ms`);
  const posts = model<OwnPost>(OwnPost.name);
  await posts.collection.insertMany(
    Array.from({ length: DAYS * 4 }, (_, i) => {
      const createdAt = new Date(start + (i / 4) * 24 * HOUR);
      return {
        workspaceId: wsId,
        topicIds: [tId],
        platform: 'x',
        externalId: String(5_000_000 + i),
        accountExternalId: '100',
        accountHandle: 'lumi_br',
        text: 'post',
        url: 'u',
        createdAt,
        metricsUpdatedAt: createdAt,
        metrics: {
          likes: Math.floor(rand() * 300),
          reposts: Math.floor(rand() * 40),
          quotes: Math.floor(rand() * 10),
          replies: Math.floor(rand() * 30),
          impressions: Math.floor(rand() * 10_000),
        },
      };
    }),
  );
  console.log('seeding two competitors (share of voice)…');
  await seedCompetitors(app, workspace.id, {
    start,
    days: DAYS,
    rand,
    competitors: [
      { handle: 'nuvia_br', mentions: COMPETITOR_MENTIONS },
      { handle: 'orbi_br', mentions: COMPETITOR_MENTIONS / 2 },
    ],
  });
  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${apiKey.key}` },
      body: JSON.stringify(body),
    }).then(async (r) => {
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    });
  const dayStart = (d: number) =>
    new Date(Date.UTC(new Date(start).getUTCFullYear(), new Date(start).getUTCMonth(), new Date(start).getUTCDate() + d, 3)).toISOString();
  await post(
    '/api/v1/traffic',
    Array.from({ length: DAYS }, (_, d) => ({
      periodStart: dayStart(d),
      granularity: 'day',
      sessions: 20_000 + Math.floor(rand() * 5000),
      socialSessions: 1500,
    })),
  );
  await post(
    '/api/v1/support-contacts',
    Array.from({ length: DAYS }, (_, d) => ({
      periodStart: dayStart(d),
      granularity: 'day',
      channel: 'phone',
      count: 300 + Math.floor(rand() * 100),
    })),
  );
  for (let i = 0; i < 5000; i += 1000) {
    await post(
      '/api/v1/leads',
      Array.from({ length: 1000 }, (_, j) => ({
        occurredAt: new Date(start + rand() * DAYS * 24 * HOUR).toISOString(),
        utmMedium: rand() < 0.4 ? 'social' : 'cpc',
        externalId: `l${i + j}`,
      })),
    );
  }
  await post(
    '/api/v1/surveys/responses',
    Array.from({ length: 3000 }, () => ({
      type: rand() < 0.5 ? 'csat' : 'nps',
      score: 0,
      respondedAt: new Date(start + rand() * DAYS * 24 * HOUR).toISOString(),
    })).map((r) => ({ ...r, score: r.type === 'csat' ? 1 + Math.floor(rand() * 5) : Math.floor(rand() * 11) })),
  );

  // The hour and day rows ingestion keeps beside the slots, built from the seeded slots as the repair does.
  const tSpans = performance.now();
  const spans = await app.get(MentionsService).rebuildRollupSpans(workspace.id);
  console.log(`  ${fmt(spans)} hour and day rollup rows built in ${fmt(performance.now() - tSpans)} ms`);

  // Leads and survey responses per day: kept by the writes above; a workspace is marked built by its first rebuild, as the repair does.
  await app.get(LeadsService).rebuildDayRollups(workspace.id);
  await app.get(SurveysService).rebuildDayRollups(workspace.id);

  await printEngineMemory(mentions, dataDir);

  const get = async (path: string) => {
    const t = performance.now();
    const r = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${apiKey.key}` } });
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    await r.json();
    return performance.now() - t;
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  const scenarios: [string, string][] = [
    ['overview, last 7 days', `/api/v1/reports/overview?from=${iso(now - 7 * 24 * HOUR)}&to=${iso(now)}`],
    ['overview, last 30 days', `/api/v1/reports/overview?from=${iso(now - 30 * 24 * HOUR)}&to=${iso(now)}`],
    ['overview, last 90 days', `/api/v1/reports/overview?from=${iso(start)}&to=${iso(now)}`],
    ['overview, last 30 days, one topic', `/api/v1/reports/overview?topic=${topic.id}&from=${iso(now - 30 * 24 * HOUR)}&to=${iso(now)}`],
    [
      'timeseries volume.mentions by day, 90 days',
      `/api/v1/reports/timeseries?metric=volume.mentions&interval=day&from=${iso(start)}&to=${iso(now)}`,
    ],
    ['themes, last 30 days', `/api/v1/reports/themes?from=${iso(now - 30 * 24 * HOUR)}&to=${iso(now)}`],
    ['themes, last 90 days, one topic', `/api/v1/reports/themes?topic=${topic.id}&from=${iso(start)}&to=${iso(now)}`],
    ['themes/explain, last hour against 7 days', `/api/v1/reports/themes/explain?from=${iso(now - HOUR)}&to=${iso(now)}`],
    [
      'timeseries service.slaCompliance by day, 30 days',
      `/api/v1/reports/timeseries?metric=service.slaCompliance&interval=day&from=${iso(now - 30 * 24 * HOUR)}&to=${iso(now)}`,
    ],
    ['share of voice, brand and 2 competitors, 30 days', `/api/v1/reports/share-of-voice?from=${iso(now - 30 * 24 * HOUR)}&to=${iso(now)}`],
    [
      'share of voice by day, 30 days',
      `/api/v1/reports/share-of-voice/timeseries?interval=day&from=${iso(now - 30 * 24 * HOUR)}&to=${iso(now)}`,
    ],
  ];
  // Every call computes: the workspace's report version is bumped before it (as any write does)
  // and the cache's freshness bound has passed, so the report cache (src/reports/report-cache.ts)
  // never answers; a cached answer costs ≈ 1 ms.
  const versions = app.get(ReportVersionsRepository);
  // BENCH_SCENARIOS=overview runs only the scenarios whose label contains that text (`a|b`: either), for iteration.
  const only = process.env.BENCH_SCENARIOS;
  const profiler = process.env.BENCH_CPU_PROF ? await startProfile() : null;
  // The seeding's garbage is collected before the timed calls (with --expose-gc, as the npm script
  // runs it): a service that never seeded a million documents from its own thread has none of it,
  // and a major collection of it had landed inside some calls (55 ms each, over 20 calls, on the
  // 90-day overview of one run, against 5 ms on the 7-day one before it).
  (globalThis as { gc?: () => void }).gc?.();
  console.log('\nlatency over HTTP, 20 uncached calls each after 2 warm-ups (embedded engine)');
  for (const [label, path] of scenarios.filter(([label]) => !only || only.split('|').some((o) => label.includes(o)))) {
    await get(path);
    await get(path);
    const ms: number[] = [];
    // CPU time of the process over each call (the service's and the engine's threads): on a loaded machine, steadier than wall time
    const cpu: number[] = [];
    for (let i = 0; i < 20; i++) {
      await versions.bump(wsId);
      // An answer computed within the cache's freshness bound is served after a bump too: wait it out.
      await new Promise((resolve) => setTimeout(resolve, REPORT_FRESHNESS_MS + 100));
      const c0 = process.cpuUsage();
      ms.push(await get(path));
      const c1 = process.cpuUsage(c0);
      cpu.push((c1.user + c1.system) / 1000);
    }
    const s = stats(ms);
    console.log(`  ${label.padEnd(52)} median ${fmt(s.median)} ms   p95 ${fmt(s.p95)} ms   CPU median ${fmt(stats(cpu).median)} ms`);
  }
  if (profiler) await profiler.stop(process.env.BENCH_CPU_PROF!);
  await app.close();
}

/** BENCH_CPU_PROF=FILE: a CPU profile of the service's thread over the timed calls (open it in Chrome DevTools). */
async function startProfile() {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res as T))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = await post<{ profile: object }>('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      console.log(`CPU profile of the timed calls in ${file}`);
    },
  };
}

/**
 * The engine's memory once the seed is in: the process's resident set (the service and the
 * engine's thread together, as `npm start` runs them) and the engine's own heap, per mention too.
 */
async function printEngineMemory(mentions: Model<Mention>, dataDir: string | undefined) {
  const status = await mentions.db.db!.admin().command({ serverStatus: 1 });
  const mem = status.mem as { resident: number; heapUsed: number; heapTotal: number };
  const total = await mentions.estimatedDocumentCount();
  const perMention = (mb: number) => `${fmt((mb * 1048576) / total)} B/mention`;
  console.log(
    `engine memory after seeding ${fmt(total)} mentions: resident ${fmt(mem.resident)} MB for the process (service + engine thread, ${perMention(mem.resident)}); ` +
      `engine heap ${fmt(mem.heapUsed)} MB used of ${fmt(mem.heapTotal)} MB (${perMention(mem.heapUsed)})`,
  );
  if (dataDir) {
    const bytes = readdirSync(dataDir)
      .map((f) => statSync(join(dataDir, f)))
      .filter((s) => s.isFile())
      .reduce((sum, s) => sum + s.size, 0);
    console.log(`engine data on disk in ${dataDir}: ${fmt(bytes / 1048576)} MB (${fmt(bytes / total)} B/mention)`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
