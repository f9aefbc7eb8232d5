import type { SurveyKind } from '../common/rows';

/**
 * docs/KPIS.md, Surveys: CSAT is rated 1-5 (Chatwoot), NPS 0-10; a CSAT of 3 or less is flagged
 * for follow-up.
 */
export const SURVEY_TYPES = ['csat', 'nps'] as const satisfies readonly SurveyKind[];

export const SCORE_SCALES: Record<SurveyKind, { min: number; max: number }> = {
  csat: { min: 1, max: 5 },
  nps: { min: 0, max: 10 },
};

const CSAT_FOLLOW_UP_AT_MOST = 3;

export function isSurveyType(value: unknown): value is SurveyKind {
  return typeof value === 'string' && (SURVEY_TYPES as readonly string[]).includes(value);
}

/** Why `score` is not a rating of this survey type, or `null` when it is. */
export function scoreProblem(type: unknown, score: unknown): string | null {
  if (!isSurveyType(type)) {
    return Number.isInteger(score) ? null : 'score must be an integer (1 to 5 for csat, 0 to 10 for nps)';
  }
  const { min, max } = SCORE_SCALES[type];
  if (typeof score !== 'number' || !Number.isInteger(score) || score < min || score > max) {
    return `score must be an integer between ${min} and ${max} for ${type}`;
  }
  return null;
}

export function needsFollowUp(type: SurveyKind, score: number): boolean {
  return type === 'csat' && score <= CSAT_FOLLOW_UP_AT_MOST;
}
