import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { randomUUID } from 'node:crypto';
import { Model, Types } from 'mongoose';
import { filter, Observable, Subject } from 'rxjs';
import { AgentsService } from '../agents/agents.service';
import { CasePresenceDoc, ReplyClaim } from './collaboration.schema';

/** How long a presence heartbeat counts (the dashboard renews it every ~10 s). */
export const PRESENCE_TTL_MS = 30_000;
/** The longest a reply claim holds if never released (a crashed process); a send times out sooner. */
export const REPLY_CLAIM_TTL_MS = 120_000;

export type PresenceState = 'viewing' | 'typing';
export interface CasePresence {
  agentId: string;
  agentName: string;
  state: PresenceState;
  at: Date;
  expiresAt: Date;
}

interface CaseMessageLike {
  direction: string;
  externalId?: string | null;
  at: Date | string;
}

/** The customer message a reply answers now: the latest inbound one, keyed by its network id or time. */
export function answeredMessageKey(messages: CaseMessageLike[] | undefined): string {
  const m = [...(messages ?? [])].reverse().find((x) => x.direction === 'inbound');
  if (!m) return 'none';
  return m.externalId ? `id:${m.externalId}` : `at:${new Date(m.at).toISOString()}`;
}

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

/**
 * Agents working one case together: who is viewing or typing on it (heartbeats, live to the
 * other agents), and one reply at a time to each customer message, so two agents never answer
 * the same message at once.
 */
@Injectable()
export class CaseCollaboration {
  private readonly changes = new Subject<{ workspaceId: string; caseId: string }>();

  constructor(
    @InjectModel(ReplyClaim.name) private readonly claims: Model<ReplyClaim>,
    @InjectModel(CasePresenceDoc.name) private readonly presence: Model<CasePresenceDoc>,
    private readonly agents: AgentsService,
  ) {}

  private async agentName(workspaceId: string, agentId: string | undefined): Promise<string> {
    if (!agentId) return 'A colleague';
    const agent = await this.agents.find(workspaceId, agentId);
    if (!agent) throw new BadRequestException(`agentId: agent ${agentId} not found in this workspace`);
    return agent.name;
  }

  /**
   * Runs `work` (sending or recording a reply) holding the claim on the message it answers; a
   * second reply to the same message meanwhile is refused (409) naming the agent replying.
   */
  async whileReplying<T>(
    workspaceId: string,
    caseId: string,
    messageKey: string,
    agentId: string | undefined,
    work: () => Promise<T>,
  ): Promise<T> {
    const agentName = await this.agentName(workspaceId, agentId);
    const token = randomUUID();
    const now = new Date();
    const key = { workspaceId: new Types.ObjectId(workspaceId), caseId, messageKey };
    try {
      // takes the claim when nobody holds it, or when the holder's claim has expired
      await this.claims.findOneAndUpdate(
        { ...key, expiresAt: { $lte: now } },
        { $set: { agentId: agentId ?? null, agentName, token, expiresAt: new Date(now.getTime() + REPLY_CLAIM_TTL_MS) } },
        { upsert: true },
      );
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const holder = await this.claims.findOne(key).lean();
      throw new ConflictException(`${holder?.agentName ?? 'A colleague'} is already replying to this message`);
    }
    try {
      return await work();
    } finally {
      await this.claims.deleteOne({ ...key, token });
    }
  }

  /** Records a heartbeat: the agent is viewing or typing on the case for the next PRESENCE_TTL_MS. */
  async heartbeat(workspaceId: string, caseId: string, agentId: string, state: PresenceState): Promise<CasePresence[]> {
    const agentName = await this.agentName(workspaceId, agentId);
    const at = new Date();
    await this.presence.updateOne(
      { workspaceId: new Types.ObjectId(workspaceId), caseId, agentId },
      { $set: { agentName, state, at, expiresAt: new Date(at.getTime() + PRESENCE_TTL_MS) } },
      { upsert: true },
    );
    this.changes.next({ workspaceId, caseId });
    return this.present(workspaceId, caseId);
  }

  /** Who is on the case now (expired heartbeats left out), typing first. */
  async present(workspaceId: string, caseId: string): Promise<CasePresence[]> {
    const docs = await this.presence
      .find({ workspaceId: new Types.ObjectId(workspaceId), caseId, expiresAt: { $gt: new Date() } })
      .sort({ at: 1 })
      .lean();
    return docs
      .map((d) => ({ agentId: d.agentId, agentName: d.agentName, state: d.state, at: d.at, expiresAt: d.expiresAt }))
      .sort((a, b) => (a.state === b.state ? 0 : a.state === 'typing' ? -1 : 1));
  }

  /** Each heartbeat on the case (this process's). */
  changesOf(workspaceId: string, caseId: string): Observable<unknown> {
    return this.changes.pipe(filter((c) => c.workspaceId === workspaceId && c.caseId === caseId));
  }
}
