import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { AnyBulkWriteOperation, isValidObjectId, Model, mongo, Types } from 'mongoose';
import { privateChannels } from '../common/visibility';
import { phrasePattern } from '../themes/phrases';
import type { ListMentionsQuery } from './dto/list-mentions.dto';
import { Mention } from './schemas/mention.schema';

/** A mention as read without hydration. */
export type MentionRow = Mention & { _id: Types.ObjectId };

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const oid = (id: string | Types.ObjectId) => (typeof id === 'string' ? new Types.ObjectId(id) : id);

/** What the rollup outbox reads of a mention to count it (the text: its key phrases, for the themes). */
const ROLLUP_FIELDS = { workspaceId: 1, platform: 1, createdAt: 1, sentiment: 1, intent: 1, lang: 1, text: 1, rollupLinks: 1 };

/** The `mentions` collection: the only holder of its Mongoose model. */
@Injectable()
export class MentionsRepository {
  constructor(@InjectModel(Mention.name) private readonly mentions: Model<Mention>) {}

  // ---- ingestion ---------------------------------------------------------------------------

  /**
   * The stored ones among these post ids of one platform (by the full unique key: an index hit per
   * id). Through the driver, as `write`: the filter's values are of their stored types already.
   */
  async known(workspaceId: Types.ObjectId, platform: string, externalIds: string[]) {
    return this.mentions.collection
      .find<Pick<MentionRow, '_id' | 'platform' | 'externalId' | 'topicIds' | 'competitorOnly'>>(
        { workspaceId, platform, externalId: { $in: externalIds } },
        { projection: { platform: 1, externalId: 1, topicIds: 1, competitorOnly: 1 } },
      )
      .toArray();
  }

  /**
   * Unordered: a refused write does not stop the others (the caller reads `writeErrors`, each
   * naming its operation's index). Through the driver's bulkWrite: ingestion builds every value in
   * its stored type, and Mongoose's casting of a page of writes was the largest cost on the
   * client. What Mongoose added is added here: the schema's timestamps (`updatedAt` on every
   * write, `collectedAt` on insert) and its version key on insert. An insert's document is stamped
   * in place (as the driver sets a missing `_id` in place): a copy by spread cost more than its write.
   */
  write(ops: AnyBulkWriteOperation<Mention>[]) {
    const now = new Date();
    const stamped = ops.map((op) => {
      if ('insertOne' in op) {
        const doc = op.insertOne.document as Mention & { updatedAt?: Date; collectedAt?: Date; __v?: number };
        doc.updatedAt = now;
        doc.collectedAt = now;
        doc.__v = 0;
        return op;
      }
      if (!('updateOne' in op)) return op;
      const { update, upsert } = op.updateOne as { update: Record<string, Record<string, unknown>>; upsert?: boolean };
      const next: Record<string, Record<string, unknown>> = { $set: { updatedAt: now, ...update.$set } };
      for (const key of Object.keys(update)) if (key !== '$set') next[key] = update[key];
      if (upsert) next.$setOnInsert = { ...update.$setOnInsert, collectedAt: now, __v: 0 };
      return { updateOne: { ...op.updateOne, update: next } };
    });
    return this.mentions.collection.bulkWrite(stamped as mongo.AnyBulkWriteOperation[], { ordered: false });
  }

  async byIds(ids: Types.ObjectId[]): Promise<MentionRow[]> {
    if (ids.length === 0) return [];
    return await this.mentions
      .find({ _id: { $in: ids } })
      .sort({ createdAt: 1 })
      .lean();
  }

  /** The mentions write batch `batchId` inserted, and those it linked to a further topic (rollup fields only). */
  async ofBatch(batchId: Types.ObjectId): Promise<{ inserted: MentionRow[]; linked: MentionRow[] }> {
    const [inserted, linked] = (await Promise.all([
      this.mentions.find({ rollupBatch: batchId }, ROLLUP_FIELDS).lean(),
      this.mentions.find({ 'rollupLinks.batch': batchId }, ROLLUP_FIELDS).lean(),
    ])) as unknown as [MentionRow[], MentionRow[]];
    return { inserted, linked };
  }

  async updateMetrics(
    workspaceId: string,
    platform: string,
    updates: { externalId: string; metrics: Mention['metrics'] }[],
    now: Date,
  ): Promise<number> {
    if (updates.length === 0) return 0;
    const wsId = oid(workspaceId);
    const res = await this.mentions.bulkWrite(
      updates.map((u) => ({
        updateOne: {
          filter: { workspaceId: wsId, platform, externalId: u.externalId },
          update: { $set: { metrics: u.metrics, metricsUpdatedAt: now } },
        },
      })),
      { ordered: false },
    );
    return res.modifiedCount;
  }

  // ---- reading -----------------------------------------------------------------------------

