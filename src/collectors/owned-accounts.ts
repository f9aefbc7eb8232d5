import type { Platform } from '../common/platform';
import { emptyBatch, type AccountSnapshotInput } from './collected';
import type { CollectContext } from './collector';

export interface OwnedAccountRef {
  externalId: string;
  handle: string;
}

/** What a platform says of one owned account: its id and handle, and its follower count when known. */
export interface OwnedAccountLookup extends OwnedAccountRef {
  snapshot: AccountSnapshotInput | null;
}

/**
 * Looks up each of the topic's owned accounts on one platform, once per run: records the id the
 * platform gave a handle (so later runs and replies know it), stores the follower counts, and
 * returns the accounts found. `lookup` answers null for a handle the platform does not know.
 */
export async function resolveOwnedAccounts(
  ctx: CollectContext,
  platform: Platform,
  lookup: (handle: string) => Promise<OwnedAccountLookup | null>,
): Promise<OwnedAccountRef[]> {
  const found: OwnedAccountRef[] = [];
  const snapshots: AccountSnapshotInput[] = [];
  for (const account of ctx.topic.ownedAccounts.filter((a) => a.platform === platform)) {
    const result = await lookup(account.handle);
    if (!result) continue;
    if (account.externalId !== result.externalId) await ctx.ownedAccountResolved(account.handle, result.externalId);
    found.push({ externalId: result.externalId, handle: result.handle });
    if (result.snapshot) snapshots.push(result.snapshot);
  }
  if (snapshots.length) await ctx.store({ ...emptyBatch(), accounts: snapshots });
  return found;
}
