import { DateTime } from 'luxon';
import { brandReply, customerPost } from '../../test/support/care-inputs';
import { startCareServices, type CareServices } from '../../test/support/care-services';
import { AgentsService } from '../care/agents/agents.service';
import { CaseHistory } from '../care/case-history';
import { CasePlacementService } from '../care/case-placement.service';
import { CasesService } from '../care/cases.service';
import { answerTime, DESK_RATES, runDemoDesk } from './demo-desk';

const MINUTE = 60_000;
const SLA_MINUTES = 120;

describe('answerTime', () => {
  const tz = 'America/Sao_Paulo';
  // 14:00 in São Paulo (UTC-3): the full team's hours
  const since = new Date('2026-12-02T17:00:00Z');
  const ids = Array.from({ length: 200 }, (_, i) => `case-${i}`);

  it('answers most messages, each after the message, and leaves the same ones unanswered at any pace', () => {
    const real = ids.map((id) => answerTime(id, since, tz));
    const fast = ids.map((id) => answerTime(id, since, tz, 10));
    expect(real.map((a) => a === null)).toEqual(fast.map((a) => a === null));
    expect(real.filter((a) => a === null).length).toBeLessThan(10);
    for (const a of real) if (a) expect(a.getTime()).toBeGreaterThan(since.getTime());
  });

  it('at pace 10 waits a tenth as long', () => {
    for (const id of ids) {
      const real = answerTime(id, since, tz);
      const fast = answerTime(id, since, tz, 10);
      if (!real || !fast) continue;
      expect(fast.getTime() - since.getTime()).toBeCloseTo((real.getTime() - since.getTime()) / 10, 0);
    }
  });

  // 4,000 cases at each local hour: the shares a working team's desk shows (the draws are fixed by
  // the case id, so the numbers are exact on every run; the bounds leave room for sampling).
  const many = Array.from({ length: 4_000 }, (_, i) => `c${i}`);
  const at = (hour: number) => DateTime.fromObject({ year: 2026, month: 12, day: 2, hour, minute: 17 }, { zone: tz }).toJSDate();
  it.each([
    // local hour, who works, least share answered within the 2 h SLA, longest wait of the in-SLA answers (min)
    [10, 'full team', 0.93, 45],
    [15, 'full team', 0.93, 45],
    [19, 'evening shift', 0.93, 75],
    [23, 'agent on call', 0.83, 90],
    [3, 'agent on call', 0.83, 90],
  ])('at %i:17 (%s) answers at least %f within the SLA, none of them after %i min', (hour, _who, withinSla, longest) => {
    const t0 = at(hour);
    const waits = many.map((id) => answerTime(id, t0, tz)).map((a) => (a ? (a.getTime() - t0.getTime()) / MINUTE : null));
    const inSla = waits.filter((w): w is number => w !== null && w < SLA_MINUTES);
    expect(inSla.length / many.length).toBeGreaterThanOrEqual(withinSla);
    expect(Math.max(...inSla)).toBeLessThanOrEqual(longest);
    // a few breaches and abandonments remain, as a real queue has
    const unanswered = waits.filter((w) => w === null).length / many.length;
    expect(unanswered).toBeGreaterThan(DESK_RATES.unanswered / 2);
    expect(unanswered).toBeLessThan(DESK_RATES.unanswered * 2);
    const late = waits.filter((w) => w !== null && w >= SLA_MINUTES).length / many.length;
    expect(late).toBeGreaterThan(DESK_RATES.late / 2);
  });

  it('at night, the messages the agent on call leaves wait for the morning team (08:00 to 09:00)', () => {
    const t0 = at(3);
    const answers = many.map((id) => answerTime(id, t0, tz)).filter((a): a is Date => a !== null);
    const inTheMorning = answers.filter((a) => DateTime.fromJSDate(a, { zone: tz }).hour === 8).length / many.length;
    // the ones the agent on call leaves, and a few late answers that land then too
    expect(inTheMorning).toBeGreaterThan((1 - DESK_RATES.onCallAtNight) * 0.8);
    for (const a of answers) expect(DateTime.fromJSDate(a, { zone: tz }).hour).toBeLessThan(10);
  });
});

