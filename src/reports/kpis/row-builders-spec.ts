/** Row builders for the specs (the file name keeps it out of the build and out of the test list). */
import { CaseRow, MentionRollupRow } from './rows';

/** Each builder fills every field with zero/empty except what the test says. */

export function rollup(hour: string, values: Partial<Omit<MentionRollupRow, 'hour'>> = {}): MentionRollupRow {
  return {
    hour: new Date(hour),
    count: 0,
    positive: 0,
    negative: 0,
    neutral: 0,
    scoreSum: 0,
    support: 0,
    complaint: 0,
    question: 0,
    lead: 0,
    ...values,
  };
}

export function caseRow(caseId: string, openedAt: string, values: Partial<CaseRow> = {}): CaseRow {
  return {
    caseId,
    platform: 'x',
    openedAt: new Date(openedAt),
    firstResponseAt: null,
    status: 'open',
    resolvedAt: null,
    resolutions: [],
    reopenCount: 0,
    abandonedAt: null,
    inboundCount: 1,
    outboundCount: 0,
    lastInboundAt: new Date(openedAt),
    lastOutboundAt: null,
    assignee: null,
    team: null,
    assignedAt: null,
    reassignments: [],
    routingKeyword: null,
    ...values,
  };
}

export const at = (iso: string): Date => new Date(iso);
