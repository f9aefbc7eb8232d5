/**
 * Store benchmark: the embedded engine (memory only) through plain Mongoose.
 *
 * 1. upserts/second by the unique { platform, externalId } key into an empty collection, one
 *    updateOne at a time and in bulkWrite batches of 500 (half new keys, half existing ones);
 * 2. loads 1,000,000 mention-sized (~1 KB) documents with insertMany;
 * 3. the same upsert measurements again: a hash index keeps them O(1), so the rate at 1M must be
 *    at least half the empty-collection rate;
 * 4. one $group by day ($dateTrunc) over the 100,000 mentions of one topic, in UTC and in
 *    America/Sao_Paulo.
 *
 * npm run bench:store   (env: BENCH_DOCS, BENCH_SINGLE_OPS, BENCH_BULK_OPS to resize)
 */
import { serialize } from 'bson';
import mongoose, { Schema, Types } from 'mongoose';
import { EmbeddedMongoServer } from '../../src/embedded-mongo';

const TOTAL_DOCS = Number(process.env.BENCH_DOCS ?? 1_000_000);
const SINGLE_OPS = Number(process.env.BENCH_SINGLE_OPS ?? 5_000);
const BULK_OPS = Number(process.env.BENCH_BULK_OPS ?? 20_000);
const BULK_BATCH = 500;
const ROUNDS = 5;
const LOAD_BATCH = 10_000;
const TOPICS = 10;

const WORDS =
  'marca atendimento entrega produto rápido lento ótimo péssimo suporte pedido troca reembolso loja app site preço promoção cupom frete qualidade recomendo nunca mais sempre adorei odiei esperando resposta problema resolvido obrigado'.split(
    ' ',
  );

const workspaceId = new Types.ObjectId();
const topicIds = Array.from({ length: TOPICS }, () => new Types.ObjectId());
const START = Date.UTC(2024, 0, 1);

function text(seed: number): string {
  let s = '';
  let x = seed * 2654435761;
  while (s.length < 260) {
    x = (x * 1103515245 + 12345) >>> 0;
    s += WORDS[x % WORDS.length] + ' ';
  }
  return s.trim();
}

/** A mention as the collectors store it, about 1 KB of BSON. */
function mention(n: number, externalId: string): Record<string, unknown> {
  const handle = `user_${n % 50_000}`;
  return {
    workspaceId,
    topicId: topicIds[n % TOPICS],
    platform: 'x',
    externalId,
    url: `https://x.com/${handle}/status/${externalId}`,
    text: text(n),
    lang: 'pt',
    author: { id: String(9_000_000 + (n % 50_000)), handle, name: `User ${n % 50_000}`, followers: n % 10_000, verified: n % 97 === 0 },
    publishedAt: new Date(START + (n % 2_000_000) * 15_000),
    collectedAt: new Date(START + (n % 2_000_000) * 15_000 + 60_000),
    metrics: { likes: n % 500, reposts: n % 70, replies: n % 30, quotes: n % 11, views: n % 100_000 },
    sentiment: { score: ((n % 11) - 5) / 5, label: ['negative', 'neutral', 'positive'][n % 3], model: 'afinn-165' },
    intent: ['question', 'complaint', 'praise', 'purchase'][n % 4],
    keywords: [WORDS[n % WORDS.length], WORDS[(n * 7) % WORDS.length]],
    hashtags: ['#marca', `#tag${n % 100}`],
    mentionedHandles: ['@marca'],
    isOwned: false,
    inReplyToId: null,
    conversationId: String(1_700_000_000_000_000_000n + BigInt(n)),
  };
}

const externalIdOf = (n: number): string => String(1_700_000_000_000_000_000n + BigInt(n) * 7n);

const mentionSchema = new Schema(
  {
    workspaceId: Schema.Types.ObjectId,
    topicId: Schema.Types.ObjectId,
    platform: String,
    externalId: String,
    url: String,
    text: String,
    lang: String,
    author: { id: String, handle: String, name: String, followers: Number, verified: Boolean },
    publishedAt: Date,
    collectedAt: Date,
    firstSeenAt: Date,
    metrics: { likes: Number, reposts: Number, replies: Number, quotes: Number, views: Number },
    sentiment: { score: Number, label: String, model: String },
    intent: String,
    keywords: [String],
    hashtags: [String],
    mentionedHandles: [String],
    isOwned: Boolean,
    inReplyToId: String,
    conversationId: String,
  },
  { versionKey: false, collection: 'mentions' },
);
mentionSchema.index({ platform: 1, externalId: 1 }, { unique: true });
mentionSchema.index({ topicId: 1, publishedAt: -1 });

