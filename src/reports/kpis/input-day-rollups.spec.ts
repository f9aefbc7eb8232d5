import { Types } from 'mongoose';
import { dayCover, type DayRollupRow, mergeByRange } from '../../inputs/day-rollups';
import { leadDayEntries, type LeadDayEntry, leadRowsOfDay, mergeLeadEntries } from '../../leads/lead-day-rollups';
import {
  byAnswer,
  edgeRows,
  mergeSurveyEntries,
  surveyDayEntries,
  type SurveyDayEntry,
  surveyRowsOfDay,
  type SurveyTags,
} from '../../surveys/survey-day-rollups';
import { prng } from '../../common/prng';
import { leadKpis } from './leads';
import { inRange, type LeadRow, type SurveyResponseRow, type TimeRange } from './rows';
import { surveyKpis } from './surveys';

const DAY = 24 * 3600_000;
const start = Date.parse('2026-01-01T00:00:00Z');

/** What a report reads with day rollups: the rows of the cover's whole days and the records of its edges. */
function rowsOfDays<E>(entries: Map<number, E[]>, days: TimeRange[]): DayRollupRow<E>[] {
  return [...entries].filter(([ms]) => days.some((r) => inRange(new Date(ms), r))).map(([ms, e]) => ({ day: new Date(ms), entries: e }));
}

describe('survey and lead KPIs from day rollups', () => {
  const rand = prng(5);
  const responses: SurveyTags[] = Array.from({ length: 1500 }, () => {
    const respondedAt = new Date(start + Math.floor(rand() * 90 * DAY));
    const type = rand() < 0.5 ? 'csat' : 'nps';
    return {
      _id: new Types.ObjectId(),
      type,
      score: type === 'csat' ? 1 + Math.floor(rand() * 5) : Math.floor(rand() * 11),
      respondedAt,
      sentAt: rand() < 0.4 ? new Date(respondedAt.getTime() - Math.floor(rand() * 5 * DAY)) : null,
    };
  });
  const asRow = (r: SurveyTags): SurveyResponseRow => ({
    responseId: String(r._id),
    kind: r.type,
    score: r.score,
    respondedAt: r.respondedAt,
    sentAt: r.sentAt ?? null,
  });
  const exactRows = (from: Date, to: Date) =>
    responses
      .filter((r) => inRange(r.respondedAt, { from, to }) || (r.sentAt && inRange(r.sentAt, { from, to })))
      .map(asRow)
      .sort(byAnswer);

  const cases: [string, Date[], Set<number>][] = [
    ['7 days from mid-day', [new Date(start + 40.3 * DAY), new Date(start + 47.3 * DAY), new Date(start + 54.3 * DAY)], new Set()],
    [
      '30 days, a day pending',
      [new Date(start + 20.71 * DAY), new Date(start + 50.71 * DAY), new Date(start + 80.71 * DAY)],
      new Set([start + 60 * DAY]),
    ],
    ['shorter than a day', [new Date(start + 30.1 * DAY), new Date(start + 30.4 * DAY), new Date(start + 30.7 * DAY)], new Set()],
    ['whole days', [new Date(start + 10 * DAY), new Date(start + 30 * DAY), new Date(start + 50 * DAY)], new Set()],
  ];

  it.each(cases)('give each range the survey KPIs of its responses (%s), follow-ups in order', (_, cuts, dirty) => {
    const cover = dayCover(cuts, dirty);
    const days = rowsOfDays<SurveyDayEntry>(surveyDayEntries(responses), cover.days);
    const edges = edgeRows(exactRows(cuts[0], cuts[2]), cover.raw);
    const fromRollups = [...days.flatMap(surveyRowsOfDay), ...edges].sort(byAnswer);
    // as the service reads them: the days of each range summed into one row
    const merged = [...mergeByRange(days, cuts, mergeSurveyEntries).flatMap(surveyRowsOfDay), ...edges].sort(byAnswer);
    expect(merged.length).toBeLessThan(fromRollups.length + 1);
    const exact = exactRows(cuts[0], cuts[2]);
    for (const range of [
      { from: cuts[0], to: cuts[1] },
      { from: cuts[1], to: cuts[2] },
    ]) {
      const sends = { csat: 400, nps: 350 };
      expect(surveyKpis(fromRollups, range, sends)).toEqual(surveyKpis(exact, range, sends));
      expect(surveyKpis(merged, range, sends)).toEqual(surveyKpis(exact, range, sends));
    }
    expect(surveyKpis(fromRollups, { from: cuts[1], to: cuts[2] }).csat.followUps.length).toBeGreaterThan(0);
  });

  it('counts only the days asked for in a recount', () => {
    const day = start + 12 * DAY;
    const only = surveyDayEntries(responses, new Set([day]));
    expect([...only.keys()]).toEqual([day]);
    expect(only.get(day)).toEqual(surveyDayEntries(responses).get(day));
  });

  it.each(cases)('give each range its social leads (%s)', (_, cuts, dirty) => {
    const mediums = ['social', 'cpc', 'Paid_Social', null, 'email'];
    const sources = ['facebook.com', 'newsletter', null, 'l.instagram.com'];
    const leads = Array.from({ length: 2000 }, (__, i) => ({
      leadId: `l${i}`,
      createdAt: new Date(start + Math.floor(rand() * 90 * DAY)),
      utmMedium: mediums[i % mediums.length],
      utmSource: sources[i % sources.length],
      mentionId: i % 17 === 0 ? `m${i}` : null,
    }));
    const cover = dayCover(cuts, dirty);
    const entries = leadDayEntries(
      leads.map((l) => ({ occurredAt: l.createdAt, utmMedium: l.utmMedium, utmSource: l.utmSource, mentionId: l.mentionId })),
    );
    const edges = leads.filter((l) => cover.raw.some((r) => inRange(l.createdAt, r)));
    const days = rowsOfDays<LeadDayEntry>(entries, cover.days);
    const fromRollups: LeadRow[] = [...days.flatMap(leadRowsOfDay), ...edges];
    const merged: LeadRow[] = [...mergeByRange(days, cuts, mergeLeadEntries).flatMap(leadRowsOfDay), ...edges];
    for (const range of [
      { from: cuts[0], to: cuts[1] },
      { from: cuts[1], to: cuts[2] },
    ]) {
      for (const socialMediums of [undefined, ['cpc']]) {
        const of = (rows: LeadRow[]) => leadKpis({ leads: rows, mentionRollups: [], traffic: [] }, range, { socialMediums }).social;
        expect(of(fromRollups)).toBe(of(leads));
        expect(of(merged)).toBe(of(leads));
      }
    }
  });
});
