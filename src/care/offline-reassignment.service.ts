import { Injectable } from '@nestjs/common';
import { AgentsService } from './agents/agents.service';
import { CaseHistory } from './case-history';
import { assign, OPEN_STATUSES } from './case-lifecycle';
import { withVersionRetry } from './case-placement.service';
import { CasesRepository } from './cases.repository';

/**
 * An agent offline past their team's grace: each of their open cases goes to the agent the team's
 * rule picks (or back to the team when nobody can take it), a reassignment like any other, so the
 * agents report counts it as a reroute. Run by the care scan.
 */
@Injectable()
export class OfflineReassignment {
  constructor(
    private readonly cases: CasesRepository,
    private readonly agents: AgentsService,
    private readonly history: CaseHistory,
  ) {}

  async run(now = new Date()): Promise<number> {
    let moved = 0;
    for (const gone of await this.agents.offlinePastGrace(now)) {
      for (const id of await this.agents.openCaseIds(gone.workspaceId, gone.agentId)) {
        const to = await this.agents.pickAssignee(gone.workspaceId, gone.team, [gone.agentId]);
        const changed = await withVersionRetry(async () => {
          const doc = await this.cases.load(gone.workspaceId, id);
          if (!doc || doc.assignee !== gone.agentId || !OPEN_STATUSES.includes(doc.status)) return null;
          const before = { assignee: doc.assignee, team: doc.team, status: doc.status };
          const assigned = assign(doc, { assigneeId: to, team: gone.team }, now);
          if (!assigned) return null;
          doc.set(assigned);
          await this.cases.save(doc);
          return { before, after: { assignee: doc.assignee, team: doc.team, status: doc.status } };
        });
        if (!changed) continue;
        await this.history.record(gone.workspaceId, id, changed.before, changed.after, now);
        moved += 1;
      }
    }
    return moved;
  }
}
