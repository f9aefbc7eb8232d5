/**
 * bench:reports' competitors: two competitor topics with their own mentions (every intent, as
 * collection stores them), their 15-minute rollups, own posts and public replies to 80 % of their
 * support-like mentions, so `GET /reports/share-of-voice` reads what it reads in production: the
 * rollups of every topic, the brand's cases, and a competitor's public care slots (built from its
 * support-like mentions and replies, as ingestion keeps them).
 */
import { getModelToken } from '@nestjs/mongoose';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Model, Types } from 'mongoose';
import { PublicCareLedger } from '../../src/competitors/public-care-ledger.service';
import { CompetitorReply } from '../../src/competitors/schemas/competitor-reply.schema';
import { OwnPost } from '../../src/engagement/schemas/own-post.schema';
import { MentionRollup } from '../../src/mentions/schemas/mention-rollup.schema';
import { Mention } from '../../src/mentions/schemas/mention.schema';
import { startOfRollupSlot } from '../../src/reports/kpis/buckets';
import { TopicsService } from '../../src/topics/topics.service';
import { WorkspacesService } from '../../src/workspaces/workspaces.service';
import { fmt, SAMPLE_TEXTS } from './bench-support';

const HOUR = 3600_000;
const LABELS = ['positive', 'negative', 'neutral'] as const;
const INTENTS = ['support', 'complaint', 'question', 'lead', 'praise', 'other'] as const;
const SUPPORT = new Set(['support', 'complaint', 'question']);

export async function seedCompetitors(
  app: NestExpressApplication,
  workspaceId: string,
  opts: { start: number; days: number; rand: () => number; competitors: { handle: string; mentions: number }[] },
): Promise<void> {
  const model = <T>(name: string) => app.get<Model<T>>(getModelToken(name), { strict: false });
  const mentions = model<Mention>(Mention.name);
  const rollups = model<MentionRollup>(MentionRollup.name);
  const replies = model<CompetitorReply>(CompetitorReply.name);
  const posts = model<OwnPost>(OwnPost.name);
  const wsId = new Types.ObjectId(workspaceId);
  const { start, days, rand } = opts;
  const t0 = performance.now();
  let seq = 0;
  for (const [k, c] of opts.competitors.entries()) {
    const topic = await app.get(TopicsService).create(workspaceId, {
      name: c.handle,
      query: c.handle,
      platforms: ['x'],
      role: 'competitor',
      ownedAccounts: [{ platform: 'x', handle: c.handle }],
    });
    const tId = new Types.ObjectId(topic.id);
    const counters = new Map<number, Record<string, any>>();
    let replyCount = 0;
    for (let done = 0; done < c.mentions; done += 10_000) {
      const docs = [];
      const replyDocs = [];
      for (let i = 0; i < Math.min(10_000, c.mentions - done); i++) {
        const n = ++seq;
        const createdAt = new Date(start + Math.floor(rand() * days * 24 * HOUR));
        const sentiment = LABELS[Math.floor(rand() * 3)];
        const intent = INTENTS[Math.floor(rand() * INTENTS.length)];
        const externalId = String(2_800_000_000_000_000_000n + BigInt(n));
        const author = String(100_000 + (n % 40_000));
        docs.push({
          workspaceId: wsId,
          topicIds: [tId],
          competitorOnly: true,
          platform: 'x',
          externalId,
          url: `https://x.com/c/status/${externalId}`,
          text: SAMPLE_TEXTS[n % SAMPLE_TEXTS.length],
          createdAt,
          author: { externalId: author, handle: `c${author}`, name: null, followers: 100 },
          lang: 'pt',
          platformLang: 'pt',
          sentiment: { score: 0, label: sentiment },
          intent,
          routing: null,
          conversationId: externalId,
          inReplyToExternalId: null,
          metrics: { likes: 0, reposts: 0, quotes: 0, replies: 0, impressions: null },
          metricsUpdatedAt: createdAt,
        });
        if (SUPPORT.has(intent) && rand() < 0.8) {
          const at = new Date(createdAt.getTime() + Math.floor((5 / 60 + rand() * 6) * HOUR));
          replyDocs.push({
            workspaceId: wsId,
            topicId: tId,
            platform: 'x',
            externalId: String(3_900_000_000_000_000_000n + BigInt(n)),
            accountExternalId: String(900 + k),
            accountHandle: c.handle,
            text: 'reply',
            url: 'u',
            createdAt: at,
            inReplyToExternalId: externalId,
            conversationId: externalId,
          });
        }
        const hour = startOfRollupSlot(createdAt);
        const row = counters.get(hour.getTime()) ?? {
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
        row.count++;
        row[sentiment]++;
        row[intent]++;
        row.langs.pt = (row.langs.pt ?? 0) + 1;
        counters.set(hour.getTime(), row);
      }
      await mentions.collection.insertMany(docs, { ordered: false });
      if (replyDocs.length) await replies.collection.insertMany(replyDocs, { ordered: false });
      replyCount += replyDocs.length;
    }
    // only the topic's own rollups: the workspace's (ALL_TOPICS) rows the other scenarios read stay as they were
    await rollups.collection.insertMany(
      [...counters.values()].map((r) => ({ workspaceId: wsId, topicId: tId, platform: 'x', ...r })),
      { ordered: false },
    );
    await posts.collection.insertMany(
      Array.from({ length: days * 2 }, (_, i) => {
        const createdAt = new Date(start + (i / 2) * 24 * HOUR);
        return {
          workspaceId: wsId,
          topicIds: [tId],
          platform: 'x',
          externalId: String(7_000_000 + k * 10_000 + i),
          accountExternalId: String(900 + k),
          accountHandle: c.handle,
          text: 'post',
          url: 'u',
          createdAt,
          metricsUpdatedAt: createdAt,
          metrics: { likes: Math.floor(rand() * 200), reposts: Math.floor(rand() * 30), quotes: 2, replies: 9, impressions: 5000 },
        };
      }),
    );
    // the public cases and slots a running service keeps at ingestion: built here in one rebuild
    const tCare = performance.now();
    await app.get(PublicCareLedger).rebuild(await app.get(WorkspacesService).get(workspaceId), topic);
    console.log(
      `  competitor ${c.handle}: ${fmt(c.mentions)} mentions, ${fmt(replyCount)} public replies; public cases built in ${fmt(performance.now() - tCare)} ms`,
    );
  }
  console.log(`  competitors seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
