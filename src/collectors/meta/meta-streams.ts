import type { Platform } from '../../common/platform';
import type { CollectContext } from '../collector';
import { GraphApiError, type GraphCallHooks, type MetaGraphClient } from './graph-client';

/**
 * How the Facebook and Instagram collectors walk Graph edges with the collectors' guarantees: a
 * page is stored before its cursor is saved, a run that stops (a rate limit waited out too long,
 * a crash) resumes from the last stored page, and the first collection of a topic reads
 * `BACKFILL_DAYS` of history.
 */

/** Graph's largest page for these edges. */
export const GRAPH_PAGE_SIZE = 100;

export const hooksFor = (ctx: CollectContext | null, platform: Platform): GraphCallHooks => ({
  platform,
  waiting: async () => {
    await ctx?.heartbeat();
  },
});

const unixSeconds = (ms: number) => Math.floor(ms / 1000);

/**
 * A newest-first edge (a Page's published, visitor or tagged posts; an account's media or tags)
 * read down to `floorMs`: on a first run the backfill window, later the newest item stored
 * (`sinceId`, epoch ms, re-read once so nothing at the same second is lost), or `always` when every
 * run should read the whole window (own posts, whose metrics and comments keep changing). Pages
 * are stored as read; the cursor keeps the `after` cursor and the newest time seen until the run
 * completes, so a failed run resumes after the last stored page.
 */
export async function drainNewestFirst<T>(
  ctx: CollectContext,
  client: MetaGraphClient,
  opts: {
    platform: Platform;
    stream: string;
    path: string;
    params: Record<string, string | number>;
    backfillMs: number;
    /** read the whole backfill window each run (the cursor then only serves resuming) */
    wholeWindow?: boolean;
    /** send `since` (edges that take it); otherwise stop at the first item older than the floor */
    since: boolean;
    timeOf: (item: T) => number | null;
    store: (raw: unknown[], floorMs: number) => Promise<T[]>;
  },
): Promise<void> {
  const state = await ctx.cursor(opts.stream);
  const windowFloor = Date.now() - opts.backfillMs;
  const floorMs = opts.wholeWindow || !state.sinceId ? windowFloor : Math.max(windowFloor, Number(state.sinceId));
  let newest = state.pending?.newestId ? Number(state.pending.newestId) : state.sinceId ? Number(state.sinceId) : null;
  let after = state.pending?.untilId ?? null;
  const params = { ...opts.params, limit: GRAPH_PAGE_SIZE, ...(opts.since ? { since: unixSeconds(floorMs) } : {}) };
  for (;;) {
    const page = await readPage(ctx, client, opts, params, after);
    const items = await opts.store(page.data, floorMs);
    const times = items.map(opts.timeOf).filter((t): t is number => t !== null);
    for (const t of times) newest = newest === null ? t : Math.max(newest, t);
    const reachedFloor = !opts.since && times.some((t) => t < floorMs);
    if (!page.hasNext || !page.after || reachedFloor) break;
    after = page.after;
    await ctx.saveCursor(opts.stream, {
      sinceId: state.sinceId,
      pending: { newestId: newest === null ? null : String(newest), untilId: after },
    });
    await ctx.heartbeat();
  }
  await ctx.saveCursor(opts.stream, { sinceId: newest === null ? state.sinceId : String(newest), pending: null });
}

/**
 * An oldest-first edge (a post's comments with `filter=stream`), continued after the `after`
 * cursor of the last page stored (`sinceId`): new comments, replies to old ones included, come
 * after it. A cursor Graph no longer takes (its comment deleted) restarts the edge from its start.
 */
export async function drainOldestFirst(
  ctx: CollectContext,
  client: MetaGraphClient,
  opts: {
    platform: Platform;
    stream: string;
    path: string;
    params: Record<string, string | number>;
    store: (raw: unknown[]) => Promise<void>;
  },
): Promise<void> {
  const state = await ctx.cursor(opts.stream);
  let after = state.sinceId;
  const params = { ...opts.params, limit: GRAPH_PAGE_SIZE };
  for (;;) {
    let page;
    try {
      page = await readPage(ctx, client, opts, params, after);
    } catch (err) {
      if (after && err instanceof Error && isBadCursor(err)) {
        after = null;
        continue;
      }
      throw err;
    }
    await opts.store(page.data);
    if (page.after) {
      after = page.after;
      await ctx.saveCursor(opts.stream, { sinceId: after, pending: null });
    }
    if (!page.hasNext || !page.after) break;
    await ctx.heartbeat();
  }
}

/** Graph refused the `after` cursor (error 100 naming it). */
const isBadCursor = (err: Error) =>
  /error 100\b.*cursor/i.test(err.message) || (err instanceof GraphApiError && err.code === 100 && /cursor/i.test(err.message));

function readPage(
  ctx: CollectContext,
  client: MetaGraphClient,
  opts: { platform: Platform; path: string },
  params: Record<string, string | number>,
  after: string | null,
) {
  return client.page(opts.path, params, after, hooksFor(ctx, opts.platform));
}
