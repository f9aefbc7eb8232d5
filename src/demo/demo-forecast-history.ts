import { DateTime } from 'luxon';
import type { AgentsService } from '../care/agents/agents.service';
import type { MentionInput } from '../collectors/collected';
import { poisson, seededRandom, syntheticMean } from '../forecast/synthetic-history';
import type { MentionsService } from '../mentions/mentions.service';
import type { WorkspaceView } from '../workspaces/workspaces.service';
import { MENTION_TEMPLATES } from './traffic/demo-phrases';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The demo's own traffic covers the last week; this fills the three before it, so the forecast has four weeks. */
const EARLIER_WEEKS = 3;
/** Support-like messages per hour, on average, in the seeded weeks (about 5,000 mentions over three to four weeks, like the emulators' week: cheap to store and enrich). */
const MEAN_PER_HOUR = 8;

const KINDS = ['support', 'complaint', 'question'] as const;

/** The templates without placeholders (they need no filling), per kind and language. */
const plain = (kind: (typeof KINDS)[number], lang: 'pt' | 'en') => MENTION_TEMPLATES[kind][lang].filter((s) => !s.includes('{'));

/**
 * Three weeks of earlier support mentions on X for the forecast page (issue #20): a seeded Poisson
 * history with the daily and weekly shape of src/forecast/synthetic-history.ts in the workspace's
 * time zone, growing a little week on week, stored through ingestion like collected posts (so the
 * rollups, and nothing else, see them as history). Returns the mentions stored.
 */
export async function seedSupportHistory(
  mentions: MentionsService,
  ws: WorkspaceView,
  topicId: string,
  now: Date,
  seed = 20,
): Promise<number> {
  const rand = seededRandom(seed);
  const end = DateTime.fromJSDate(new Date(now.getTime() - 7 * DAY_MS), { zone: ws.timezone }).startOf('hour');
  const start = end.minus({ weeks: EARLIER_WEEKS }).startOf('week');
  const inputs: MentionInput[] = [];
  let seq = 0;
  for (let t = start; t < end; t = t.plus({ hours: 1 })) {
    // hour of week from Monday 00:00 local, as the synthetic shape expects; 2 % growth a week
    const i = (t.weekday - 1) * 24 + t.hour + 168 * Math.floor(t.diff(start, 'weeks').weeks);
    const n = poisson(syntheticMean(i, { weeks: EARLIER_WEEKS, meanPerHour: MEAN_PER_HOUR, seed, weeklyGrowth: 0.02 }), rand);
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
