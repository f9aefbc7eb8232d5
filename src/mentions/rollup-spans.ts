import { ROLLUP_SLOT_MS, startOfRollupSpan } from '../common/time-buckets';
import { isPrivateChannel } from '../common/visibility';

/** The counters an hour or day row sums from its slots (the slots' `langs` stay on the slots: no report reads them by span). */
export const SPAN_COUNTERS = [
  'count',
  'scoreSum',
  'positive',
  'negative',
  'neutral',
  'support',
  'complaint',
  'question',
  'lead',
  'praise',
  'other',
] as const;

export interface SpanKey {
  workspaceId: unknown;
  topicId: unknown;
  span: 'hour' | 'day';
  start: Date;
  platform: string;
}

/**
 * A slot's inbound support (docs/KPIS.md, Listening): support, complaint and question, or every
 * message on a private care channel (WhatsApp), as `MentionsService.rollupRows` reads a slot.
 */
export function slotInbound(platform: string, c: Partial<Record<string, number>>): number {
  return isPrivateChannel(platform) ? (c.count ?? 0) : (c.support ?? 0) + (c.complaint ?? 0) + (c.question ?? 0);
}

/**
 * What a change of some slot rows adds to their hour and day rows: the same counters summed, and
 * each slot's inbound support under `inb.<slot index in the span>`. Works for increments (a
 * batch, a correction's move) and for whole rows (a rebuild) alike.
 */
export function spanIncrements<K extends { workspaceId: unknown; topicId: unknown; platform: string; hour: Date }>(
  slots: { key: K; inc: Partial<Record<string, number>> }[],
): { key: SpanKey; inc: Record<string, number> }[] {
  const out = new Map<string, { key: SpanKey; inc: Record<string, number> }>();
  for (const { key, inc } of slots) {
    for (const span of ['hour', 'day'] as const) {
      const start = startOfRollupSpan(span, key.hour);
      const id = `${String(key.topicId)}|${span}|${start.getTime()}|${key.platform}`;
      let row = out.get(id);
      if (!row) {
        const spanKey: SpanKey = { workspaceId: key.workspaceId, topicId: key.topicId, span, start, platform: key.platform };
        out.set(id, (row = { key: spanKey, inc: {} }));
      }
      for (const f of SPAN_COUNTERS) {
        const n = inc[f];
        if (n) row.inc[f] = (row.inc[f] ?? 0) + n;
      }
      const inbound = slotInbound(key.platform, inc);
      if (inbound) {
        const field = `inb.${(key.hour.getTime() - start.getTime()) / ROLLUP_SLOT_MS}`;
        row.inc[field] = (row.inc[field] ?? 0) + inbound;
      }
    }
  }
  return [...out.values()];
}
