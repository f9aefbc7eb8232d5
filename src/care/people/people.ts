/**
 * Cross-network identity (issue 18, item 3): a workspace says that authors on different networks
 * are one person, so the case view lists the person's cases on every network. Pure rules; the
 * service loads the links and stores what these decide.
 */
export interface AuthorKey {
  platform: string;
  /** the network's author id */
  authorId: string;
}

/** A person needs two identities to mean anything; fewer after an unlink dissolves it. */
export const MIN_IDENTITIES = 2;
/** More would be a shared account or a mistake rather than one person. */
export const MAX_IDENTITIES = 20;

export const authorKey = (a: AuthorKey) => `${a.platform}:${a.authorId}`;

export function distinctAuthors(authors: AuthorKey[]): AuthorKey[] {
  const seen = new Map<string, AuthorKey>();
  for (const a of authors) if (!seen.has(authorKey(a))) seen.set(authorKey(a), { platform: a.platform, authorId: a.authorId });
  return [...seen.values()];
}

export type LinkPlan = { add: AuthorKey[]; conflict: null } | { add: []; conflict: { author: AuthorKey; personId: string } };

/**
 * What linking `requested` to `personId` (null: a new person) does, given the person each author
 * already belongs to: authors already there are left alone; an author of another person is a
 * conflict (unlink it there first: merging two people silently would surprise whoever linked them).
 */
export function planLink(personId: string | null, requested: AuthorKey[], owners: ReadonlyMap<string, string>): LinkPlan {
  const add: AuthorKey[] = [];
  for (const a of distinctAuthors(requested)) {
    const owner = owners.get(authorKey(a));
    if (owner === undefined) add.push(a);
    else if (owner !== personId) return { add: [], conflict: { author: a, personId: owner } };
  }
  return { add, conflict: null };
}

/** After an unlink: the identities still linked, or none when too few remain to be a person. */
export function afterUnlink(identities: AuthorKey[], removed: AuthorKey): { remaining: AuthorKey[]; dissolved: boolean } {
  const remaining = identities.filter((a) => authorKey(a) !== authorKey(removed));
  return remaining.length < MIN_IDENTITIES ? { remaining: [], dissolved: true } : { remaining, dissolved: false };
}
