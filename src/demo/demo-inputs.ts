import { DateTime } from 'luxon';
import { prng } from '../common/prng';
import { batchFromJson } from '../inputs/record-batch';
import type { LeadsService } from '../leads/leads.service';
import type { SurveysService } from '../surveys/surveys.service';
import type { TrafficService } from '../traffic/traffic.service';

/** Days of website traffic, assisted contacts, leads and surveys the demo starts with. */
export const DEMO_INPUT_DAYS = 14;

/** Deterministic (mulberry32): the demo shows the same numbers on every fresh start. */
export { prng };

const pickWeighted = (rand: () => number, weights: number[]): number => {
  let r = rand() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) if ((r -= weights[i]) < 0) return i;
  return weights.length - 1;
};

export interface DemoInputServices {
  traffic: TrafficService;
  leads: LeadsService;
  surveys: SurveysService;
}

export interface DemoInputRecords {
  traffic: Record<string, unknown>[];
  contacts: Record<string, unknown>[];
  leads: Record<string, unknown>[];
  surveySends: Record<string, unknown>[];
  surveyResponses: Record<string, unknown>[];
}

/**
 * The inputs the demo's deflection, lead and survey KPIs read, as a company would send them to
 * the API: daily sessions (social and help-centre shares), phone / email / chat contacts, leads
 * with UTM tags (a third from social), and CSAT / NPS sends and responses. The last
 * `DEMO_INPUT_DAYS` local days up to `now`; instants in a day never pass `now`.
 */
export function demoInputRecords(timezone: string, now = new Date()): DemoInputRecords {
  const rand = prng(2026);
  const out: DemoInputRecords = { traffic: [], contacts: [], leads: [], surveySends: [], surveyResponses: [] };
  const today = DateTime.fromJSDate(now, { zone: timezone }).startOf('day');
  for (let back = DEMO_INPUT_DAYS - 1; back >= 0; back--) {
    const day = today.minus({ days: back });
    const date = day.toISODate()!;
    const weekend = day.weekday >= 6;
    // A day's share that has already happened (today is partial).
    const elapsed = Math.min(1, (now.getTime() - day.toMillis()) / 86_400_000);
    const scale = (n: number) => Math.max(0, Math.round(n * elapsed));
    const sessions = scale((weekend ? 14_000 : 21_000) + rand() * 4000);
    out.traffic.push({
      periodStart: date,
      granularity: 'day',
      sessions,
      socialSessions: Math.round(sessions * (0.07 + rand() * 0.03)),
      helpCenterSessions: Math.round(sessions * (0.12 + rand() * 0.05)),
    });
    for (const [channel, base] of [
      ['phone', 320],
      ['email', 140],
      ['chat', 210],
    ] as const) {
      out.contacts.push({ periodStart: date, granularity: 'day', channel, count: scale((weekend ? 0.6 : 1) * base + rand() * 60) });
    }
    const at = () => {
      const ms = day.toMillis() + rand() * Math.max(1, now.getTime() - day.toMillis());
      return new Date(Math.min(ms, day.plus({ days: 1 }).toMillis() - 1, now.getTime())).toISOString();
    };
    const leadCount = scale(18 + rand() * 14);
    for (let i = 0; i < leadCount; i++) {
      const channel = pickWeighted(rand, [35, 30, 20, 15]);
      const [utmSource, utmMedium, utmCampaign] = [
        ['x', 'social', 'cartao-sem-anuidade'],
        ['google', 'cpc', 'marca'],
        ['newsletter', 'email', 'novembro'],
        ['instagram', 'social', 'cartao-sem-anuidade'],
      ][channel];
      out.leads.push({
        occurredAt: at(),
        utmSource,
        utmMedium,
        utmCampaign,
        value: Math.round(80 + rand() * 220),
        externalId: `demo-lead-${date}-${i}`,
      });
    }
    for (const [type, sent, responseRate, weights] of [
      ['csat', 40, 0.35, [6, 8, 14, 34, 38]],
      ['nps', 30, 0.25, [2, 1, 2, 2, 3, 4, 6, 14, 20, 22, 24]],
    ] as const) {
      const count = scale(sent + rand() * 10);
      if (count === 0) continue;
      out.surveySends.push({ type, sentAt: at(), count, externalId: `demo-${type}-send-${date}` });
      const responses = Math.round(count * responseRate);
      for (let i = 0; i < responses; i++) {
        const score = pickWeighted(rand, [...weights]) + (type === 'csat' ? 1 : 0);
        out.surveyResponses.push({ type, score, respondedAt: at(), externalId: `demo-${type}-${date}-${i}` });
      }
    }
  }
  return out;
}

/** Stores the demo inputs through the same validation and idempotent writes as the API. */
export async function seedDemoInputs(workspaceId: string, timezone: string, services: DemoInputServices, now = new Date()) {
  const r = demoInputRecords(timezone, now);
  const reports = {
    traffic: await services.traffic.ingestTraffic(workspaceId, batchFromJson(r.traffic)),
    contacts: await services.traffic.ingestSupportContacts(workspaceId, batchFromJson(r.contacts)),
    leads: await services.leads.ingest(workspaceId, batchFromJson(r.leads)),
    surveySends: await services.surveys.ingestSends(workspaceId, batchFromJson(r.surveySends)),
    surveyResponses: await services.surveys.ingestResponses(workspaceId, batchFromJson(r.surveyResponses)),
  };
  return Object.fromEntries(Object.entries(reports).map(([k, v]) => [k, { stored: v.stored, updated: v.updated, rejected: v.rejected }]));
}
