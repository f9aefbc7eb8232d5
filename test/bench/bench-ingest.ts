/**
 * `npm run bench:ingest`: mentions per second through enrichment + ingestion (bulk upserts,
 * 15-minute rollups and theme rollups on the embedded engine, no network), and, in the same run,
 * the engine's raw bulk-upsert rate, so the ratio says how much the ingestion path adds to the
 * writes it cannot avoid.
 *
 * - raw: the driver's `bulkWrite` of 500 upserts by the unique key into a collection with the
 *   mentions' schema and indexes, documents built beforehand (what ingestion stores, without the
 *   rest), so the rate is the engine's and the wire's, not Mongoose's casting (ingestion writes its
 *   mentions through the driver too). This is the bulk-upsert rate issue #21 names; ingestion
 *   itself inserts the posts its lookup found new (cheaper in the engine than an upsert), and links
 *   the known ones;
 * - ingestion: `MentionsService.ingest` with pages of 100 (one X search page), each round timed
 *   until its last page's rollups are written (the outbox's group commit), so the rate is of
 *   mentions stored and counted.
 *
 * The two alternate in rounds, so a noisy machine slows both alike. Each page holds consecutive
 * posts, as a collector reads them: one every 26 s on average (100,000 in 30 days), whatever
 * BENCH_MENTIONS is, so a page spans about 45 minutes; `BENCH_SPREAD=random` scatters every
 * page over 30 days instead (the worst case for the rollups: each mention in its own slot).
 *
 * env: BENCH_MENTIONS (100,000), BENCH_ROUNDS (10), BENCH_SPREAD (ordered | random)
 */
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection, mongo, Types } from 'mongoose';
import type { MentionInput } from '../../src/collectors/collected';
import { createEnrichmentService } from '../../src/enrichment';
import { mentionDocument, MentionsService } from '../../src/mentions/mentions.service';
import { RollupOutboxService } from '../../src/mentions/rollup-outbox.service';
import { Mention, MentionSchema } from '../../src/mentions/schemas/mention.schema';
import { WorkspacesService } from '../../src/workspaces/workspaces.service';
import { fmt, prng, SAMPLE_TEXTS, startBenchApp } from './bench-support';

