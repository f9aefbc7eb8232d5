import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { Case } from './schemas/case.schema';
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
    @InjectModel(Case.name) private readonly cases: Model<Case>,
  ) {}

  /** The customer's other cases (same author on the same network, any status), newest first. */
  async otherCases(workspaceId: string, c: { id: string; platform: string; customer: { externalId: string } }) {
    const docs = await this.cases
      .find(
        {
          workspaceId: new Types.ObjectId(workspaceId),
          platform: c.platform,
          'customer.externalId': c.customer.externalId,
          _id: { $ne: new Types.ObjectId(c.id) },
        },
        { platform: 1, status: 1, openedAt: 1, resolvedAt: 1, intent: 1, assignee: 1, team: 1, inboundCount: 1 },
      )
      .sort({ openedAt: -1 })
      .limit(50)
      .lean();
    return docs.map((d) => ({
      id: String(d._id),
      platform: d.platform,
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
