import { HttpException } from '@nestjs/common';
import type { AgentsService } from '../care/agents/agents.service';
import type { CasesService } from '../care/cases.service';
import { DateTime } from 'luxon';
import { from, lastValueFrom, mergeMap } from 'rxjs';
import { prng } from './demo-inputs';

const MINUTE = 60_000;
const PAGE = 200;
/** Cases looked at per status and pass; the demo's week of traffic opens a few hundred. */
const MAX_CASES_PER_PASS = 2_000;
/** Answers one case may get in a pass (a customer who keeps writing back). */
const MAX_ROUNDS_PER_CASE = 20;
/**
 * Cases the desk works at once. One at a time, the week of history on `npm start` (several hundred
 * answers and resolutions, each a case write and its care rollup recount) took minutes on a loaded
 * machine; a few at once keep the database busy while another waits on its write, and cases taken
 * in time order share their rollup slot, so their recounts are joined (CareRollupsService).
 */
export const DESK_CONCURRENCY = 8;

type CaseView = Awaited<ReturnType<CasesService['list']>>['data'][number];

/** What one pass of the demo desk did. */
export interface DemoDeskPass {
  /** Waiting cases the agents answered. */
  answered: number;
  resolved: number;
  /** Answered cases left for a later pass (their resolution time has not come yet) or left open. */
  waiting: number;
  /** Cases another writer changed before the desk's action (resolved, reopened): left as they are. */
  skipped: number;
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
  signal?: AbortSignal,
): Promise<DemoDeskPass> {
  const staff = await agents.list(workspaceId);
  const pass: DemoDeskPass = { answered: 0, resolved: 0, waiting: 0, skipped: 0 };
  if (staff.length === 0) return pass;
  const poolFor = (team: string | null) => {
    const members = staff.filter((a) => a.team === team);
    return members.length > 0 ? members : staff;
  };
  // Waiting cases first: the ones whose answer time has come get their reply. Abandoned ones too:
  // at start-up the care scan may abandon a case of the week's traffic before the desk reaches it,
  // though the team had answered it within the day (a late answer found reopens it).
  const waiting = await gather(
    cases,
    workspaceId,
    ['open', 'pending', 'abandoned'],
    'waiting',
    (c, status) => c.awaitingReplySince !== null && (status !== 'abandoned' || c.firstResponseAt === null),
  );
  waiting.sort((a, b) => a.awaitingReplySince!.getTime() - b.awaitingReplySince!.getTime());
  await each(signal, waiting, async (c) => {
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
        pass.skipped++;
        break; // the case changed meanwhile (answered, closed, or its channel refuses a late reply): left as is
      }
    }
  });
  // Answered cases: the brand replied last (`pending` when the reply came through the API, `open`
  // with nobody awaiting a reply when it was collected from X). Gathered first, updated after, so
  // the pages do not shift under the updates.
  const answered = await gather(
    cases,
    workspaceId,
    ['open', 'pending'],
    undefined,
    (c) => c.awaitingReplySince === null && c.lastOutboundAt !== null,
  );
  answered.sort((a, b) => a.lastOutboundAt!.getTime() - b.lastOutboundAt!.getTime());
  await each(signal, answered, async (c) => {
    const rand = draw(c.id);
    const repliedAt = c.lastOutboundAt;
    if (!repliedAt || rand() < 1 / 7) {
      pass.waiting++;
      return;
    }
    const at = new Date(repliedAt.getTime() + (5 + Math.floor(rand() * 85)) * MINUTE);
    if (at > now) {
      pass.waiting++;
      return;
    }
    const pool = poolFor(c.team);
    const assigneeId = c.assignee ?? pool[Math.floor(rand() * pool.length)].id;
    try {
      await cases.update(workspaceId, c.id, { assigneeId, status: 'resolved', at });
      pass.resolved++;
    } catch (err) {
      // the customer wrote again, or someone resolved it meanwhile: the case rules refuse, the next pass sees it anew
      if (!(err instanceof HttpException)) throw err;
      pass.skipped++;
    }
  });
  return pass;
}

/**
 * The cases of these statuses `keep` accepts, each once: the list is read in pages while the
 * collection places new cases, so a case can show up on two pages.
 */
async function gather(
  cases: Pick<CasesService, 'list'>,
  workspaceId: string,
  statuses: string[],
  sort: 'waiting' | undefined,
  keep: (c: CaseView, status: string) => boolean,
): Promise<CaseView[]> {
  const found = new Map<string, CaseView>();
  for (const status of statuses) {
    for (let offset = 0; offset < MAX_CASES_PER_PASS; offset += PAGE) {
      const { data } = await cases.list(workspaceId, { status, limit: PAGE, offset, ...(sort ? { sort } : {}) });
      for (const c of data) if (!found.has(c.id) && keep(c, status)) found.set(c.id, c);
      if (data.length < PAGE) break;
    }
  }
  return [...found.values()];
}

/**
 * Works the cases DESK_CONCURRENCY at a time (rxjs `mergeMap`); every case is worked even when
 * one fails, and the first unexpected failure is thrown once all are done, so a pass never ends
 * with writes still in flight. Once `signal` aborts (the service is stopping), the cases not yet
 * started are left for the next start's pass, so a stop waits for at most DESK_CONCURRENCY writes.
 */
async function each<T>(signal: AbortSignal | undefined, items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let failure: { err: unknown } | null = null;
  const guarded = async (item: T) =>
    signal?.aborted
      ? undefined
      : work(item).catch((err: unknown) => {
          failure ??= { err };
        });
  await lastValueFrom(from(items).pipe(mergeMap(guarded, DESK_CONCURRENCY)), { defaultValue: undefined });
  if (failure) throw (failure as { err: unknown }).err;
}
