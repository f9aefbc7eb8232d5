import { DateTime } from 'luxon';
import type { AgentsService } from '../care/agents/agents.service';
import type { MentionInput } from '../collectors/collected';
import { poisson, seededRandom } from '../forecast/synthetic-history';
import type { MentionsService } from '../mentions/mentions.service';
import type { WorkspaceView } from '../workspaces/workspaces.service';
import { MENTION_TEMPLATES } from './traffic/demo-phrases';
import { HOURLY_WEIGHTS, WEEKDAY_FACTORS } from './traffic/demo-traffic-generator';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The demo's own traffic covers the last week; this fills the three before it, so the forecast has four weeks. */
const EARLIER_WEEKS = 3;
/**
 * Inbound support per hour per unit of the traffic's shape when the emulators' week is not in the
 * rollups to measure (about 4,000 mentions over the three weeks: cheap to store and enrich).
 */
const DEFAULT_LEVEL = 8;
/** The measured level is used from this many hours of the emulators' week on. */
const MIN_MEASURED_HOURS = 72;
const MEAN_HOURLY_WEIGHT = HOURLY_WEIGHTS.reduce((sum, w) => sum + w, 0) / 24;

/** The demo traffic's volume at a local hour relative to its weekly mean hour, as the traffic generator shapes it. */
const trafficShape = (t: DateTime): number => (HOURLY_WEIGHTS[t.hour] / MEAN_HOURLY_WEIGHT) * WEEKDAY_FACTORS[t.weekday - 1];

/**
 * Inbound support per unit of trafficShape over the week before `now` as the forecast counts it
 * (support-like mentions plus private messages, from the rollups): the emulators' week, which
 * includes follow-ups and every demo brand's traffic. The hour before `now` is left out (live
 * traffic runs faster). Null with less than MIN_MEASURED_HOURS of it.
 */
export async function measuredSupportLevel(mentions: MentionsService, ws: WorkspaceView, now: Date): Promise<number | null> {
  const end = DateTime.fromJSDate(now, { zone: ws.timezone }).startOf('hour').minus({ hours: 1 });
  const rows = await mentions.rollupRows(ws.id, end.minus({ days: 7 }).toJSDate(), end.toJSDate());
  if (rows.length === 0) return null;
  let count = 0;
  for (const r of rows) count += r.support + r.complaint + r.question + (r.privateInbound ?? 0);
  let shape = 0;
  let hours = 0;
  for (let t = DateTime.fromJSDate(rows[0].hour, { zone: ws.timezone }).startOf('hour'); t < end; t = t.plus({ hours: 1 })) {
    shape += trafficShape(t);
    hours++;
  }
  return hours >= MIN_MEASURED_HOURS && shape > 0 ? count / shape : null;
}

const KINDS = ['support', 'complaint', 'question'] as const;

/** The templates without placeholders (they need no filling), per kind and language. */
const plain = (kind: (typeof KINDS)[number], lang: 'pt' | 'en') => MENTION_TEMPLATES[kind][lang].filter((s) => !s.includes('{'));

/**
 * Three weeks of earlier support mentions on X for the forecast page (issue #20): a seeded Poisson
 * history with the daily and weekly shape of the demo traffic itself (the generator's hour-of-day
 * weights and weekday factors, in the workspace's time zone) at the level the emulators' week
 * measures in the rollups (`level`, else DEFAULT_LEVEL), so the forecast's backtest on the demo
 * checks the model rather than a change of shape between seeded and emulated weeks. Stored through
 * ingestion like collected posts (so the rollups, and nothing else, see them as history). Returns
 * the mentions stored.
 */
export async function seedSupportHistory(
  mentions: MentionsService,
  ws: WorkspaceView,
  topicId: string,
  now: Date,
  seed = 20,
  level: number | null = null,
): Promise<number> {
  const rand = seededRandom(seed);
  const perShape = level ?? DEFAULT_LEVEL;
  const end = DateTime.fromJSDate(new Date(now.getTime() - 7 * DAY_MS), { zone: ws.timezone }).startOf('hour');
  const start = end.minus({ weeks: EARLIER_WEEKS }).startOf('week');
  const inputs: MentionInput[] = [];
  let seq = 0;
  for (let t = start; t < end; t = t.plus({ hours: 1 })) {
    const n = poisson(perShape * trafficShape(t), rand);
    for (let k = 0; k < n; k++) {
      const lang = rand() < 0.7 ? 'pt' : 'en';
      const options = plain(KINDS[Math.floor(rand() * KINDS.length)], lang);
      const text = options[Math.floor(rand() * options.length)];
      const id = `demo-history-${++seq}`;
      const user = `cliente_${Math.floor(rand() * 400)}`;
      inputs.push({
        platform: 'x',
        externalId: id,
        text,
        createdAt: new Date(t.toMillis() + Math.floor(rand() * HOUR_MS)),
        url: `https://x.com/${user}/status/${id}`,
        author: { externalId: `demo-history-${user}`, handle: user, name: null, followers: Math.floor(rand() * 2000) },
        platformLang: lang,
        metrics: { likes: 0, reposts: 0, quotes: 0, replies: 0, impressions: null },
      });
    }
  }
  let stored = 0;
  for (let i = 0; i < inputs.length; i += 500) stored += (await mentions.ingest(ws, topicId, inputs.slice(i, i + 500))).stored.length;
  return stored;
}

/** Weekly shifts of the demo agents (local hours, ISO weekdays): nobody on Sunday, one agent on Saturday and in the evening. */
const SHIFTS: Record<string, { days: number[]; from: number; to: number }> = {
  'bruna@lumi.example': { days: [1, 2, 3, 4, 5], from: 8, to: 17 },
  'diego@lumi.example': { days: [1, 2, 3, 4, 5, 6], from: 12, to: 21 },
  'alex@lumi.example': { days: [1, 2, 3, 4, 5], from: 9, to: 18 },
};

/**
 * Four weeks of presence history for the demo agents' shifts, so the staffing table has scheduled
 * agents (and, on Saturdays and evenings, shortfalls). About 170 events. Ends with each agent's
 * state at `now`.
 */
export async function seedPresenceHistory(agents: AgentsService, ws: WorkspaceView, now: Date): Promise<number> {
  const list = await agents.list(ws.id);
  let events = 0;
  for (const agent of list) {
    const shift = agent.email ? SHIFTS[agent.email] : undefined;
    if (!shift) continue;
    const first = DateTime.fromJSDate(now, { zone: ws.timezone }).startOf('day').minus({ days: 28 });
    for (let day = first; day.toMillis() <= now.getTime(); day = day.plus({ days: 1 })) {
      if (!shift.days.includes(day.weekday)) continue;
      const on = day.set({ hour: shift.from });
      const off = day.set({ hour: shift.to });
      if (on.toMillis() > now.getTime()) break;
      await agents.recordPresence(ws.id, agent.id, { status: 'online', at: on.toJSDate() });
      events++;
      if (off.toMillis() > now.getTime()) break;
      await agents.recordPresence(ws.id, agent.id, { status: 'offline', at: off.toJSDate() });
      events++;
    }
  }
  return events;
}
