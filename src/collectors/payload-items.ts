import type { z } from 'zod';
import type { Platform } from '../common/platform';
import type { RejectedItem } from './collected';

/** An item of a social API's page that failed validation: its id, what was wrong, and the item as answered. */
export interface Skipped {
  id: string;
  problem: string;
  raw: unknown;
}

/** Skipped items as the batch's quarantined ones. */
export const rejectedOf = (platform: Platform, skipped: readonly Skipped[]): RejectedItem[] =>
  skipped.map((s) => ({
    platform,
    externalId: s.id.startsWith('(no ') ? null : s.id,
    reason: 'invalid_payload' as const,
    problem: s.problem,
    payload: s.raw,
  }));

/**
 * Validates a page's items one by one, so one malformed item is reported (named by its `idKey`
 * field, the problem by field path, or by `entity` for the item itself) and the rest are kept.
 */
export function parseEach<T>(
  schema: z.ZodType<T>,
  raw: readonly unknown[],
  entity: string,
  idKey = 'id',
): { items: T[]; skipped: Skipped[] } {
  const items: T[] = [];
  const skipped: Skipped[] = [];
  for (const item of raw) {
    const parsed = schema.safeParse(item);
    if (parsed.success) items.push(parsed.data);
    else {
      const id = (item as Record<string, unknown> | null | undefined)?.[idKey];
      skipped.push({
        id: typeof id === 'string' ? id : `(no ${idKey})`,
        problem: parsed.error.issues.map((i) => `${i.path.join('.') || entity}: ${i.message}`).join('; '),
        raw: item,
      });
    }
  }
  return { items, skipped };
}
