import type { SurveyKind, SurveyResponseRow, TimeRange } from '../common/rows';
import { inRange } from '../common/rows';
import { dayRollupSchemas, startOfUtcDay, type DayRollupRow } from '../inputs/day-rollups';

/**
 * A day's survey responses tallied by type and score (docs/KPIS.md, "Surveys"): `answered`, those
 * answered that day (the scores, by `respondedAt`); `sent`, those whose survey was sent that day
 * (the response rate, by `sentAt ?? respondedAt`). A response counts under both of its days. The
 * CSAT responses of 3 or less answered that day are kept one by one (`followUps`: id and instant),
 * because the overview lists them.
 */
export interface SurveyDayEntry {
  kind: SurveyKind;
  score: number;
  answered: number;
  sent: number;
  followUps?: { id: string; at: Date }[];
}

export const SURVEY_DAY_ROLLUP = 'SurveyDayRollup';
export const SURVEY_ROLLUP_MARK = 'SurveyRollupMark';
export const surveyDayRollupSchemas = dayRollupSchemas('survey');

/** What a response's day entries read. */
export interface SurveyTags {
  _id: unknown;
  type: SurveyKind;
  score: number;
  respondedAt: Date;
  sentAt?: Date | null;
}

/** A CSAT response the overview lists for follow-up, whatever its day's tally (`csatKpis`). */
const listed = (kind: SurveyKind, score: number) => kind === 'csat' && score <= 3;

/** The day entries of some responses, by UTC day; only the days in `only` when given. */
export function surveyDayEntries(responses: Iterable<SurveyTags>, only?: ReadonlySet<number>): Map<number, SurveyDayEntry[]> {
  const byDay = new Map<number, Map<string, SurveyDayEntry>>();
  const entry = (day: number, kind: SurveyKind, score: number) => {
    let entries = byDay.get(day);
    if (!entries) byDay.set(day, (entries = new Map<string, SurveyDayEntry>()));
    const key = `${kind}|${score}`;
    let e = entries.get(key);
    if (!e) entries.set(key, (e = { kind, score, answered: 0, sent: 0, ...(listed(kind, score) ? { followUps: [] } : {}) }));
    return e;
  };
  for (const r of responses) {
    const answeredDay = startOfUtcDay(r.respondedAt).getTime();
    if (!only || only.has(answeredDay)) {
      const e = entry(answeredDay, r.type, r.score);
      e.answered += 1;
      e.followUps?.push({ id: String(r._id), at: r.respondedAt });
    }
    const sentDay = startOfUtcDay(r.sentAt ?? r.respondedAt).getTime();
    if (!only || only.has(sentDay)) entry(sentDay, r.type, r.score).sent += 1;
  }
  return new Map([...byDay].map(([day, entries]) => [day, [...entries.values()]]));
}

/** Entries of the same type and score summed, follow-ups kept (days of one range, `mergeByRange`). */
export function mergeSurveyEntries(entries: readonly SurveyDayEntry[]): SurveyDayEntry[] {
  const out = new Map<string, SurveyDayEntry>();
  for (const e of entries) {
    const key = `${e.kind}|${e.score}`;
    const into = out.get(key);
    if (!into) out.set(key, { ...e, ...(e.followUps ? { followUps: [...e.followUps] } : {}) });
    else {
      into.answered += e.answered;
      into.sent += e.sent;
      if (e.followUps) (into.followUps ??= []).push(...e.followUps);
    }
  }
  return [...out.values()];
}

/**
 * A day row as the KPI functions read responses: a tally row per score and role (`counts`), and
 * the listed CSAT responses one by one, as answered that day.
 */
export function surveyRowsOfDay(row: DayRollupRow<SurveyDayEntry>): SurveyResponseRow[] {
  const out: SurveyResponseRow[] = [];
  const id = `day:${row.day.toISOString()}`;
  for (const e of row.entries) {
    if (e.followUps) {
      for (const f of e.followUps)
        out.push({ responseId: f.id, kind: e.kind, score: e.score, respondedAt: f.at, sentAt: null, counts: 'answered' });
    } else if (e.answered > 0) {
      out.push({ responseId: id, kind: e.kind, score: e.score, respondedAt: row.day, sentAt: null, count: e.answered, counts: 'answered' });
    }
    if (e.sent > 0)
      out.push({ responseId: id, kind: e.kind, score: e.score, respondedAt: row.day, sentAt: row.day, count: e.sent, counts: 'sent' });
  }
  return out;
}

/**
 * Responses read at the edges of a report (and on days with a write in progress): each counts
 * only for the role whose date lies in `spans`, since the day rows hold the other.
 */
export function edgeRows(rows: readonly SurveyResponseRow[], spans: readonly TimeRange[]): SurveyResponseRow[] {
  const inSpans = (at: Date) => spans.some((s) => inRange(at, s));
  const out: SurveyResponseRow[] = [];
  for (const r of rows) {
    const answered = inSpans(r.respondedAt);
    const sent = inSpans(r.sentAt ?? r.respondedAt);
    if (answered && sent) out.push(r);
    else if (answered) out.push({ ...r, counts: 'answered' });
    else if (sent) out.push({ ...r, counts: 'sent' });
  }
  return out;
}

/** Oldest answer first, then by id: the order the overview lists follow-ups in (as `responseRows` sorts). */
export function byAnswer(a: SurveyResponseRow, b: SurveyResponseRow): number {
  return a.respondedAt.getTime() - b.respondedAt.getTime() || (a.responseId < b.responseId ? -1 : a.responseId > b.responseId ? 1 : 0);
}