/**
 * A pass of the desk over a backlog of history, through the real case services on the embedded
 * engine: every answer and resolution is written at its time in the past (not "now"), by an agent,
 * with the case's history; the cases whose time has not come, or that the draw leaves unanswered,
 * still wait; and a second pass finds nothing left to do.
 */
describe('runDemoDesk over a backlog', () => {
  let s: CareServices;
  let inbox: CasesService;
  let ws: string;
  const now = new Date('2026-03-05T12:00:00Z');
  const N = 120;
  // one customer every 37 minutes over the three days before `now`; every third answered by the
  // brand on the network 20 minutes later, and every sixth writing back after that answer
  const postedAt = (i: number) => new Date(now.getTime() - (i + 1) * 37 * MINUTE);

  beforeAll(async () => {
    s = await startCareServices({ firstResponseSeconds: SLA_MINUTES * 60 });
    inbox = s.get(CasesService);
    ws = s.workspace.id;
    for (const name of ['Bruna Costa', 'Diego Ramos', 'Alex Turner']) await s.get(AgentsService).create(ws, { name });
    const posts = Array.from({ length: N }, (_, i) => customerPost(ws, i, postedAt(i), { author: `u${i}`, conversationId: `conv-${i}` }));
    const replies = posts.filter((_, i) => i % 3 === 0).map((p, k) => brandReply(k, p, new Date(p.createdAt.getTime() + 20 * MINUTE)));
    const again = posts
      .filter((_, i) => i % 6 === 0 && i > 0)
      .map((p, k) => ({
        ...customerPost(ws, 10_000 + k, new Date(p.createdAt.getTime() + 30 * MINUTE), { author: p.author.externalId }),
        conversationId: p.conversationId,
      }));
    await s.get(CasePlacementService).onIngested(s.workspace, null, [...posts, ...again], replies);
  }, 60_000);
  afterAll(() => s.close());

  it('answers and resolves the backlog in one pass, at the times the draws give, and a second pass has nothing left', async () => {
    const pass = await runDemoDesk(inbox, s.get(AgentsService), ws, now, 'UTC');
    const all = (await inbox.list(ws, { limit: 200 })).data;
    expect(all).toHaveLength(N);
    const stillWaiting = all.filter((c) => c.awaitingReplySince !== null);
    // the cases the draw leaves unanswered, and the last hour's whose answer time has not come
    for (const c of stillWaiting) {
      const at = answerTime(c.id, c.awaitingReplySince!, 'UTC');
      expect(at === null || at > now).toBe(true);
    }
    expect(stillWaiting.length).toBeLessThan(N / 10);
    expect(pass.answered).toBeGreaterThan(N / 2);
    expect(pass.skipped).toBe(0);

    // answers carry the agent and the drawn time in the past; resolutions come 5 to 90 min after the last answer
    const answeredByDesk = all.filter((c) => c.firstResponder !== null && c.firstResponseAt !== null);
    const sample = answeredByDesk.slice(0, 10);
    for (const view of sample) {
      const c = await inbox.get(ws, view.id);
      const api = c.messages!.filter((m) => m.source === 'api');
      for (const m of api) {
        expect(m.agentId).not.toBeNull();
        expect(m.at.getTime()).toBeLessThanOrEqual(now.getTime());
      }
    }
    const resolved = all.filter((c) => c.status === 'resolved');
    expect(resolved.length).toBe(pass.resolved);
    expect(resolved.length).toBeGreaterThan(N / 2);
    for (const c of resolved) {
      const after = (c.resolvedAt!.getTime() - c.lastOutboundAt!.getTime()) / MINUTE;
      expect(after).toBeGreaterThanOrEqual(5);
      expect(after).toBeLessThan(90);
      expect(c.assignee).not.toBeNull();
    }
    // each resolution is in the case's history, as an agent's would be
    const history = await s.get(CaseHistory).list(ws, resolved[0].id);
    expect(history).toContainEqual(expect.objectContaining({ type: 'status', to: 'resolved', at: resolved[0].resolvedAt }));

    expect(await runDemoDesk(inbox, s.get(AgentsService), ws, now, 'UTC')).toEqual({
      answered: 0,
      resolved: 0,
      waiting: pass.waiting,
      skipped: 0,
    });
  }, 60_000);
});
