import type { AgentsService } from '../care/agents/agents.service';
import type { MentionInput } from '../collectors/collected';
import type { MentionsService } from '../mentions/mentions.service';
import type { WorkspaceView } from '../workspaces/workspaces.service';
import { DateTime } from 'luxon';
import { measuredSupportLevel, seedPresenceHistory, seedSupportHistory } from './demo-forecast-history';
import { HOURLY_WEIGHTS, WEEKDAY_FACTORS } from './traffic/demo-traffic-generator';

const ws = { id: 'w1', timezone: 'America/Sao_Paulo' } as WorkspaceView;
const now = new Date('2026-12-06T22:00:00Z');

describe('demo forecast history', () => {
  it('seeds three to four weeks of support mentions before the emulators’ week, the same on every run', async () => {
    const batches: MentionInput[][] = [];
    const mentions = { ingest: (_w: unknown, _t: string, inputs: MentionInput[]) => (batches.push(inputs), { stored: inputs }) };
    const stored = await seedSupportHistory(mentions as unknown as MentionsService, ws, 'topic', now);
    const all = batches.flat();
    expect(stored).toBe(all.length);
    // 8 an hour on average (no level measured) over 3–4 weeks: thousands, not hundreds of thousands
    expect(all.length).toBeGreaterThan(3000);
    expect(all.length).toBeLessThan(7000);
    const weekAgo = now.getTime() - 7 * 86_400_000;
    expect(all.every((m) => m.createdAt.getTime() < weekAgo && m.createdAt.getTime() >= weekAgo - 28 * 86_400_000)).toBe(true);
    expect(new Set(all.map((m) => m.externalId)).size).toBe(all.length);
    // Sundays are quieter than Mondays (the weekly shape)
    const local = (m: MentionInput) => new Date(m.createdAt.getTime() - 3 * 3_600_000).getUTCDay();
    expect(all.filter((m) => local(m) === 0).length).toBeLessThan(all.filter((m) => local(m) === 1).length);
    const again: MentionInput[] = [];
    await seedSupportHistory(
      { ingest: (_w: unknown, _t: string, i: MentionInput[]) => (again.push(...i), { stored: i }) } as unknown as MentionsService,
      ws,
      'topic',
      now,
    );
    expect(again.map((m) => m.text)).toEqual(all.map((m) => m.text));
  });

  it('follows the demo traffic’s hour-of-day shape at the level it is given', async () => {
    const all: MentionInput[] = [];
    const sink = { ingest: (_w: unknown, _t: string, i: MentionInput[]) => (all.push(...i), { stored: i }) } as unknown as MentionsService;
    await seedSupportHistory(sink, ws, 'topic', now, 20, 4);
    const byHour = new Array<number>(24).fill(0);
    for (const m of all) byHour[DateTime.fromJSDate(m.createdAt, { zone: ws.timezone }).hour]++;
    // the quietest and busiest hours of the generator's weights (04:00 and 20:00 local)
    expect(byHour[4]).toBeLessThan(byHour[20] / 5);
    // half the default level: about half the mentions
    expect(all.length).toBeGreaterThan(1500);
    expect(all.length).toBeLessThan(2600);
  });

  it('measures the emulators’ week level per unit of the traffic shape from the rollups, or null when it is short', async () => {
    const mean = HOURLY_WEIGHTS.reduce((s, w) => s + w, 0) / 24;
    const rowsFrom = (hours: number) => {
      const end = DateTime.fromJSDate(now, { zone: ws.timezone }).startOf('hour').minus({ hours: 1 });
      const rows: { hour: Date; support: number; complaint: number; question: number; privateInbound: number }[] = [];
      for (let t = end.minus({ hours }); t < end; t = t.plus({ hours: 1 })) {
        const shape = (HOURLY_WEIGHTS[t.hour] / mean) * WEEKDAY_FACTORS[t.weekday - 1];
        // 10 per unit of shape, split across the counted kinds and private messages
        rows.push({ hour: t.toJSDate(), support: 4 * shape, complaint: 3 * shape, question: 2 * shape, privateInbound: shape });
      }
      return { rollupRows: () => Promise.resolve(rows) } as unknown as MentionsService;
    };
    expect(await measuredSupportLevel(rowsFrom(7 * 24), ws, now)).toBeCloseTo(10, 6);
    expect(await measuredSupportLevel(rowsFrom(24), ws, now)).toBeNull();
  });

  it('records four weeks of shifts per demo agent, ending in the state of now', async () => {
    const events: { id: string; status: string; at: Date }[] = [];
    const agents = {
      list: () => [
        { id: 'b', email: 'bruna@lumi.example' },
        { id: 'x', email: 'someone@else.example' },
      ],
      recordPresence: (_w: string, id: string, dto: { status: string; at: Date }) => events.push({ id, ...dto }),
    };
    const n = await seedPresenceHistory(agents as unknown as AgentsService, ws, now);
    expect(n).toBe(events.length);
    expect(events.every((e) => e.id === 'b' && e.at <= now)).toBe(true);
    // weekdays only, 08:00–17:00 local: 20 weekdays in four weeks, two events each
    expect(n).toBe(40);
    expect(events[events.length - 1].status).toBe('offline');
  });
});
