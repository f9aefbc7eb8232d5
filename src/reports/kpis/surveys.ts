import { inRange, SurveyKind, SurveyResponseRow, TimeRange } from './rows';
import { percent, ratio } from './statistics';

/**
 * docs/KPIS.md, Surveys. CSAT follows Chatwoot (share of 4 and 5 on a 1-5 scale; 3 or less is flagged
 * for follow-up); NPS is % promoters (9-10) − % detractors (0-6).
 *
 * Responses count when answered in range. A score outside the scale (1-5, 0-10, integers) is not
 * counted: ingestion validates scores, and one stray row should not fail a whole report.
 * The response rate counts responses by when their survey was sent (`sentAt`, else `respondedAt`)
 * against surveys sent in range, so a survey sent last week and answered today does not push this
 * week's rate above what was sent.
 */

export interface CsatKpis {
  /** responses of 4 or 5 / responses × 100 */
  score: number | null;
  /** mean rating, 1 … 5 */
  mean: number | null;
  responses: number;
  /** Ids of responses rated 3 or less, to follow up. */
  followUps: string[];
  /** responses / surveys sent × 100; `null` when sends are not recorded */
  responseRate: number | null;
}

export interface NpsKpis {
  /** % promoters − % detractors, −100 … 100 */
  score: number | null;
  promoters: number;
  passives: number;
  detractors: number;
  responses: number;
  responseRate: number | null;
}

export interface SurveyKpis {
  csat: CsatKpis;
  nps: NpsKpis;
}

/** Surveys sent in range per kind; `null`/absent when sends are not recorded. */
export interface SurveySends {
  csat?: number | null;
  nps?: number | null;
}

const SCALE: Record<SurveyKind, { min: number; max: number }> = { csat: { min: 1, max: 5 }, nps: { min: 0, max: 10 } };

function valid(kind: SurveyKind) {
  const { min, max } = SCALE[kind];
  return (r: SurveyResponseRow) => r.kind === kind && Number.isInteger(r.score) && r.score >= min && r.score <= max;
}

/** Responses a row stands for: 1, or a day rollup's tally. */
const weight = (r: SurveyResponseRow) => r.count ?? 1;

/** Σ weight of the rows. */
function total(rows: readonly SurveyResponseRow[]): number {
  let n = 0;
  for (const r of rows) n += weight(r);
  return n;
}

function responseRate(
  responses: readonly SurveyResponseRow[],
  kind: SurveyKind,
  range: TimeRange,
  sent: number | null | undefined,
): number | null {
  if (sent === null || sent === undefined) return null;
  const answered = total(responses.filter((r) => r.counts !== 'answered' && valid(kind)(r) && inRange(r.sentAt ?? r.respondedAt, range)));
  return percent(answered, sent);
}

/** The valid responses of `kind` answered in range (by `respondedAt`). */
const answeredIn = (responses: readonly SurveyResponseRow[], kind: SurveyKind, range: TimeRange) =>
  responses.filter((r) => r.counts !== 'sent' && valid(kind)(r) && inRange(r.respondedAt, range));

export function csatKpis(responses: readonly SurveyResponseRow[], range: TimeRange, sent?: number | null): CsatKpis {
  const kept = answeredIn(responses, 'csat', range);
  const n = total(kept);
  let scoreSum = 0;
  for (const r of kept) scoreSum += r.score * weight(r);
  return {
    score: percent(total(kept.filter((r) => r.score >= 4)), n),
    mean: ratio(scoreSum, n),
    responses: n,
    followUps: kept.filter((r) => r.score <= 3).map((r) => r.responseId),
    responseRate: responseRate(responses, 'csat', range, sent),
  };
}

export function npsKpis(responses: readonly SurveyResponseRow[], range: TimeRange, sent?: number | null): NpsKpis {
  const kept = answeredIn(responses, 'nps', range);
  const n = total(kept);
  const promoters = total(kept.filter((r) => r.score >= 9));
  const detractors = total(kept.filter((r) => r.score <= 6));
  return {
    score: percent(promoters - detractors, n),
    promoters,
    passives: n - promoters - detractors,
    detractors,
    responses: n,
    responseRate: responseRate(responses, 'nps', range, sent),
  };
}

export function surveyKpis(responses: readonly SurveyResponseRow[], range: TimeRange, sends: SurveySends = {}): SurveyKpis {
  return { csat: csatKpis(responses, range, sends.csat), nps: npsKpis(responses, range, sends.nps) };
}