  listFilter(workspaceId: string, q: ListMentionsQuery): Record<string, unknown> {
    const filter: Record<string, unknown> = { workspaceId: oid(workspaceId) };
    if (q.topic) filter.topicIds = new Types.ObjectId(q.topic);
    if (q.from || q.to) filter.createdAt = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lt: q.to } : {}) };
    // Private care messages (WhatsApp) are not listening: listed only when their channel is asked for.
    if (q.platform) filter.platform = q.platform;
    else filter.platform = { $nin: privateChannels() };
    if (q.sentiment) filter['sentiment.label'] = q.sentiment;
    if (q.intent) filter.intent = q.intent;
    if (q.lang) filter.lang = q.lang;
    if (q.q) filter.text = { $regex: escapeRegex(q.q), $options: 'i' };
    // Built from the phrase's escaped letters only (no user pattern reaches the query).
    if (q.phrase) {
      const phrase = { text: { $regex: phrasePattern(q.phrase), $options: 'i' } };
      if (filter.text) filter.$and = [{ text: filter.text }, phrase];
      else Object.assign(filter, phrase);
      if (filter.$and) delete filter.text;
    }
    return filter;
  }

  /**
   * The mentions of [from, to) as the theme counting reads them (`ThemeMention`), filtered as the
   * mentions list is (`listFilter`), except that the whole workspace's are the brand's: not the
   * mentions only competitor topics matched, as the workspace-wide rollups count them.
   */
  async forThemes(
    workspaceId: string,
    q: Pick<ListMentionsQuery, 'topic' | 'platform' | 'sentiment' | 'intent'> & { from: Date; to: Date },
  ): Promise<Pick<MentionRow, 'workspaceId' | 'platform' | 'createdAt' | 'lang' | 'text' | 'sentiment' | 'intent'>[]> {
    const filter = this.listFilter(workspaceId, q);
    if (!q.topic) filter.competitorOnly = { $ne: true };
    return this.mentions.collection
      .find(filter, {
        projection: { _id: 0, workspaceId: 1, platform: 1, createdAt: 1, lang: 1, text: 1, 'sentiment.label': 1, intent: 1 },
      })
      .toArray() as never;
  }

  /** Newest first, at most `limit`. */
  async newest(query: Record<string, unknown>, limit: number): Promise<MentionRow[]> {
    return await this.mentions.find(query).sort({ createdAt: -1, _id: -1 }).limit(limit).lean();
  }

  /** Newest first, from a cursor (CSV export). */
  newestCursor(filter: Record<string, unknown>): AsyncIterable<MentionRow> {
    return this.mentions.find(filter).sort({ createdAt: -1, _id: -1 }).lean().cursor({ batchSize: 500 }) as never;
  }

  async exists(workspaceId: string, id: string): Promise<boolean> {
    if (!isValidObjectId(id)) return false;
    return (await this.mentions.exists({ _id: new Types.ObjectId(id), workspaceId: oid(workspaceId) })) !== null;
  }

  async byAuthorSince(workspaceId: string, platform: string, authorExternalId: string, from: Date, limit: number): Promise<MentionRow[]> {
    return await this.mentions
      .find({ workspaceId: oid(workspaceId), platform, 'author.externalId': authorExternalId, createdAt: { $gte: from } })
      .sort({ createdAt: 1 })
      .limit(limit)
      .lean();
  }

  async externalIdsSince(workspaceId: string, platform: string, since: Date): Promise<string[]> {
    const docs = await this.mentions
      .find({ workspaceId: oid(workspaceId), platform, createdAt: { $gte: since } }, { externalId: 1 })
      .lean();
    return docs.map((d) => d.externalId);
  }

  // ---- corrections -------------------------------------------------------------------------

  async one(workspaceId: string, id: string): Promise<MentionRow | null> {
    return await this.mentions.findOne({ _id: new Types.ObjectId(id), workspaceId: oid(workspaceId) }).lean();
  }

  /** Sets the review only if nobody reviewed the mention since `seq` was read and none is pending (a compare-and-set). */
  async setReviewIfUnchanged(
    workspaceId: string,
    id: string,
    seq: number | null,
    set: Record<string, unknown>,
  ): Promise<MentionRow | null> {
    return await this.mentions
      .findOneAndUpdate(
        { _id: new Types.ObjectId(id), workspaceId: oid(workspaceId), 'correction.seq': seq, 'correction.pending': null },
        { $set: set },
        { returnDocument: 'after' },
      )
      .lean();
  }

  async clearPending(id: Types.ObjectId, pendingId: Types.ObjectId): Promise<void> {
    await this.mentions.updateOne({ _id: id, 'correction.pending.id': pendingId }, { $set: { 'correction.pending': null } });
  }

  async pendingBefore(before: Date, limit: number): Promise<MentionRow[]> {
    return await this.mentions
      .find({ 'correction.pending.at': { $lt: before } })
      .limit(limit)
      .lean();
  }

  async labels(workspaceId: string, ids: string[]): Promise<MentionRow[]> {
    return (await this.mentions
      .find(
        { _id: { $in: ids.map((i) => new Types.ObjectId(i)) }, workspaceId: oid(workspaceId) },
        { sentiment: 1, intent: 1, lang: 1, correction: 1 },
      )
      .lean()) as MentionRow[];
  }

  /** The authors' follower counts of these mentions (for the care priority's reach). */
  async authorFollowers(workspaceId: string, ids: string[]): Promise<{ _id: Types.ObjectId; author: { followers?: number | null } }[]> {
    return (await this.mentions
      .find({ _id: { $in: ids.map((i) => new Types.ObjectId(i)) }, workspaceId: oid(workspaceId) }, { 'author.followers': 1 })
      .lean()) as never;
  }

  private reviewedIn(workspaceId: string, from: Date, to: Date, lang?: string): Record<string, unknown> {
    return { workspaceId: oid(workspaceId), 'correction.at': { $gte: from, $lt: to }, ...(lang ? { lang } : {}) };
  }

  async reviews(workspaceId: string, from: Date, to: Date, lang?: string): Promise<Pick<MentionRow, 'correction'>[]> {
    return this.mentions.find(this.reviewedIn(workspaceId, from, to, lang), { correction: 1 }).lean();
  }

  /** Reviewed mentions of [from, to), oldest review first, from a cursor. */
  reviewsCursor(workspaceId: string, from: Date, to: Date, lang?: string): AsyncIterable<MentionRow> {
    return this.mentions
      .find(this.reviewedIn(workspaceId, from, to, lang), {
        platform: 1,
        createdAt: 1,
        lang: 1,
        text: 1,
        sentiment: 1,
        intent: 1,
        correction: 1,
      })
      .sort({ 'correction.at': 1, _id: 1 })
      .lean()
      .cursor({ batchSize: 500 }) as never;
  }

  // ---- competitors and influential authors (src/competitors) ----------------------------------

  /** What public care reads of a customer message: who wrote it, when, where, with what intent (no text). */
  private static readonly CARE_FIELDS = {
    topicIds: 1,
    platform: 1,
    externalId: 1,
    url: 1,
    createdAt: 1,
    'author.externalId': 1,
    'author.handle': 1,
    intent: 1,
    conversationId: 1,
  };

  /** Mentions of these topics in [from, to) with one of `intents`, oldest first (index: workspace, topic, time). */
  async ofTopicsWithIntents(
    workspaceId: string,
    topicIds: string[],
    intents: readonly string[],
    from: Date,
    to: Date,
    platform?: string,
  ): Promise<MentionRow[]> {
    if (topicIds.length === 0) return [];
    const filter: Record<string, unknown> = {
      workspaceId: oid(workspaceId),
      topicIds: { $in: topicIds.map(oid) },
      createdAt: { $gte: from, $lt: to },
      intent: { $in: [...intents] },
    };
    if (platform) filter.platform = platform;
    return (await this.mentions.find(filter, MentionsRepository.CARE_FIELDS).sort({ createdAt: 1 }).lean()) as MentionRow[];
  }

  /** One topic's posts by these authors on one network (the author index), oldest first. */
  async ofTopicByAuthors(workspaceId: string, topicId: string, platform: string, authorIds: string[]): Promise<MentionRow[]> {
    if (authorIds.length === 0) return [];
    const filter = { workspaceId: oid(workspaceId), platform, 'author.externalId': { $in: authorIds }, topicIds: oid(topicId) };
    return (await this.mentions.find(filter, MentionsRepository.CARE_FIELDS).sort({ createdAt: 1 }).lean()) as MentionRow[];
  }

  /** These posts of one network, by their network ids (the unique index). */
  async byExternalIds(workspaceId: string, platform: string, externalIds: string[]): Promise<MentionRow[]> {
    if (externalIds.length === 0) return [];
    return (await this.mentions
      .find({ workspaceId: oid(workspaceId), platform, externalId: { $in: externalIds } }, MentionsRepository.CARE_FIELDS)
      .lean()) as MentionRow[];
  }

  /**
   * Per author and sentiment label, the mentions of [from, to) and what they earned: one group per
   * (network, author, label), folded per author by the caller (a `$cond` per label costs more).
   */
  async authorTotals(workspaceId: string, from: Date, to: Date, opts: { topic?: string; platform?: string }) {
    const match: Record<string, unknown> = { workspaceId: oid(workspaceId), createdAt: { $gte: from, $lt: to } };
    if (opts.topic) match.topicIds = oid(opts.topic);
    if (opts.platform) match.platform = opts.platform;
    return this.mentions.aggregate<{
      _id: { platform: string; author: string; label: string };
      handle: string;
      name: string | null;
      followers: number | null;
      mentions: number;
      likes: number;
      reposts: number;
      quotes: number;
      replies: number;
    }>([
      { $match: match },
      {
        $group: {
          _id: { platform: '$platform', author: '$author.externalId', label: '$sentiment.label' },
          handle: { $last: '$author.handle' },
          name: { $last: '$author.name' },
          followers: { $max: '$author.followers' },
          mentions: { $sum: 1 },
          likes: { $sum: '$metrics.likes' },
          reposts: { $sum: '$metrics.reposts' },
          quotes: { $sum: '$metrics.quotes' },
          replies: { $sum: '$metrics.replies' },
        },
      },
    ]);
  }
}
