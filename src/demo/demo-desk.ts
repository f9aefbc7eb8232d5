import type { AgentsService } from '../care/agents/agents.service';
import type { CasesService } from '../care/cases.service';
import { DateTime } from 'luxon';
import { prng } from './demo-inputs';

const MINUTE = 60_000;
const PAGE = 200;
/** Cases looked at per status and pass; the demo's week of traffic opens a few hundred. */
const MAX_CASES_PER_PASS = 2_000;
/** Answers one case may get in a pass (a customer who keeps writing back). */
const MAX_ROUNDS_PER_CASE = 20;

type CaseView = Awaited<ReturnType<CasesService['list']>>['data'][number];

/** What one pass of the demo desk did. */
export interface DemoDeskPass {
  /** Waiting cases the agents answered. */
  answered: number;
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
 * The demo desk's rates, as a working team's: the share of customer messages never answered (the
 * care scan breaches, then abandons them), the share answered late (a breach of the 2 h demo SLA),
 * and, for the hours without the full team, the share the agent on call answers at night.
 */
export const DESK_RATES = { unanswered: 1 / 80, late: 1 / 25, onCallAtNight: 0.9 } as const;

/**
 * When the desk answers a customer message that arrived at `since` (local hour in `timezone`),
 * or null when it is left unanswered. A working team's rates by hour of day (DESK_RATES):
 * - 1 in 80 is never answered (the care scan breaches, then abandons it);
 * - 1 in 25 is answered late, 2 to 6 hours after (a breach of the 2 h demo SLA);
 * - 08:00 to 18:00, the full team: 3 to 45 minutes;
 * - 18:00 to 22:00, the evening shift: 10 to 75 minutes;
 * - 22:00 to 08:00, the agent on call answers 9 in 10 within 15 to 90 minutes; the rest wait for
 *   the morning team, 0 to 60 minutes after 08:00.
 * So the history's backlog is worked as a team would (most within the SLA, a few breaches and
 * abandonments), and the inbox holds tens of waiting cases at any hour, not a day's leftovers.
 * The draw is fixed by the case and the message time, so passes and restarts agree, and a
 * customer who writes again gets a fresh one. `pace` shortens the wait that many times: the live
 * demo's traffic runs faster than real time (DEMO_LIVE_RATE_MULTIPLIER), and a desk answering it
 * at real-time rates would pile up several times a real team's queue.
 */
export function answerTime(caseId: string, since: Date, timezone: string, pace = 1): Date | null {
  const at = teamAnswerTime(caseId, since, timezone);
  return at && pace !== 1 ? new Date(since.getTime() + (at.getTime() - since.getTime()) / pace) : at;
}

function teamAnswerTime(caseId: string, since: Date, timezone: string): Date | null {
  const rand = draw(`${caseId}:${since.getTime()}`);
  const fate = rand();
  if (fate < DESK_RATES.unanswered) return null;
  const after = (minutes: number) => new Date(since.getTime() + minutes * MINUTE);
  const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo));
  if (fate < DESK_RATES.unanswered + DESK_RATES.late) return after(between(120, 360));
  const local = DateTime.fromJSDate(since, { zone: timezone });
  if (local.hour >= 8 && local.hour < 18) return after(between(3, 45));
  if (local.hour >= 18 && local.hour < 22) return after(between(10, 75));
  if (rand() < DESK_RATES.onCallAtNight) return after(between(15, 90));
  const morning = (local.hour >= 22 ? local.plus({ days: 1 }) : local).set({ hour: 8, minute: 0, second: 0, millisecond: 0 });
  return new Date(morning.toMillis() + between(0, 60) * MINUTE);
}

const REPLIES: Record<string, (agent: string) => string> = {
  pt: (agent) => `Oi! Aqui é ${agent}, da Lumi. Já estamos cuidando disso e te respondemos por aqui.`,
  en: (agent) => `Hi! ${agent} from Lumi here. We're on it and will follow up right here.`,
};

/**
 * The demo's support desk: what the agents of a real team do in the case queue, so the inbox and
 * the care tiles (first response, resolution time, FCR, per-agent figures) look like a working
 * team's on `npm start`. Cases waiting on us are answered by an agent of their team at the time
 * `answerTime` gives (rates by hour of day), once it has come. Cases the brand has
 * answered and that wait on the customer are assigned to an agent of their team
 * (any agent when the case has no team) and resolved 5 to 90 minutes after the brand's last reply,
 * once that time has come; about one in seven stays pending, as real queues have customers who
 * never confirm. Each case's fate is drawn from its id, so passes and restarts agree. It goes
 * through `CasesService.update`, the API's own path (validation, reassignment history, SLA
 * fields), and writes nothing a user would not.
 */
export async function runDemoDesk(
  cases: Pick<CasesService, 'list' | 'update' | 'recordReply'>,
  agents: Pick<AgentsService, 'list'>,
  workspaceId: string,
  now = new Date(),
  timezone = 'America/Sao_Paulo',
  live: { since: Date | null; pace: number } = { since: null, pace: 1 },
): Promise<DemoDeskPass> {
  const staff = await agents.list(workspaceId);
  if (staff.length === 0) return { answered: 0, resolved: 0, waiting: 0 };
  const pass: DemoDeskPass = { answered: 0, resolved: 0, waiting: 0 };
  const poolFor = (team: string | null) => {
    const members = staff.filter((a) => a.team === team);
    return members.length > 0 ? members : staff;
  };
  // Waiting cases first: the ones whose answer time has come get their reply.
  const waiting: CaseView[] = [];
  // Abandoned ones too: at start-up the care scan may abandon a case of the week's traffic before
  // this first pass, though the team had answered it within the day (a late answer found reopens it).
  for (const status of ['open', 'pending', 'abandoned']) {
    for (let offset = 0; offset < MAX_CASES_PER_PASS; offset += PAGE) {
      const { data } = await cases.list(workspaceId, { status, limit: PAGE, offset, sort: 'waiting' });
      waiting.push(...data.filter((c) => c.awaitingReplySince !== null && (status !== 'abandoned' || c.firstResponseAt === null)));
      if (data.length < PAGE) break;
    }
  }
  for (const c of waiting) {
    const pool = poolFor(c.team);
    const agent = staff.find((a) => a.id === c.assignee) ?? pool[Math.floor(draw(c.id)() * pool.length)];
    const text = (REPLIES[c.lang ?? ''] ?? REPLIES.pt)(agent.name.split(' ')[0]);
    // A customer who wrote again after the answer waits again: each round gets its answer in turn.
    let since: Date | null = c.awaitingReplySince;
    for (let round = 0; since && round < MAX_ROUNDS_PER_CASE; round++) {
      // a message of the live traffic is answered at the live traffic's pace
      const at = answerTime(c.id, since, timezone, live.since && since >= live.since ? live.pace : 1);
      if (!at || at > now || (c.status === 'abandoned' && at >= c.abandonAt)) break;
      try {
        since = (await cases.recordReply(workspaceId, c.id, { text, agentId: agent.id, at })).awaitingReplySince;
        pass.answered++;
      } catch {
        break; // the case changed meanwhile (answered, closed, or its channel refuses a late reply): left as is
      }
    }
  }
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
    const pool = poolFor(c.team);
    const assigneeId = c.assignee ?? pool[Math.floor(rand() * pool.length)].id;
    await cases.update(workspaceId, c.id, { assigneeId, status: 'resolved', at });
    pass.resolved++;
  }
  return pass;
}
