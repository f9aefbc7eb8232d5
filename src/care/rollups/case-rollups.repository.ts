import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import type { CareCounts, CareRollupRow, PublicCareRollupRow } from '../../common/care-rollup';
import { packSketch, type StoredSketch } from '../../common/duration-sketch';
import type { RollupPiece } from '../../common/time-buckets';
import { CaseRollup, CaseRollupSpan, CaseRollupState } from './case-rollup.schema';

export interface CaseRollupKey {
  topicId: Types.ObjectId;
  platform: string;
  slot: Date;
}

export type CaseRollupEntry = CaseRollupKey & { counts: CareCounts };

/** An hour or day row: `slot` is its start. */
export type CaseSpanEntry = CaseRollupEntry & { span: 'hour' | 'day' };

/** What the care KPIs read of a slot or span row: every counter but the wall-clock times (`frWall`, public care's). */
const CARE_FIELDS = {
  slot: { _id: 0, workspaceId: 0, topicId: 0, frWall: 0 },
  span: { _id: 0, workspaceId: 0, topicId: 0, span: 0, frWall: 0 },
} as const;
/** What public care reads: the cases opened and their wall-clock first responses. */
const PUBLIC_CARE_FIELDS = {
  slot: { _id: 0, slot: 1, platform: 1, opened: 1, frWall: 1 },
  span: { _id: 0, start: 1, platform: 1, opened: 1, frWall: 1 },
} as const;
type Fields = { slot: Record<string, 0 | 1>; span: Record<string, 0 | 1> };

/** The `case_rollups` and `case_rollup_states` collections: the only holder of their models. */
@Injectable()
export class CaseRollupsRepository {
  constructor(
    @InjectModel(CaseRollup.name) private readonly rollups: Model<CaseRollup>,
    @InjectModel(CaseRollupState.name) private readonly states: Model<CaseRollupState>,
    @InjectModel(CaseRollupSpan.name) private readonly spans: Model<CaseRollupSpan>,
  ) {}

  /**
   * Makes the rows of the workspace's slots `slots` exactly `entries`: each written whole
   * (upserted by key), then any other row of those slots (a scope or platform no case counts in
   * any more) deleted.
   */
  async replaceSlots(workspaceId: Types.ObjectId, slots: Date[], entries: CaseRollupEntry[]): Promise<void> {
    if (entries.length > 0) {
      await this.rollups.bulkWrite(
        entries.map((e) => ({
          replaceOne: {
            filter: { workspaceId, topicId: e.topicId, slot: e.slot, platform: e.platform },
            replacement: { workspaceId, topicId: e.topicId, slot: e.slot, platform: e.platform, ...e.counts },
            upsert: true,
          },
        })),
        { ordered: false },
      );
    }
    const kept = new Set(entries.map((e) => `${String(e.topicId)}|${e.slot.getTime()}|${e.platform}`));
    const stale = await this.rollups.find({ workspaceId, slot: { $in: slots } }, { topicId: 1, slot: 1, platform: 1 }).lean();
    const gone = stale.filter((d) => !kept.has(`${String(d.topicId)}|${d.slot.getTime()}|${d.platform}`)).map((d) => d._id);
    if (gone.length > 0) await this.rollups.deleteMany({ _id: { $in: gone } });
  }

  /** Replaces every row of the workspace (a rebuild): the new rows first, then the ones no longer produced. */
  async replaceAll(workspaceId: Types.ObjectId, entries: CaseRollupEntry[]): Promise<void> {
    const slots = [...new Map(entries.map((e) => [e.slot.getTime(), e.slot])).values()];
    for (let i = 0; i < entries.length; i += 1000) await this.replaceSlots(workspaceId, [], entries.slice(i, i + 1000));
    const keep = new Set(slots.map((s) => s.getTime()));
    const all = await this.rollups.find({ workspaceId }, { slot: 1 }).lean();
    const gone = all.filter((d) => !keep.has(d.slot.getTime())).map((d) => d._id);
    if (gone.length > 0) await this.rollups.deleteMany({ _id: { $in: gone } });
  }

  /** Every slot row of the workspace (all scopes and networks) starting in [from, to): what an hour row sums. */
  async slotEntries(workspaceId: Types.ObjectId, from: Date, to: Date): Promise<CaseRollupEntry[]> {
    const docs = await this.rollups.find({ workspaceId, slot: { $gte: from, $lt: to } }, { _id: 0, workspaceId: 0 }).lean();
    return docs.map(({ topicId, platform, slot, ...counts }) => ({ topicId, platform, slot, counts: counts }));
  }

  /** Every `span` row of the workspace starting in [from, to). */
  async spanEntries(workspaceId: Types.ObjectId, span: 'hour' | 'day', from: Date, to: Date): Promise<CaseSpanEntry[]> {
    const docs = await this.spans.find({ workspaceId, span, start: { $gte: from, $lt: to } }, { _id: 0, workspaceId: 0 }).lean();
    return docs.map(({ topicId, platform, start, span: s, ...counts }) => ({
      topicId,
      platform,
      slot: start,
      span: s,
      counts: withStoredSketches(counts) as unknown as CareCounts,
    }));
  }