const TOTAL = Number(process.env.BENCH_MENTIONS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const SPREAD = process.env.BENCH_SPREAD === 'random' ? 'random' : 'ordered';
const BATCH = 100; // one X search page
const RAW_BATCH = 500;
const DAYS = 30;
const PACE_MS = (DAYS * 24 * 3600_000) / 100_000;

async function main() {
  const rand = prng(7);
  // 1. the scorer alone
  const enrichment = createEnrichmentService();
  const texts = Array.from({ length: 200_000 }, (_, i) => `${SAMPLE_TEXTS[i % SAMPLE_TEXTS.length]} #${i % 97}`);
  for (const t of texts.slice(0, 5000)) enrichment.enrich({ text: t, platformLang: null });
  let t0 = performance.now();
  for (const t of texts) enrichment.enrich({ text: t, platformLang: null });
  const enrichPerSec = texts.length / ((performance.now() - t0) / 1000);
  console.log(`enrichment (language + sentiment + intent + routing): ${fmt(enrichPerSec)} texts/s on one thread`);

  const app = await startBenchApp();
  const mentions = app.get(MentionsService);
  const workspaces = app.get(WorkspacesService);
  const outbox = app.get(RollupOutboxService);
  const { workspace } = await workspaces.create({ name: 'Bench', timezone: 'America/Sao_Paulo', currency: 'BRL' });
  const topicId = new Types.ObjectId().toHexString();
  const start = Date.now() - (SPREAD === 'random' ? DAYS * 24 * 3600_000 : (TOTAL + BATCH) * PACE_MS);
  let id = 1_800_000_000_000_000_000n;
  let made = 0;
  const make = (): MentionInput => {
    id += 1n + BigInt(Math.floor(rand() * 1000));
    const at = SPREAD === 'random' ? rand() * DAYS * 24 * 3600_000 : (made + rand()) * PACE_MS;
    made++;
    const author = String(1000 + Math.floor(rand() * 50_000));
    return {
      platform: 'x',
      externalId: id.toString(),
      text: SAMPLE_TEXTS[Math.floor(rand() * SAMPLE_TEXTS.length)],
      createdAt: new Date(start + at),
      url: `https://x.com/u${author}/status/${id}`,
      author: { externalId: author, handle: `u${author}`, name: null, followers: Math.floor(rand() * 5000) },
      platformLang: rand() < 0.5 ? 'pt' : 'en',
      conversationId: id.toString(),
      metrics: { likes: 0, reposts: 0, quotes: 0, replies: 0, impressions: null },
    };
  };

  // 2. the raw rate: the upserts ingestion sends, prepared beforehand, on a collection of their own
  const connection = app.get<Connection>(getConnectionToken());
  const raw = connection.model<Mention>('BenchRawMention', MentionSchema.clone(), 'bench_raw_mentions');
  await raw.init();
  const rawWs = new Types.ObjectId();
  const rawTopic = new Types.ObjectId();
  let rawId = 1_900_000_000_000_000_000n;
  const rawOp = (): mongo.AnyBulkWriteOperation => {
    const m = make();
    made--; // the raw documents take no place in the ingestion's timeline
    rawId += 1n;
    const key = { workspaceId: rawWs, platform: 'x', externalId: rawId.toString() };
    const e = enrichment.enrich({ text: m.text, platformLang: m.platformLang ?? null });
    // The document ingestion stores for this post (its own builder), but what the upsert sets otherwise.
    const { _id, topicIds, rollupBatch, ...doc } = mentionDocument(new Types.ObjectId(), key, m, e, {
      topicId: rawTopic,
      batchId: rawTopic,
    });
    // The fields ingestion's writes add (the schema's timestamps and version key), as they add them.
    const now = new Date();
    return {
      updateOne: {
        filter: key,
        update: { $set: { updatedAt: now }, $setOnInsert: { ...doc, collectedAt: now, __v: 0 }, $addToSet: { topicIds: rawTopic } },
        upsert: true,
      },
    };
  };
  // Warm both paths (JIT, the first documents of each collection), outside the timings.
  await raw.collection.bulkWrite(Array.from({ length: RAW_BATCH }, rawOp), { ordered: false });
  await mentions.ingest(workspace, topicId, Array.from({ length: BATCH }, make));

  const perRound = Math.ceil(TOTAL / ROUNDS);
  let rawMs = 0;
  let rawCount = 0;
  let ingestMs = 0;
  let stored = 0;
  const replayable: MentionInput[][] = [];
  for (let round = 0; round < ROUNDS && stored < TOTAL; round++) {
    const ops = Array.from({ length: perRound }, rawOp);
    t0 = performance.now();
    for (let i = 0; i < ops.length; i += RAW_BATCH) {
      const res = await raw.collection.bulkWrite(ops.slice(i, i + RAW_BATCH), { ordered: false });
      rawCount += res.upsertedCount;
    }
    rawMs += performance.now() - t0;

    const pages = Array.from({ length: Math.ceil(Math.min(perRound, TOTAL - stored) / BATCH) }, () => Array.from({ length: BATCH }, make));
    t0 = performance.now();
    for (const page of pages) stored += (await mentions.ingest(workspace, topicId, page)).stored.length;
    // Every page counted too: the rollups' group commit finishes inside the timed window.
    await outbox.flush();
    ingestMs += performance.now() - t0;
    if (replayable.length < 20) replayable.push(...pages.slice(0, 20 - replayable.length));
    console.log(
      `  round ${round + 1}: ${fmt(rawCount)} raw upserts (${fmt(rawCount / (rawMs / 1000))}/s), ${fmt(stored)} mentions ingested (${fmt(stored / (ingestMs / 1000))}/s)`,
    );
  }
  const rawPerSec = rawCount / (rawMs / 1000);
  const ingestPerSec = stored / (ingestMs / 1000);
  console.log(
    `raw engine bulkWrite (driver, ${RAW_BATCH} upserts a batch, mentions' schema and indexes): ${fmt(rawPerSec)} upserts/s over ${fmt(rawCount)}`,
  );
  console.log(
    `ingestion (enrich + idempotent bulk upsert + rollups + theme rollups, ${BATCH} a batch, ${SPREAD} pages): ${fmt(ingestPerSec)} mentions/s over ${fmt(stored)}`,
  );

  // 3. a replayed page stores nothing and costs little
  t0 = performance.now();
  let again = 0;
  for (const page of replayable) again += (await mentions.ingest(workspace, topicId, page)).stored.length;
  const replayed = replayable.length * BATCH;
  console.log(
    `replaying ${fmt(replayed)} already-stored mentions: ${again} stored again, ${fmt(replayed / ((performance.now() - t0) / 1000))}/s`,
  );

  console.log('\nsummary');
  console.log(`  sentiment/enrichment scorings per second: ${fmt(enrichPerSec)}`);
  console.log(`  engine's raw bulk upserts per second: ${fmt(rawPerSec)}`);
  console.log(`  mentions per second through enrichment + ingestion: ${fmt(ingestPerSec)}`);
  console.log(`  ingestion / raw bulk upsert rate: ${fmt((100 * ingestPerSec) / rawPerSec)} %`);
  await app.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
