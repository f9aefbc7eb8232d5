import { Model, Types } from 'mongoose';
import type { Intent } from '../../src/common/labels';
import type { StoredReply } from '../../src/care/replies.service';
import type { StoredMention } from '../../src/mentions/mentions.service';
import type { Mention } from '../../src/mentions/schemas/mention.schema';

/** A customer's post as ingestion hands it to care, with the labels a spec chooses. */
export function customerPost(
  workspaceId: string,
  n: number,
  at: Date,
  opts: { intent?: Intent; conversationId?: string | null; author?: string; routing?: StoredMention['routing'] } = {},
): StoredMention {
  const author = opts.author ?? 'u1';
  return {
    id: new Types.ObjectId().toHexString(),
    workspaceId,
    topicIds: [],
    platform: 'x',
    externalId: String(1_000_000 + n),
    url: `https://x.com/${author}/status/${1_000_000 + n}`,
    text: `meu cartão foi bloqueado (${n})`,
    createdAt: at,
    author: { externalId: author, handle: `@${author}`, name: null, followers: null },
    lang: 'pt',
    sentiment: { score: -0.5, label: 'negative' },
    intent: opts.intent ?? 'support',
    routing: opts.routing ?? null,
    conversationId: opts.conversationId === undefined ? 'conv-1' : opts.conversationId,
    inReplyToExternalId: null,
    metrics: { likes: 0, reposts: 0, quotes: 0, replies: 0, impressions: null },
    correction: null,
  };
}

/** Stores the post as a mention too (cases gather a customer's later messages from there). */
export async function storeMention(mentions: Model<Mention>, m: StoredMention): Promise<void> {
  const { id, workspaceId, topicIds: _t, correction: _c, ...rest } = m;
  await mentions.create({
    _id: new Types.ObjectId(id),
    workspaceId: new Types.ObjectId(workspaceId),
    topicIds: [],
    platformLang: null,
    ...rest,
  });
}

/** The brand's reply to a post, as collected from its account. */
export function brandReply(n: number, to: StoredMention, at: Date, text = 'Oi! Já desbloqueamos seu cartão.'): StoredReply {
  return {
    id: new Types.ObjectId().toHexString(),
    platform: 'x',
    externalId: String(2_000_000 + n),
    accountExternalId: 'brand',
    accountHandle: '@lumi',
    text,
    createdAt: at,
    url: `https://x.com/lumi/status/${2_000_000 + n}`,
    inReplyToExternalId: to.externalId,
    inReplyToUserId: to.author.externalId,
    conversationId: to.conversationId,
  };
}