const log = (line: string): void => console.log(`[bench:store ${((Date.now() - benchStart) / 1000).toFixed(1).padStart(5)}s] ${line}`);
const benchStart = Date.now();
const rate = (ops: number, ms: number): number => Math.round((ops / ms) * 1000);
const mb = (bytes: number): string => `${Math.round(bytes / 1048576)} MB`;

/** Mentions upserted after the load get a topic of their own, so each loaded topic keeps exactly 100,000. */
const liveTopicId = new Types.ObjectId();

function upsertUpdate(n: number): Record<string, unknown> {
  const { platform: _p, externalId: _e, ...fields } = mention(n, externalIdOf(n));
  if (n >= TOTAL_DOCS) fields.topicId = liveTopicId;
  return { $set: fields, $setOnInsert: { firstSeenAt: new Date() } };
}

async function main(): Promise<void> {
  const server = new EmbeddedMongoServer({
    logger: { info: () => undefined, warn: (o, m) => console.warn(m, o), error: (o, m) => console.error(m, o) },
  });
  const { uri } = await server.start();
  const conn = await mongoose.createConnection(uri, { dbName: 'bench_store' }).asPromise();
  const Mention = conn.model('Mention', mentionSchema);
  await Mention.init();
  log(`engine at ${uri}; mention document ≈ ${serialize(mention(1, externalIdOf(1))).length} bytes of BSON`);

  /** Even ops insert a new key, odd ops update a random existing one. */
  let nextNew = 0;
  const pick = (i: number, existing: number): number => (i % 2 === 0 || existing === 0 ? nextNew++ : Math.floor(Math.random() * existing));

  /**
   * Rates are measured in rounds and the median round is reported: on a shared 2-core machine a
   * neighbour's burst or one major GC can halve a single round, and the median is what a
   * collector sees most of the time. Every round is printed.
   */
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

  async function singleUpserts(label: string, existing: () => number): Promise<number> {
    const rounds: number[] = [];
    const perRound = Math.ceil(SINGLE_OPS / ROUNDS);
    for (let r = 0; r < ROUNDS; r++) {
      const started = Date.now();
      for (let i = 0; i < perRound; i++) {
        const n = pick(i, existing());
        await Mention.updateOne({ platform: 'x', externalId: externalIdOf(n) }, upsertUpdate(n), { upsert: true });
      }
      rounds.push(rate(perRound, Date.now() - started));
      log(`${label}: single upserts round ${r + 1}/${ROUNDS}: ${rounds[r]}/s`);
    }
    return median(rounds);
  }

  async function bulkUpserts(label: string, existing: () => number): Promise<number> {
    const rounds: number[] = [];
    const perRound = Math.ceil(BULK_OPS / ROUNDS / BULK_BATCH) * BULK_BATCH;
    for (let r = 0; r < ROUNDS; r++) {
      const started = Date.now();
      for (let done = 0; done < perRound; done += BULK_BATCH) {
        const ops = Array.from({ length: BULK_BATCH }, (_, j) => {
          const n = pick(done + j, existing());
          return { updateOne: { filter: { platform: 'x', externalId: externalIdOf(n) }, update: upsertUpdate(n), upsert: true } };
        });
        await Mention.bulkWrite(ops, { ordered: false });
      }
      rounds.push(rate(perRound, Date.now() - started));
      log(`${label}: bulkWrite(${BULK_BATCH}) upserts round ${r + 1}/${ROUNDS}: ${rounds[r]}/s`);
    }
    return median(rounds);
  }

  // 1. Empty collection.
  const emptySingle = await singleUpserts('empty collection', () => nextNew);
  const emptyBulk = await bulkUpserts('empty collection', () => nextNew);
  log(`empty collection: ${emptySingle} single upserts/s, ${emptyBulk} bulk upserts/s`);

  // 2. Load.
  await Mention.deleteMany({});
  nextNew = 0;
  const loadStarted = Date.now();
  // Two batches in flight: the next one is built and serialized while the engine stores the last.
  const inFlight = new Set<Promise<unknown>>();
  let loaded = 0;
  for (let queued = 0; queued < TOTAL_DOCS;) {
    const size = Math.min(LOAD_BATCH, TOTAL_DOCS - queued);
    const first = queued;
    // _id first, as Mongoose would send it (the driver appends a missing _id at the end).
    const batch = Array.from({ length: size }, (_, j) => ({ _id: new Types.ObjectId(), ...mention(first + j, externalIdOf(first + j)) }));
    queued += size;
    const insert: Promise<unknown> = Mention.collection.insertMany(batch, { ordered: false }).then(() => {
      inFlight.delete(insert);
      loaded += size;
      if (loaded % 100_000 === 0 || loaded === TOTAL_DOCS) {
        log(`loaded ${loaded.toLocaleString('en')} mentions (${rate(loaded, Date.now() - loadStarted)} docs/s)`);
      }
    });
    inFlight.add(insert);
    if (inFlight.size >= 2) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  nextNew = TOTAL_DOCS;
  const loadMs = Date.now() - loadStarted;
  const count = await Mention.estimatedDocumentCount();

  // 3. Upserts at 1M.
  const fullSingle = await singleUpserts(`${count.toLocaleString('en')} docs`, () => TOTAL_DOCS);
  const fullBulk = await bulkUpserts(`${count.toLocaleString('en')} docs`, () => TOTAL_DOCS);
  log(`at ${count.toLocaleString('en')} docs: ${fullSingle} single upserts/s, ${fullBulk} bulk upserts/s`);

  // 4. Daily buckets over one topic's 100k mentions.
  const perTopic = await Mention.countDocuments({ topicId: topicIds[0] });
  const byDay = async (timezone?: string): Promise<{ ms: number; days: number }> => {
    const started = Date.now();
    const rows = await Mention.aggregate([
      { $match: { topicId: topicIds[0] } },
      {
        $group: {
          _id: { $dateTrunc: { date: '$publishedAt', unit: 'day', ...(timezone ? { timezone } : {}) } },
          mentions: { $sum: 1 },
          likes: { $sum: '$metrics.likes' },
        },
      },
      { $sort: { _id: 1 } },
    ]);
    return { ms: Date.now() - started, days: rows.length };
  };
  const utc = await byDay();
  log(`$group by day (UTC) over ${perTopic.toLocaleString('en')} docs: ${utc.ms} ms, ${utc.days} days`);
  const local = await byDay('America/Sao_Paulo');
  log(`$group by day (America/Sao_Paulo) over ${perTopic.toLocaleString('en')} docs: ${local.ms} ms, ${local.days} days`);

  // 5. A mention-search page: the newest 50 of one topic in a 7-day window.
  const pageStarted = Date.now();
  const windowStart = new Date(START + 30 * 86_400_000);
  const page = await Mention.find({
    topicId: topicIds[0],
    publishedAt: { $gte: windowStart, $lt: new Date(windowStart.getTime() + 7 * 86_400_000) },
  })
    .sort({ publishedAt: -1 })
    .limit(50)
    .lean();
  const pageMs = Date.now() - pageStarted;
  log(`newest ${page.length} mentions of a topic in a 7-day window: ${pageMs} ms`);

  const memory = process.memoryUsage();
  const singleRatio = fullSingle / emptySingle;
  const bulkRatio = fullBulk / emptyBulk;
  const pass = singleRatio >= 0.5 && bulkRatio >= 0.5;
  console.log(
    [
      '',
      '=== bench:store summary (embedded engine, memory only, Mongoose client in the same process) ===',
      `(upsert rates: median of ${ROUNDS} rounds)`,
      `single updateOne upserts/s   empty: ${emptySingle}   at ${count.toLocaleString('en')}: ${fullSingle}   ratio ${singleRatio.toFixed(2)}`,
      `bulkWrite(500) upserts/s     empty: ${emptyBulk}   at ${count.toLocaleString('en')}: ${fullBulk}   ratio ${bulkRatio.toFixed(2)}`,
      `load ${TOTAL_DOCS.toLocaleString('en')} docs (insertMany ${LOAD_BATCH}): ${(loadMs / 1000).toFixed(1)} s, ${rate(TOTAL_DOCS, loadMs)} docs/s`,
      `$group by day over ${perTopic.toLocaleString('en')} docs: UTC ${utc.ms} ms, America/Sao_Paulo ${local.ms} ms`,
      `find newest 50 of a topic (${perTopic.toLocaleString('en')} docs) in a 7-day window: ${pageMs} ms`,
      `memory: heap ${mb(memory.heapUsed)}, rss ${mb(memory.rss)}; total ${((Date.now() - benchStart) / 1000).toFixed(1)} s`,
      `upsert rate at ${count.toLocaleString('en')} docs >= half the empty-collection rate: ${pass ? 'YES' : 'NO'}`,
    ].join('\n'),
  );
  await conn.close();
  await server.stop();
  if (!pass) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
