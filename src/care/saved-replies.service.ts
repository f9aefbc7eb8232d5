import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isValidObjectId, Model, Types } from 'mongoose';
import { isDuplicateKeyError } from '../common/errors';
import { AgentsService } from './agents/agents.service';
import { CreateSavedReplyDto, ListSavedRepliesQuery, UpdateSavedReplyDto } from './dto/case-view.dto';
import { renderSavedReply, unknownVariables, type RenderContext } from './saved-replies.render';
import { SavedReply, SavedReplyUse } from './schemas/case-view.schema';

export interface SavedReplyView {
  id: string;
  shortcut: string;
  title: string;
  text: string;
  language: 'pt' | 'en';
  team: string | null;
  uses: number;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const normalShortcut = (s: string) => s.replace(/^\//, '').toLowerCase();

/** Saved replies of a workspace: validated variables, unique shortcuts, usage counted per agent. */
@Injectable()
export class SavedReplies {
  constructor(
    @InjectModel(SavedReply.name) private readonly replies: Model<SavedReply>,
    @InjectModel(SavedReplyUse.name) private readonly uses: Model<SavedReplyUse>,
    private readonly agents: AgentsService,
  ) {}

  private async check(workspaceId: string, dto: { text?: string; team?: string | null }) {
    if (dto.text !== undefined) {
      const unknown = unknownVariables(dto.text);
      if (unknown.length > 0)
        throw new BadRequestException(
          `text: unknown variable ${unknown.map((u) => `{{${u}}}`).join(', ')}; use {{customer.name}}, {{agent.name}} or {{case.id}}`,
        );
    }
    if (dto.team) await this.agents.assertTeam(workspaceId, dto.team);
  }

  private conflict(shortcut: string) {
    return (err: unknown) => {
      if (isDuplicateKeyError(err)) throw new ConflictException(`shortcut: /${normalShortcut(shortcut)} is already used in this workspace`);
      throw err;
    };
  }

  async create(workspaceId: string, dto: CreateSavedReplyDto): Promise<SavedReplyView> {
    await this.check(workspaceId, dto);
    const doc = await this.replies
      .create({
        workspaceId: new Types.ObjectId(workspaceId),
        shortcut: normalShortcut(dto.shortcut),
        title: dto.title.trim(),
        text: dto.text,
        language: dto.language,
        team: dto.team ?? null,
      })
      .catch(this.conflict(dto.shortcut));
    return toView(doc.toObject());
  }

  async list(workspaceId: string, q: ListSavedRepliesQuery): Promise<SavedReplyView[]> {
    const filter: Record<string, unknown> = { workspaceId: new Types.ObjectId(workspaceId) };
    if (q.language) filter.language = q.language;
    if (q.team) filter.team = { $in: [q.team, null] };
    if (q.q?.trim()) {
      const term = q.q.trim();
      const words = escapeRegex(term.replace(/^\//, ''));
      filter.$or = term.startsWith('/')
        ? [{ shortcut: { $regex: `^${escapeRegex(normalShortcut(term))}` } }]
        : [
            { shortcut: { $regex: `^${escapeRegex(term.toLowerCase())}` } },
            { title: { $regex: words, $options: 'i' } },
            { text: { $regex: words, $options: 'i' } },
          ];
    }
    const docs = await this.replies.find(filter).sort({ shortcut: 1 }).limit(200).lean();
    return docs.map(toView);
  }

  private async load(workspaceId: string, id: string) {
    const doc = isValidObjectId(id) ? await this.replies.findOne({ _id: id, workspaceId: new Types.ObjectId(workspaceId) }) : null;
    if (!doc) throw new NotFoundException(`saved reply ${id} not found`);
    return doc;
  }

  async update(workspaceId: string, id: string, dto: UpdateSavedReplyDto): Promise<SavedReplyView> {
    await this.check(workspaceId, dto);
    const doc = await this.load(workspaceId, id);
    if (dto.shortcut !== undefined) doc.shortcut = normalShortcut(dto.shortcut);
    if (dto.title !== undefined) doc.title = dto.title.trim();
    if (dto.text !== undefined) doc.text = dto.text;
    if (dto.language !== undefined) doc.language = dto.language;
    if (dto.team !== undefined) doc.team = dto.team;
    await doc.save().catch(this.conflict(doc.shortcut));
    return toView(doc.toObject());
  }

  async remove(workspaceId: string, id: string): Promise<void> {
    const doc = await this.load(workspaceId, id);
    await doc.deleteOne();
  }

  async render(workspaceId: string, id: string, ctx: RenderContext): Promise<{ id: string; shortcut: string; text: string }> {
    const doc = await this.load(workspaceId, id);
    return { id: String(doc._id), shortcut: doc.shortcut, text: renderSavedReply(doc.text, ctx) };
  }

  /** Fails with 400 before a reply is recorded when the id is not one of the workspace's saved replies. */
  async assertExists(workspaceId: string, id: string): Promise<void> {
    const exists = await this.replies.exists({ _id: new Types.ObjectId(id), workspaceId: new Types.ObjectId(workspaceId) });
    if (!exists) throw new BadRequestException(`savedReplyId: saved reply ${id} not found in this workspace`);
  }

  /** One more use, for the agent who sent the reply (or none), at the time it was recorded. */
  async countUse(workspaceId: string, id: string, agentId: string | undefined, at = new Date()): Promise<void> {
    const ids = { _id: new Types.ObjectId(id), workspaceId: new Types.ObjectId(workspaceId) };
    await this.replies.updateOne(ids, { $inc: { uses: 1 } });
    await this.uses.create({ workspaceId: ids.workspaceId, savedReplyId: ids._id, agentId: agentId ?? null, at });
  }

  /** Saved-reply uses per agent id in [from, to) (agents report); uses without an agent are left out. */
  async usesByAgent(workspaceId: string, from: Date, to: Date): Promise<Map<string, number>> {
    const rows = await this.uses.aggregate<{ _id: string; n: number }>([
      { $match: { workspaceId: new Types.ObjectId(workspaceId), at: { $gte: from, $lt: to }, agentId: { $ne: null } } },
      { $group: { _id: '$agentId', n: { $sum: 1 } } },
    ]);
    return new Map(rows.map((r) => [r._id, r.n]));
  }
}

function toView(d: SavedReply & { _id: unknown }): SavedReplyView {
  return { id: String(d._id), shortcut: `/${d.shortcut}`, title: d.title, text: d.text, language: d.language, team: d.team, uses: d.uses };
}