  /**
   * Makes the workspace's hour or day rows starting at `starts` exactly `entries` (each written
   * whole), then deletes any other row of those starts; without `starts`, every row of the span
   * not in `entries` goes (a rebuild).
   */
  async replaceSpans(workspaceId: Types.ObjectId, span: 'hour' | 'day', starts: Date[] | null, entries: CaseSpanEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += 1000) {
      await this.spans.bulkWrite(
        entries.slice(i, i + 1000).map((e) => ({
          replaceOne: {
            filter: { workspaceId, topicId: e.topicId, span, start: e.slot, platform: e.platform },
            // Sketches packed (`PackedSketch`): a report decodes a day row's few hundred buckets as one field.
            replacement: {
              workspaceId,
              topicId: e.topicId,
              span,
              start: e.slot,
              platform: e.platform,
              ...e.counts,
              frSketch: packSketch(e.counts.frSketch),
              resSketch: packSketch(e.counts.resSketch),
            },
            upsert: true,
          },
        })),
        { ordered: false },
      );
    }
    const kept = new Set(entries.map((e) => `${String(e.topicId)}|${e.slot.getTime()}|${e.platform}`));
    const filter = starts ? { workspaceId, span, start: { $in: starts } } : { workspaceId, span };
    const stale = await this.spans.find(filter, { topicId: 1, start: 1, platform: 1 }).lean();
    const gone = stale.filter((d) => !kept.has(`${String(d.topicId)}|${d.start.getTime()}|${d.platform}`)).map((d) => d._id);
    if (gone.length > 0) await this.spans.deleteMany({ _id: { $in: gone } });
  }

  /**
   * The rows of one scope covering some pieces (`rollupCover`): slots, hours and days, each as a
   * row starting at `slot`. The care KPIs' counters, without the wall-clock times only public care reads.
   */
  async coverRows(
    workspaceId: Types.ObjectId,
    topicId: Types.ObjectId,
    pieces: RollupPiece[],
    platform?: string,
  ): Promise<CareRollupRow[]> {
    return this.cover<CareRollupRow>(workspaceId, topicId, pieces, platform, CARE_FIELDS);
  }

  /** Public care's part (`opened`, `frWall`) of the rows of one scope covering some pieces, as `coverRows`. */
  async publicCareCoverRows(
    workspaceId: Types.ObjectId,
    topicId: Types.ObjectId,
    pieces: RollupPiece[],
    platform?: string,
  ): Promise<PublicCareRollupRow[]> {
    return this.cover<PublicCareRollupRow>(workspaceId, topicId, pieces, platform, PUBLIC_CARE_FIELDS);
  }

  private async cover<T>(
    workspaceId: Types.ObjectId,
    topicId: Types.ObjectId,
    pieces: RollupPiece[],
    platform: string | undefined,
    fields: Fields,
  ): Promise<T[]> {
    const of = (span: string) => pieces.filter((p) => p.span === span);
    const extra = platform ? { platform } : {};
    const [slots, spans] = await Promise.all([
      of('slot').length === 0
        ? []
        : this.rollups
            .find({ workspaceId, topicId, ...extra, $or: of('slot').map((p) => ({ slot: { $gte: p.from, $lt: p.to } })) }, fields.slot)
            .lean(),
      of('slot').length === pieces.length
        ? []
        : this.spans
            .find(
              {
                workspaceId,
                topicId,
                ...extra,
                $or: pieces.flatMap((p) => (p.span === 'slot' ? [] : [{ span: p.span, start: { $gte: p.from, $lt: p.to } }])),
              },
              fields.span,
            )
            .lean(),
    ]);
    return [
      ...(slots as unknown as T[]),
      ...(spans as unknown as ({ start: Date } & Record<string, unknown>)[]).map(
        ({ start, ...d }) => withStoredSketches({ ...d, slot: start }) as T,
      ),
    ];
  }

  /** The rows of one scope from `from` (a slot start) on, before `to` (the care KPIs' counters, as `coverRows`). */
  async rows(workspaceId: Types.ObjectId, topicId: Types.ObjectId, from: Date, to: Date, platform?: string): Promise<CareRollupRow[]> {
    const filter: Record<string, unknown> = { workspaceId, topicId, slot: { $gte: from, $lt: to } };
    if (platform) filter.platform = platform;
    return await this.rollups.find(filter, CARE_FIELDS.slot).lean();
  }

  async state(workspaceId: Types.ObjectId): Promise<{ settingsKey: string; rebuiltAt: Date } | null> {
    return this.states.findOne({ workspaceId }, { _id: 0, settingsKey: 1, rebuiltAt: 1 }).lean();
  }

  async setState(workspaceId: Types.ObjectId, settingsKey: string, rebuiltAt: Date): Promise<void> {
    await this.states.updateOne({ workspaceId }, { $set: { settingsKey, rebuiltAt } }, { upsert: true });
  }

  /** Forgets that the rollups are whole (a slot could not be recounted): the next report recounts them. */
  async invalidate(workspaceId: Types.ObjectId): Promise<void> {
    await this.states.deleteOne({ workspaceId });
  }
}

/** A packed sketch as the driver returns it (a BSON Binary), as its bytes. */
function storedSketch(value: unknown): StoredSketch | undefined {
  const binary = value as { _bsontype?: string; value?: () => Uint8Array } | null | undefined;
  if (binary?._bsontype === 'Binary' && binary.value) return binary.value();
  return value as StoredSketch | undefined;
}

/** A span row as read, its sketches as `StoredSketch` (packed bytes, or plain in a row written before). */
function withStoredSketches<D extends Record<string, unknown>>(doc: D): D {
  if ('frSketch' in doc) (doc as Record<string, unknown>).frSketch = storedSketch(doc.frSketch);
  if ('resSketch' in doc) (doc as Record<string, unknown>).resSketch = storedSketch(doc.resSketch);
  return doc;
}
