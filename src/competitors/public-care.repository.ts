import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { slotCounts, type PublicCaseEntry, type PublicCareSlotRow } from './public-care';
import { PublicCareBuild, PublicCareSlot, PublicCaseRecord } from './schemas/public-care.schema';

const oid = (id: string | Types.ObjectId) => (typeof id === 'string' ? new Types.ObjectId(id) : id);

/** The competitors' public cases, their slots and build marks: the only holder of their models. */
@Injectable()
export class PublicCareRepository {
  constructor(
    @InjectModel(PublicCaseRecord.name) private readonly cases: Model<PublicCaseRecord>,
    @InjectModel(PublicCareSlot.name) private readonly slots: Model<PublicCareSlot>,
    @InjectModel(PublicCareBuild.name) private readonly builds: Model<PublicCareBuild>,
  ) {}

  /** The abandonment window a topic's public cases were built with; null when never built. */
  async builtWith(workspaceId: string, topicId: string): Promise<number | null> {
    const doc = await this.builds.findOne({ workspaceId: oid(workspaceId), topicId: oid(topicId) }, { abandonmentSeconds: 1 }).lean();
    return doc?.abandonmentSeconds ?? null;
  }

  async markBuilt(workspaceId: string, topicId: string, abandonmentSeconds: number, at: Date): Promise<void> {
    await this.builds.updateOne(
      { workspaceId: oid(workspaceId), topicId: oid(topicId) },
      { $set: { abandonmentSeconds, builtAt: at } },
      { upsert: true },
    );
  }

  /**
   * Replaces the cases of some customers of one topic and network with `entries` (all their cases),
   * then recounts the slots those cases open in, before and after. Idempotent: running it again
   * with the same entries leaves the same rows.
   */
  async replaceCustomers(workspaceId: string, topicId: string, platform: string, customers: string[], entries: PublicCaseEntry[]) {
    const ws = oid(workspaceId);
    const topic = oid(topicId);
    const scope = { workspaceId: ws, topicId: topic, platform };
    const before = await this.cases.find({ ...scope, customerId: { $in: customers } }, { slot: 1 }).lean();
    const build = new Types.ObjectId();
    await this.write(ws, topic, entries, build);
    await this.cases.deleteMany({ ...scope, customerId: { $in: customers }, build: { $ne: build } });
    const touched = new Map<number, Date>();
    for (const s of [...before.map((b) => b.slot), ...entries.map((e) => e.slot)]) touched.set(s.getTime(), s);
    await this.recountSlots(ws, topic, platform, [...touched.values()]);
  }

  /** Replaces every case and slot of one topic (a rebuild). */
  async replaceTopic(workspaceId: string, topicId: string, entries: PublicCaseEntry[]): Promise<void> {
    const ws = oid(workspaceId);
    const topic = oid(topicId);
    const build = new Types.ObjectId();
    await this.write(ws, topic, entries, build);
    await this.cases.deleteMany({ workspaceId: ws, topicId: topic, build: { $ne: build } });
    const counted = slotCounts(entries);
    await this.writeSlots(ws, topic, counted);
    const kept = new Set(counted.map((s) => `${s.platform}\n${s.slot.getTime()}`));
    const stored = await this.slots.find({ workspaceId: ws, topicId: topic }, { platform: 1, slot: 1 }).lean();
    const stale = stored.filter((s) => !kept.has(`${s.platform}\n${s.slot.getTime()}`)).map((s) => s._id);
    if (stale.length) await this.slots.deleteMany({ _id: { $in: stale } });
  }

  /** The slots of one topic starting in `[from, to)`, one network or all. */
  async slotsOf(workspaceId: string, topicId: string, from: Date, to: Date, platform?: string): Promise<PublicCareSlotRow[]> {
    const filter: Record<string, unknown> = { workspaceId: oid(workspaceId), topicId: oid(topicId), slot: { $gte: from, $lt: to } };
    if (platform) filter.platform = platform;
    return this.slots
      .find(filter, { _id: 0, platform: 1, slot: 1, opened: 1, answered: 1, firstResponseSeconds: 1 })
      .lean<PublicCareSlotRow[]>()
      .exec();
  }

  private async write(ws: Types.ObjectId, topic: Types.ObjectId, entries: PublicCaseEntry[], build: Types.ObjectId) {
    for (let i = 0; i < entries.length; i += 1000) {
      await this.cases.bulkWrite(
        entries.slice(i, i + 1000).map((e) => ({
          replaceOne: {
            filter: { workspaceId: ws, topicId: topic, platform: e.platform, caseId: e.caseId },
            replacement: { workspaceId: ws, topicId: topic, ...e, build },
            upsert: true,
          },
        })),
        { ordered: false },
      );
    }
  }

  /** Counts the slots again from the cases they hold (a slot left with none is deleted). */
  private async recountSlots(ws: Types.ObjectId, topic: Types.ObjectId, platform: string, slots: Date[]) {
    if (slots.length === 0) return;
    const rows = await this.cases
      .find(
        { workspaceId: ws, topicId: topic, platform, slot: { $in: slots } },
        { _id: 0, platform: 1, caseId: 1, slot: 1, openedAt: 1, firstResponseAt: 1, customerId: 1 },
      )
      .lean<PublicCaseEntry[]>();
    const counted = slotCounts(rows);
    await this.writeSlots(ws, topic, counted);
    const kept = new Set(counted.map((s) => s.slot.getTime()));
    const empty = slots.filter((s) => !kept.has(s.getTime()));
    if (empty.length) await this.slots.deleteMany({ workspaceId: ws, topicId: topic, platform, slot: { $in: empty } });
  }

  private async writeSlots(ws: Types.ObjectId, topic: Types.ObjectId, counted: PublicCareSlotRow[]) {
    for (let i = 0; i < counted.length; i += 1000) {
      await this.slots.bulkWrite(
        counted.slice(i, i + 1000).map((s) => ({
          replaceOne: {
            filter: { workspaceId: ws, topicId: topic, platform: s.platform, slot: s.slot },
            replacement: { workspaceId: ws, topicId: topic, ...s },
            upsert: true,
          },
        })),
        { ordered: false },
      );
    }
  }
}
