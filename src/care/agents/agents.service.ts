import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isValidObjectId, Model, Types } from 'mongoose';
import { CreateAgentDto, PresenceDto, UpdateAgentDto } from './dto/agent.dto';
import { Agent, PresenceEventDoc, Team } from './schemas/agent.schema';
import { isDuplicateKeyError } from '../../common/errors';

export interface AgentView {
  id: string;
  name: string;
  email: string | null;
  team: string | null;
  active: boolean;
  presence: 'online' | 'away' | 'offline';
}

const toView = (d: Agent & { _id: unknown }): AgentView => ({
  id: String(d._id),
  name: d.name,
  email: d.email ?? null,
  team: d.team ?? null,
  active: d.active,
  presence: d.presence ?? 'offline',
});

@Injectable()
export class AgentsService {
  constructor(
    @InjectModel(Agent.name) private readonly agents: Model<Agent>,
    @InjectModel(Team.name) private readonly teams: Model<Team>,
    @InjectModel(PresenceEventDoc.name) private readonly presence: Model<PresenceEventDoc>,
  ) {}

  async createTeam(workspaceId: string, name: string) {
    const doc = await this.teams.create({ workspaceId: new Types.ObjectId(workspaceId), name: name.trim() }).catch((err) => {
      if (isDuplicateKeyError(err)) throw new ConflictException(`team "${name}" already exists`);
      throw err;
    });
    return { id: doc.id, name: doc.name };
  }

  async listTeams(workspaceId: string) {
    const docs = await this.teams
      .find({ workspaceId: new Types.ObjectId(workspaceId) })
      .sort({ name: 1 })
      .lean();
    return docs.map((d) => ({ id: String(d._id), name: d.name }));
  }

  async assertTeam(workspaceId: string, name: string, field = 'team'): Promise<void> {
    const exists = await this.teams.exists({ workspaceId: new Types.ObjectId(workspaceId), name });
    if (!exists) throw new BadRequestException(`${field}: team "${name}" does not exist in this workspace`);
  }

  async create(workspaceId: string, dto: CreateAgentDto): Promise<AgentView> {
    if (dto.team) await this.assertTeam(workspaceId, dto.team);
    const doc = await this.agents
      .create({ workspaceId: new Types.ObjectId(workspaceId), name: dto.name, email: dto.email ?? null, team: dto.team ?? null })
      .catch((err) => {
        if (isDuplicateKeyError(err)) throw new ConflictException(`an agent with e-mail ${dto.email} already exists`);
        throw err;
      });
    return toView(doc.toObject());
  }

  async list(workspaceId: string): Promise<AgentView[]> {
    const docs = await this.agents
      .find({ workspaceId: new Types.ObjectId(workspaceId) })
      .sort({ name: 1 })
      .lean();
    return docs.map(toView);
  }

  /** An agent of this workspace, or null (another workspace's agent is never found). */
  async find(workspaceId: string, id: string): Promise<AgentView | null> {
    if (!isValidObjectId(id)) return null;
    const doc = await this.agents.findOne({ _id: new Types.ObjectId(id), workspaceId: new Types.ObjectId(workspaceId) }).lean();
    return doc ? toView(doc) : null;
  }

  async get(workspaceId: string, id: string): Promise<AgentView> {
    const agent = await this.find(workspaceId, id);
    if (!agent) throw new NotFoundException(`agent ${id} not found`);
    return agent;
  }

  async update(workspaceId: string, id: string, dto: UpdateAgentDto): Promise<AgentView> {
    await this.get(workspaceId, id);
    if (dto.team) await this.assertTeam(workspaceId, dto.team);
    await this.agents.updateOne({ _id: new Types.ObjectId(id) }, { $set: { ...dto } });
    return this.get(workspaceId, id);
  }

  async recordPresence(workspaceId: string, id: string, dto: PresenceDto): Promise<AgentView> {
    await this.get(workspaceId, id);
    const at = dto.at ?? new Date();
    if (at.getTime() > Date.now() + 60_000) throw new BadRequestException('at: must not be in the future');
    await this.presence.create({ workspaceId: new Types.ObjectId(workspaceId), agentId: id, status: dto.status, at });
    await this.agents.updateOne({ _id: new Types.ObjectId(id) }, { $set: { presence: dto.status } });
    return this.get(workspaceId, id);
  }

  /** Presence events up to `to`, oldest first (a session that began before `from` counts from `from`). */
  async presenceEvents(workspaceId: string, to: Date) {
    const docs = await this.presence
      .find({ workspaceId: new Types.ObjectId(workspaceId), at: { $lt: to } })
      .sort({ at: 1 })
      .lean();
    return docs.map((d) => ({ agentId: d.agentId, status: d.status, at: d.at }));
  }
}
