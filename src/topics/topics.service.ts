import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isValidObjectId, Model, Types } from 'mongoose';
import { PLATFORM_NAMES, type Platform } from '../common/platform';
import { NetworkTargets } from '../config/network-targets';
import { CreateTopicDto, UpdateTopicDto } from './dto/topic.dto';
import { validate } from './query';
import { OwnedAccount, Topic, type TopicRole } from './schemas/topic.schema';

export interface TopicView {
  id: string;
  workspaceId: string;
  name: string;
  query: string;
  platforms: Platform[];
  languages: string[];
  ownedAccounts: OwnedAccount[];
  /** Reddit: subreddits whose comments are matched against the query */
  subreddits: string[];
  active: boolean;
  /** `brand`, or `competitor` (share of voice and public care; no inbox cases) */
  role: TopicRole;
  createdAt?: Date;
  updatedAt?: Date;
}

function toView(doc: Topic & { _id: unknown; createdAt?: Date; updatedAt?: Date }): TopicView {
  return {
    id: String(doc._id),
    workspaceId: String(doc.workspaceId),
    name: doc.name,
    query: doc.query,
    platforms: doc.platforms,
    languages: doc.languages ?? [],
    ownedAccounts: (doc.ownedAccounts ?? []).map((a) => ({ platform: a.platform, handle: a.handle, externalId: a.externalId ?? null })),
    subreddits: doc.subreddits ?? [],
    active: doc.active,
    role: doc.role ?? 'brand',
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

const dedupeAccounts = (accounts: { platform: Platform; handle: string }[] = []) => [
  ...new Map(accounts.map((a) => [`${a.platform}:${a.handle}`, { platform: a.platform, handle: a.handle, externalId: null }])).values(),
];

/**
 * A topic on Bluesky or Mastodon needs a query their collectors can search: every network but X
 * is searched term by term (see query/searchable-terms.ts).
 */
function assertSearchable(platforms: readonly Platform[], query: string) {
  const problem = validate(query, platforms);
  if (problem) throw new BadRequestException(problem);
}

/** A topic on a Meta channel whose settings are missing is refused, naming them. */
function assertConfigured(platforms: readonly Platform[], targets: NetworkTargets) {
  for (const platform of new Set(platforms)) {
    const missing = targets.missingSettings(platform);
    if (missing.length)
      throw new BadRequestException(
        `platforms: ${PLATFORM_NAMES[platform]} is not configured on this installation: set ${missing.join(' and ')}`,
      );
  }
}

@Injectable()
export class TopicsService {
  constructor(
    @InjectModel(Topic.name) private readonly topics: Model<Topic>,
    private readonly targets: NetworkTargets,
  ) {}

  private filter(workspaceId: string, id: string) {
    if (!isValidObjectId(id)) throw new NotFoundException(`topic ${id} not found`);
    return { _id: new Types.ObjectId(id), workspaceId: new Types.ObjectId(workspaceId) };
  }

  async create(workspaceId: string, dto: CreateTopicDto): Promise<TopicView> {
    assertSearchable(dto.platforms, dto.query.trim());
    assertConfigured(dto.platforms, this.targets);
    const doc = await this.topics.create({
      workspaceId: new Types.ObjectId(workspaceId),
      name: dto.name,
      query: dto.query.trim(),
      platforms: [...new Set(dto.platforms)],
      languages: [...new Set(dto.languages ?? [])],
      ownedAccounts: dedupeAccounts(dto.ownedAccounts),
      subreddits: [...new Set(dto.subreddits ?? [])],
      active: dto.active ?? true,
      role: dto.role ?? 'brand',
    });
    return toView(doc.toObject());
  }

  async list(workspaceId: string): Promise<TopicView[]> {
    const docs = await this.topics
      .find({ workspaceId: new Types.ObjectId(workspaceId) })
      .sort({ createdAt: 1 })
      .lean();
    return docs.map(toView);
  }

  /** A topic of this workspace; another workspace's topic is "not found", never "forbidden". */
  async get(workspaceId: string, id: string): Promise<TopicView> {
    const doc = await this.topics.findOne(this.filter(workspaceId, id)).lean();
    if (!doc) throw new NotFoundException(`topic ${id} not found`);
    return toView(doc);
  }

  async update(workspaceId: string, id: string, dto: UpdateTopicDto): Promise<TopicView> {
    const current = await this.get(workspaceId, id);
    assertSearchable(dto.platforms ?? current.platforms, (dto.query ?? current.query).trim());
    if (dto.platforms) assertConfigured(dto.platforms, this.targets);
    const $set: Record<string, unknown> = {};
    if (dto.name !== undefined) $set.name = dto.name;
    if (dto.query !== undefined) $set.query = dto.query.trim();
    if (dto.platforms !== undefined) $set.platforms = [...new Set(dto.platforms)];
    if (dto.languages !== undefined) $set.languages = [...new Set(dto.languages)];
    if (dto.active !== undefined) $set.active = dto.active;
    if (dto.role !== undefined) $set.role = dto.role;
    if (dto.subreddits !== undefined) $set.subreddits = [...new Set(dto.subreddits)];
    if (dto.ownedAccounts !== undefined) {
      // Keep the ids already resolved for accounts that stay.
      const known = new Map(current.ownedAccounts.map((a) => [`${a.platform}:${a.handle}`, a.externalId]));
      $set.ownedAccounts = dedupeAccounts(dto.ownedAccounts).map((a) => ({
        ...a,
        externalId: known.get(`${a.platform}:${a.handle}`) ?? null,
      }));
    }
    await this.topics.updateOne(this.filter(workspaceId, id), { $set });
    return this.get(workspaceId, id);
  }

  async remove(workspaceId: string, id: string): Promise<void> {
    const res = await this.topics.deleteOne(this.filter(workspaceId, id));
    if (res.deletedCount === 0) throw new NotFoundException(`topic ${id} not found`);
  }

  /** Every active topic of every workspace (the scheduler's view). */
  async listActive(): Promise<TopicView[]> {
    const docs = await this.topics.find({ active: true }).lean();
    return docs.map(toView);
  }

  async getById(id: string): Promise<TopicView | null> {
    if (!isValidObjectId(id)) return null;
    const doc = await this.topics.findById(new Types.ObjectId(id)).lean();
    return doc ? toView(doc) : null;
  }

  /** Records the platform's user id of an owned account once the collector has looked it up. */
  async setOwnedAccountId(topicId: string, platform: Platform, handle: string, externalId: string): Promise<void> {
    const topic = await this.getById(topicId);
    if (!topic) return;
    const ownedAccounts = topic.ownedAccounts.map((a) => (a.platform === platform && a.handle === handle ? { ...a, externalId } : a));
    await this.topics.updateOne({ _id: new Types.ObjectId(topicId) }, { $set: { ownedAccounts } });
  }
}
