import type { Intent, SentimentLabel } from './labels';

/**
 * Plain rows the KPI functions read. Each is what one cheap MongoDB query (a `find` with a
 * projection, or a `$match` + `$group` on indexed fields) returns, with dates as `Date`.
 *
 * Every KPI function takes the report's half-open range `[from, to)` and ignores rows outside it,
 * so a query may over-fetch (for instance "cases opened or resolved in range") without skewing a
 * number.
 */

/** The report's half-open range `[from, to)`. */
export interface TimeRange {
  from: Date;
  to: Date;
}

export type Interval = 'hour' | 'day' | 'week';

/**
 * One rollup bucket of mentions (posts by others; never the topic's owned accounts), keyed by the
 * platform `createdAt` of the mentions, as ingestion `$inc`s it. Each mention has one sentiment
 * label and one intent, so the label counts and the intent counts each sum to at most `count`.
 *
 * `hour` is the UTC start of the bucket. Buckets are grouped into local hours/days by the local
 * hour that contains `hour`: that is exact whenever a bucket never straddles a local hour
 * boundary, which holds for UTC-hour buckets in every whole-hour-offset zone, and for 15-minute
 * buckets in every zone (all IANA offsets are multiples of 15 minutes). Ingestion writes 15-minute
 * slots (`startOfRollupSlot`); rows from before that are UTC hours.
 */
export interface MentionRollupRow {
  hour: Date;
  /** Mentions in the bucket. */
  count: number;
  positive: number;
  negative: number;
  neutral: number;
  /** Σ normalised sentiment score (−1 … 1) of the bucket's mentions. */
  scoreSum: number;
  support: number;
  complaint: number;
  question: number;
  lead: number;
  praise?: number;
  other?: number;
  /**
   * Messages on private care channels (WhatsApp) in the bucket: inbound support whatever their
   * intent, and counted in no other listening figure (`count`, sentiment and `byPlatform` leave them out).
   */
  privateInbound?: number;
  /** Mentions in the bucket per platform (`count` split by network), when the read kept them apart. */
  byPlatform?: Readonly<Record<string, number>>;
  /**
   * An hour or day row (longer than a slot): the inbound support of each of its 15-minute slots,
   * by slot index from `hour` (absent ones had none), so a local hour that starts inside the row
   * (Asia/Kolkata) is still summed exactly. Absent on a slot row.
   */
  inboundBySlot?: Readonly<Record<string, number>>;
}

/** A brand's own post, with its latest collected metrics. Replies to others are not posts. */
export interface OwnPostRow {
  postId: string;
  accountId: string;
  /** The platform's `created_at`. */
  publishedAt: Date;
  likes: number;
  /** `null` where the network exposes no share count (Instagram). */
  reposts: number | null;
  quotes: number;
  replies: number;
  /** `null` when the platform did not report impressions for this post. */
  impressions: number | null;
}

/** A follower count of an owned account, as collected at `at`. */
export interface FollowerSample {
  accountId: string;
  at: Date;
  followers: number;
}

export interface LeadRow {
  leadId: string;
  createdAt: Date;
  utmSource: string | null;
  utmMedium: string | null;
  /** The mention this lead was linked to, if any. */
  mentionId: string | null;
  /** Leads this row stands for (a day rollup's row of leads with the same tags), 1 when absent. */
  count?: number;
}

/** Website (or help-centre) sessions for one hour or day, pushed through the API or a CSV. */
export interface TrafficRow {
  periodStart: Date;
  granularity: 'hour' | 'day';
  sessions: number;
  /** Sessions referred by social networks; `null`/absent when the source did not say. */
  socialSessions?: number | null;
}

/** Assisted contacts (phone calls, e-mails, chats, tickets) for one hour or day. */
export interface SupportContactRow {
  periodStart: Date;
  granularity: 'hour' | 'day';
  channel: string;
  contacts: number;
}

/**
 * `pending` (waiting on the customer) is still an open case for every KPI. `not_support` cases
 * (closed after an agent corrected their messages to non-support intents) are never loaded for a report.
 */
export type CaseStatus = 'open' | 'pending' | 'resolved' | 'abandoned' | 'not_support';

export interface Reassignment {
  at: Date;
  fromAgent: string | null;
  toAgent: string | null;
  fromTeam?: string | null;
  toTeam?: string | null;
}

/**
 * A support case (conversation), as the case document stores it. The fields are maintained on
 * each message/assignment so that no report needs the message history.
 */
export interface CaseRow {
  caseId: string;
  platform: string;
  openedAt: Date;
  /** The first brand response to any message of the case. */
  firstResponseAt: Date | null;
  status: CaseStatus;
  /** The last resolution; the case counts as resolved only while `status` is `resolved`. */
  resolvedAt: Date | null;
  /** Every resolution, oldest first (a reopened and re-resolved case has several). */
  resolutions: Date[];
  reopenCount: number;
  /** When the case was last reopened by a new customer message; handle time restarts there. */
  lastReopenedAt?: Date | null;
  /** When the case was closed as abandoned, if it was. */
  abandonedAt: Date | null;
  /** Customer messages in the case. */
  inboundCount: number;
  /** Brand responses in the case. */
  outboundCount: number;
  lastInboundAt: Date | null;
  lastOutboundAt: Date | null;
  /**
   * The first customer message after the last brand response (cleared by a brand response):
   * how long the customer has been waiting. Falls back to `lastInboundAt` when absent.
   */
  awaitingReplySince?: Date | null;
  /** Current assignee and team. */
  assignee: string | null;
  team: string | null;
  /** When the case was first assigned; later moves are in `reassignments`. */
  assignedAt: Date | null;
  /** Every move from one agent/team to another, oldest first. */
  reassignments: Reassignment[];
  /** The keyword the router matched when the case came in. */
  routingKeyword: string | null;
  /** Who sent the first response; defaults to whoever held the case then. */
  firstResponder?: string | null;
  /** Who resolved it; defaults to the current assignee. */
  resolvedBy?: string | null;
}

/** An agent of the workspace and the team they belong to. */
export interface AgentRow {
  agentId: string;
  team: string | null;
}

export type PresenceStatus = 'online' | 'away' | 'offline';

export interface PresenceEvent {
  agentId: string;
  at: Date;
  status: PresenceStatus;
}

export type SurveyKind = 'csat' | 'nps';

export interface SurveyResponseRow {
  responseId: string;
  kind: SurveyKind;
  /** 1-5 for CSAT, 0-10 for NPS. */
  score: number;
  respondedAt: Date;
  /** When the survey was sent; the response rate counts responses by it when present. */
  sentAt?: Date | null;
  caseId?: string | null;
  agentId?: string | null;
  /** Responses this row stands for (a day rollup's tally of one score), 1 when absent. */
  count?: number;
  /**
   * What the row counts for when it is not a whole response: `answered`, the scores by
   * `respondedAt`; `sent`, the response rate by `sentAt ?? respondedAt` (a day rollup keeps each
   * response under both of its days). Absent: both.
   */
  counts?: 'answered' | 'sent';
}

export function inRange(at: Date, range: TimeRange): boolean {
  const t = at.getTime();
  return t >= range.from.getTime() && t < range.to.getTime();
}

// ---- reviews of the models' labels (the model-quality KPIs) ------------------------------

/** One reviewed label of one mention. */
export interface LabelReview<L extends string> {
  predicted: L;
  corrected: L;
}

/** A mention an agent reviewed: each label only if the agent set it. */
export interface CorrectionRow {
  sentiment?: LabelReview<SentimentLabel> | null;
  intent?: LabelReview<Intent> | null;
}
