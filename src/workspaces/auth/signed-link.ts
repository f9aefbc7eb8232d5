import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed links: a GET that authenticates by its own query instead of an API key (CSV exports
 * opened from the dashboard or a digest email). The link names its workspace (`ws`), who made it
 * (`by`: an API key id, or `digest`), its expiry (`exp`, unix seconds) and carries
 * `sig` = base64url(HMAC-SHA256(key, message)), where the message binds, one per line:
 *
 *   ouvidor-link/v1
 *   <workspace id>
 *   <issuer>
 *   <resource>          (which export: `mentions`, `cases`, …)
 *   <canonical query>   (every other parameter, sorted, percent-encoded)
 *   <expiry>
 *
 * so a changed, added or removed parameter, another workspace, another export or a later expiry
 * does not verify. A field cannot leak into the next: ids and names are checked to hold no
 * newline, and the canonical query encodes every byte that could.
 */
export const LINK_PARAMS = ['ws', 'by', 'exp', 'sig'] as const;
export const DIGEST_ISSUER = 'digest';
const VERSION = 'ouvidor-link/v1';
const OBJECT_ID = /^[0-9a-f]{24}$/;
const RESOURCE = /^[a-z][a-z0-9-]{0,39}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

export interface LinkClaims {
  workspaceId: string;
  /** The API key id that asked for the link, or DIGEST_ISSUER. */
  issuer: string;
  resource: string;
  /** The link's own parameters (not `ws`, `by`, `exp`, `sig`), as the URL carries them. */
  query: Record<string, string>;
  expiresAt: Date;
}

export type LinkCheck =
  { ok: true; claims: LinkClaims } | { ok: false; reason: 'malformed' | 'mismatch' | 'expired'; message: string; expiresAt?: Date };

/** The query as one string: keys sorted by code unit, keys and values percent-encoded. */
export function canonicalQuery(query: Record<string, string>): string {
  return Object.keys(query)
    .sort()
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(query[k])}`)
    .join('&');
}

function assertClaims(c: Omit<LinkClaims, 'query'> & { query: Record<string, unknown> }): void {
  if (!OBJECT_ID.test(c.workspaceId)) throw new Error('a signed link needs a workspace id');
  if (c.issuer !== DIGEST_ISSUER && !OBJECT_ID.test(c.issuer)) throw new Error('a signed link needs an API key id or "digest" as issuer');
  if (!RESOURCE.test(c.resource)) throw new Error(`not a resource name: ${c.resource}`);
  if (!Number.isFinite(c.expiresAt.getTime())) throw new Error('a signed link needs an expiry');
  for (const k of LINK_PARAMS) if (k in c.query) throw new Error(`"${k}" is the link's own parameter`);
}

function mac(key: Buffer, c: LinkClaims, expirySeconds: number): Buffer {
  const message = [VERSION, c.workspaceId, c.issuer, c.resource, canonicalQuery(c.query), String(expirySeconds)].join('\n');
  return createHmac('sha256', key).update(message, 'utf8').digest();
}

const expirySecondsOf = (d: Date) => Math.floor(d.getTime() / 1000);

/** The link's query string: its own parameters, then `ws`, `by`, `exp` and `sig`. */
export function signLink(key: Buffer, claims: LinkClaims): URLSearchParams {
  assertClaims(claims);
  const exp = expirySecondsOf(claims.expiresAt);
  const params = new URLSearchParams(Object.entries(claims.query));
  params.set('ws', claims.workspaceId);
  params.set('by', claims.issuer);
  params.set('exp', String(exp));
  params.set('sig', mac(key, claims, exp).toString('base64url'));
  return params;
}

/**
 * Checks a link's query (as the framework parsed it) for `resource` at `now`. The signature is
 * compared in constant time, and checked before the expiry, so only a genuine link is told it
 * expired. A repeated parameter or a nested one (`a[b]=`) never verifies.
 */
export function verifyLink(key: Buffer, resource: string, rawQuery: Record<string, unknown>, now: Date): LinkCheck {
  const malformed = (what: string): LinkCheck => ({ ok: false, reason: 'malformed', message: `malformed signed link: ${what}` });
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawQuery)) {
    if (typeof v !== 'string') return malformed(`the parameter ${k} must appear once, as text`);
    query[k] = v;
  }
  const { ws, by, exp, sig, ...own } = query;
  if (!ws || !OBJECT_ID.test(ws)) return malformed('ws must be a workspace id');
  if (!by || (by !== DIGEST_ISSUER && !OBJECT_ID.test(by))) return malformed('by must be an API key id or "digest"');
  if (!exp || !/^\d{1,12}$/.test(exp)) return malformed('exp must be a time in unix seconds');
  if (!sig || !SIGNATURE.test(sig)) return malformed('sig must be 43 base64url characters');
  if (!RESOURCE.test(resource)) return malformed('unknown resource');
  const expiresAt = new Date(Number(exp) * 1000);
  const claims: LinkClaims = { workspaceId: ws, issuer: by, resource, query: own, expiresAt };
  const expected = mac(key, claims, Number(exp));
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return {
      ok: false,
      reason: 'mismatch',
      message: 'this link is not valid for this export: its parameters, workspace or signature were changed. Ask for a new link',
    };
  }
  if (expiresAt.getTime() <= now.getTime()) {
    return { ok: false, reason: 'expired', expiresAt, message: `this link expired at ${expiresAt.toISOString()}. Ask for a new link` };
  }
  return { ok: true, claims };
}
