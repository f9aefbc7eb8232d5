import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { CasesRepository } from './cases.repository';
import { CaseHistoryEvent, type CaseHistoryType } from './schemas/case-view.schema';

export interface CaseState {
  assignee: string | null;
  team: string | null;
  status: string;
}

export interface HistoryEntry {
  type: CaseHistoryType;
  from: string | null;
  to: string | null;
  at: Date;
}

/**
 * The history entries one change to a case makes: an agent given to an unassigned case is
 * `assigned`, moved from one agent to another `reassigned` (a reroute, like a team change),
 * taken away `unassigned`; then the team, then the status.
 */
export function historyEntries(before: CaseState, after: CaseState, at: Date): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  if (before.assignee !== after.assignee) {
    const type = before.assignee === null ? 'assigned' : after.assignee === null ? 'unassigned' : 'reassigned';
    out.push({ type, from: before.assignee, to: after.assignee, at });
  }
  if (before.team !== after.team) out.push({ type: 'team', from: before.team, to: after.team, at });
  if (before.status !== after.status) out.push({ type: 'status', from: before.status, to: after.status, at });
  return out;
}

/** The case's history as agents changed it (GET /api/v1/cases/:id/history). */
@Injectable()
export class CaseHistory {
  constructor(
    @InjectModel(CaseHistoryEvent.name) private readonly events: Model<CaseHistoryEvent>,
    private readonly cases: CasesRepository,
  ) {}

  /**
   * The customer's other cases, any status, newest first: the same author on the same network,
   * and on every network where the workspace linked the same person (`identities`).
   */
  async otherCases(workspaceId: string, caseId: string, identities: { platform: string; authorId: string }[]) {
    const docs = await this.cases.ofCustomers(workspaceId, identities, caseId);
    return docs.map((d) => ({
      id: String(d._id),
      platform: d.platform,
      customer: { externalId: d.customer.externalId, handle: d.customer.handle, name: d.customer.name ?? null },
      status: d.status,
      openedAt: d.openedAt,
      resolvedAt: d.resolvedAt ?? null,
      intent: d.intent,
      assignee: d.assignee,
      team: d.team,
      inboundCount: d.inboundCount,
    }));
  }

  async record(workspaceId: string, caseId: string, before: CaseState, after: CaseState, at: Date): Promise<void> {
    const entries = historyEntries(before, after, at);
    if (entries.length === 0) return;
    const ids = { workspaceId: new Types.ObjectId(workspaceId), caseId: new Types.ObjectId(caseId) };
    await this.events.insertMany(entries.map((e) => ({ ...ids, ...e })));
  }

  async list(workspaceId: string, caseId: string): Promise<HistoryEntry[]> {
    const docs = await this.events
      .find({ workspaceId: new Types.ObjectId(workspaceId), caseId: new Types.ObjectId(caseId) })
      .sort({ at: 1, _id: 1 })
      .lean();
    return docs.map((d) => ({ type: d.type, from: d.from, to: d.to, at: d.at }));
  }
}
