import type { AgentsService } from '../care/agents/agents.service';
import type { CasesService } from '../care/cases.service';
import { prng } from './demo-inputs';

const MINUTE = 60_000;
const PAGE = 200;
/** Cases looked at per status and pass; the demo's week of traffic opens a few hundred. */
const MAX_CASES_PER_PASS = 2_000;

type CaseView = Awaited<ReturnType<CasesService['list']>>['data'][number];

/** What one pass of the demo desk did. */
export interface DemoDeskPass {
  resolved: number;
  /** Answered cases left for a later pass (their resolution time has not come yet) or left open. */
  waiting: number;
}

/** A number in [0, 1) fixed by the case id, so every pass (and every restart) decides a case alike. */
function draw(caseId: string): () => number {
  let seed = 0;
  for (let i = 0; i < caseId.length; i++) seed = (Math.imul(seed, 31) + caseId.charCodeAt(i)) >>> 0;
  return prng(seed);
}

/**
 * The demo's support desk: what the agents of a real team do in the case queue, so the care tiles
 * (resolution time, FCR, per-agent figures) have numbers on `npm start`. Cases the brand has
 * answered and that wait on the customer are assigned to an agent of their team
 * (any agent when the case has no team) and resolved 5 to 90 minutes after the brand's last reply,
 * once that time has come; about one in seven stays pending, as real queues have customers who
 * never confirm. Each case's fate is drawn from its id, so passes and restarts agree. It goes
 * through `CasesService.update`, the API's own path (validation, reassignment history, SLA
 * fields), and writes nothing a user would not.
 */
export async function runDemoDesk(
  cases: Pick<CasesService, 'list' | 'update'>,
  agents: Pick<AgentsService, 'list'>,
  workspaceId: string,
  now = new Date(),
): Promise<DemoDeskPass> {
  const staff = await agents.list(workspaceId);
  if (staff.length === 0) return { resolved: 0, waiting: 0 };
  const pass: DemoDeskPass = { resolved: 0, waiting: 0 };
  // Answered cases: the brand replied last (`pending` when the reply came through the API, `open`
  // with nobody awaiting a reply when it was collected from X). Gathered first, updated after, so
  // the pages do not shift under the updates.
  const answered: CaseView[] = [];
  for (const status of ['open', 'pending']) {
    for (let offset = 0; offset < MAX_CASES_PER_PASS; offset += PAGE) {
      const { data } = await cases.list(workspaceId, { status, limit: PAGE, offset });
      answered.push(...data.filter((c) => c.awaitingReplySince === null && c.lastOutboundAt !== null));
      if (data.length < PAGE) break;
    }
  }
  for (const c of answered) {
    const rand = draw(c.id);
    const repliedAt = c.lastOutboundAt;
    if (!repliedAt || rand() < 1 / 7) {
      pass.waiting++;
      continue;
    }
    const at = new Date(repliedAt.getTime() + (5 + Math.floor(rand() * 85)) * MINUTE);
    if (at > now) {
      pass.waiting++;
      continue;
    }
    const team = staff.filter((a) => a.team === c.team);
    const pool = team.length > 0 ? team : staff;
    const assigneeId = c.assignee ?? pool[Math.floor(rand() * pool.length)].id;
    await cases.update(workspaceId, c.id, { assigneeId, status: 'resolved', at });
    pass.resolved++;
  }
  return pass;
}
