/**
 * `npm run bench:ingest`: mentions per second through enrichment + ingestion (bulk upserts and
 * 15-minute rollups on the embedded engine, no network), and sentiment scorings per second.
 */
import { Types } from 'mongoose';
import type { MentionInput } from '../../src/collectors/collected';
import { createEnrichmentService } from '../../src/enrichment';
import { MentionsService } from '../../src/mentions/mentions.service';
import { WorkspacesService } from '../../src/workspaces/workspaces.service';
import { fmt, prng, SAMPLE_TEXTS, startBenchApp } from './bench-support';

const TOTAL = Number(process.env.BENCH_MENTIONS ?? 100_000);
const BATCH = 100; // one X search page

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

  // 2. the whole ingestion path on the embedded engine
  const app = await startBenchApp();
  const mentions = app.get(MentionsService);
  const workspaces = app.get(WorkspacesService);
  const { workspace } = await workspaces.create({ name: 'Bench', timezone: 'America/Sao_Paulo', currency: 'BRL' });
  const topicId = new Types.ObjectId().toHexString();
  const start = Date.now() - 30 * 24 * 3600_000;
  let id = 1_800_000_000_000_000_000n;
  const make = (): MentionInput => {
    id += 1n + BigInt(Math.floor(rand() * 1000));
    const author = String(1000 + Math.floor(rand() * 50_000));
    return {
      platform: 'x',
      externalId: id.toString(),
      text: SAMPLE_TEXTS[Math.floor(rand() * SAMPLE_TEXTS.length)],
      createdAt: new Date(start + rand() * 30 * 24 * 3600_000),
      url: `https://x.com/u${author}/status/${id}`,
      author: { externalId: author, handle: `u${author}`, name: null, followers: Math.floor(rand() * 5000) },
      platformLang: rand() < 0.5 ? 'pt' : 'en',
      conversationId: id.toString(),
      metrics: { likes: 0, reposts: 0, quotes: 0, replies: 0, impressions: null },
    };
  };
  let stored = 0;
  t0 = performance.now();
  let lastReport = t0;
  const batches: MentionInput[][] = [];
  while (stored < TOTAL) {
    const batch = Array.from({ length: Math.min(BATCH, TOTAL - stored) }, make);
    batches.push(batch.slice(0, 10));
    const res = await mentions.ingest(workspace, topicId, batch);
    stored += res.stored.length;
    if (performance.now() - lastReport > 5000) {
      lastReport = performance.now();
      console.log(`  … ${fmt(stored)} mentions stored (${fmt(stored / ((lastReport - t0) / 1000))}/s)`);
    }
  }
  const ingestPerSec = stored / ((performance.now() - t0) / 1000);
  console.log(
    `ingestion (enrich + idempotent bulk upsert + 15-minute rollups, ${BATCH} a batch): ${fmt(ingestPerSec)} mentions/s over ${fmt(stored)}`,
  );

  // 3. a replayed page stores nothing and costs little
  const replay = batches.slice(0, 200).flat();
  t0 = performance.now();
  let again = 0;
  for (let i = 0; i < replay.length; i += BATCH)
    again += (await mentions.ingest(workspace, topicId, replay.slice(i, i + BATCH))).stored.length;
  console.log(
    `replaying ${fmt(replay.length)} already-stored mentions: ${again} stored again, ${fmt(replay.length / ((performance.now() - t0) / 1000))}/s`,
  );

  console.log('\nsummary');
  console.log(`  sentiment/enrichment scorings per second: ${fmt(enrichPerSec)}`);
  console.log(`  mentions per second through enrichment + ingestion: ${fmt(ingestPerSec)}`);
  await app.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
