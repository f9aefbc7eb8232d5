import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isValidObjectId, Model, Types } from 'mongoose';
import { chooseAgent, DEFAULT_ASSIGNMENT_RULE, type AssignmentRule } from '../assignment';
import { OPEN_STATUSES } from '../case-lifecycle';
import { Case } from '../schemas/case.schema';
import { AssignmentRuleDto, CreateAgentDto, PresenceDto, UpdateAgentDto } from './dto/agent.dto';
import { Agent, PresenceEventDoc, Team } from './schemas/agent.schema';
import { isDuplicateKeyError } from '../../common/errors';

export interface AgentView {
  id: string;
  name: string;
  email: string | null;
  team: string | null;
  active: boolean;
  presence: 'online' | 'away' | 'offline';
  /** When the current presence began (null: never set). */
  presenceSince: Date | null;
}

const toView = (d: Agent & { _id: unknown }): AgentView => ({
  id: String(d._id),
  name: d.name,
  email: d.email ?? null,
  team: d.team ?? null,
  active: d.active,
  presence: d.presence ?? 'offline',
  presenceSince: d.presenceSince ?? null,
});

@Injectable()
export class AgentsService {
  constructor(
    @InjectModel(Agent.name) private readonly agents: Model<Agent>,
    @InjectModel(Team.name) private readonly teams: Model<Team>,
    @InjectModel(PresenceEventDoc.name) private readonly presence: Model<PresenceEventDoc>,
    @InjectModel(Case.name) private readonly cases: Model<Case>,
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
    const current = await this.agents.findById(id, { presence: 1, presenceSince: 1 }).lean();
    // the same status again keeps its start: an agent offline since 10:00 stays so
    const since = current?.presence === dto.status && current.presenceSince ? current.presenceSince : at;
    await this.agents.updateOne({ _id: new Types.ObjectId(id) }, { $set: { presence: dto.status, presenceSince: since } });
    return this.get(workspaceId, id);
  }

  /** The team's assignment rule (manual when none was set). */
  async assignmentRule(workspaceId: string, team: string): Promise<AssignmentRule & { team: string }> {
    const doc = await this.teams.findOne({ workspaceId: new Types.ObjectId(workspaceId), name: team }).lean();
    if (!doc) throw new NotFoundException(`team "${team}" not found`);
    return { team, ...DEFAULT_ASSIGNMENT_RULE, ...(doc.assignment ?? {}) };
  }

  async setAssignmentRule(workspaceId: string, team: string, dto: AssignmentRuleDto): Promise<AssignmentRule & { team: string }> {
    const rule: AssignmentRule = {
      mode: dto.mode,
      maxOpenPerAgent: dto.maxOpenPerAgent ?? null,
      offlineGraceMinutes: dto.offlineGraceMinutes ?? DEFAULT_ASSIGNMENT_RULE.offlineGraceMinutes,
    };
    const res = await this.teams.updateOne({ workspaceId: new Types.ObjectId(workspaceId), name: team }, { $set: { assignment: rule } });
    if (res.matchedCount === 0) throw new NotFoundException(`team "${team}" not found`);
    return { team, ...rule };
  }

  /**
   * The agent the team's rule gives a new case to (src/care/assignment.ts), or null: manual, no
   * such team, nobody online or everyone at the cap. Round-robin remembers whom it chose.
   */
  async pickAssignee(workspaceId: string, team: string, exclude: string[] = []): Promise<string | null> {
    const ws = new Types.ObjectId(workspaceId);
    const doc = await this.teams.findOne({ workspaceId: ws, name: team }).lean();
    const rule = doc?.assignment;
    if (!doc || !rule || rule.mode === 'manual') return null;
    const members = await this.agents.find({ workspaceId: ws, team, active: true, presence: 'online' }).lean();
    if (members.length === 0) return null;
    const ids = members.map((a) => String(a._id));
    const open = await this.cases.aggregate<{ _id: string; n: number }>([
      { $match: { workspaceId: ws, assignee: { $in: ids }, status: { $in: [...OPEN_STATUSES] } } },
      { $group: { _id: '$assignee', n: { $sum: 1 } } },
    ]);
    const counts = new Map(open.map((o) => [o._id, o.n]));
    const candidates = members.map((a) => ({
      id: String(a._id),
      presence: a.presence,
      active: a.active,
      open: counts.get(String(a._id)) ?? 0,
    }));
    const chosen = chooseAgent(rule, candidates, doc.roundRobinLast ?? null, exclude);
    if (chosen && rule.mode === 'round_robin') await this.teams.updateOne({ _id: doc._id }, { $set: { roundRobinLast: chosen } });
    return chosen;
  }

  /** Ids of the open cases an agent holds, oldest first. */
  async openCaseIds(workspaceId: string, agentId: string): Promise<string[]> {
    const docs = await this.cases
      .find({ workspaceId: new Types.ObjectId(workspaceId), assignee: agentId, status: { $in: [...OPEN_STATUSES] } }, { _id: 1 })
      .sort({ openedAt: 1 })
      .lean();
    return docs.map((d) => String(d._id));
  }

  /** Agents offline longer than their team's grace, on teams whose rule assigns automatically. */
  async offlinePastGrace(now: Date): Promise<{ workspaceId: string; team: string; agentId: string }[]> {
    const teams = await this.teams.find({ 'assignment.mode': { $in: ['round_robin', 'least_loaded'] } }).lean();
    const out: { workspaceId: string; team: string; agentId: string }[] = [];
    for (const t of teams) {
      const cutoff = new Date(now.getTime() - (t.assignment?.offlineGraceMinutes ?? DEFAULT_ASSIGNMENT_RULE.offlineGraceMinutes) * 60_000);
      const gone = await this.agents
        .find({ workspaceId: t.workspaceId, team: t.name, presence: 'offline', presenceSince: { $lte: cutoff } })
        .lean();
      for (const a of gone) out.push({ workspaceId: String(t.workspaceId), team: t.name, agentId: String(a._id) });
    }
    return out;
  }

  /** Presence events up to `to`, oldest first (a session that began before `from` counts from `from`). */
  async presenceEvents(workspaceId: string, to: Date) {
    const docs = await this.presence
      .find({ workspaceId: new Types.ObjectId(workspaceId), at: { $lt: to } })
      .sort({ at: 1 })
      .lean();
    return docs.map((d) => ({ agentId: d.agentId, status: d.status, at: d.at }));
  }

  /**
   * Presence events in [from, to), oldest first, each led by the agent's last event before `from`
   * (so a session already open at `from` counts): reads only the window, by index, however long
   * the workspace's history is.
   */
  async presenceEventsBetween(workspaceId: string, from: Date, to: Date) {
    const ws = new Types.ObjectId(workspaceId);
    const agents = await this.agents.find({ workspaceId: ws }, { _id: 1 }).lean();
    const before = await Promise.all(
      agents.map((a) =>
        this.presence
          .findOne({ workspaceId: ws, agentId: String(a._id), at: { $lt: from } })
          .sort({ at: -1 })
          .lean(),
      ),
    );
    const inWindow = await this.presence
      .find({ workspaceId: ws, at: { $gte: from, $lt: to } })
      .sort({ at: 1 })
      .lean();
    return [...before.filter((d) => d !== null), ...inWindow].map((d) => ({ agentId: d.agentId, status: d.status, at: d.at }));
  }
}
