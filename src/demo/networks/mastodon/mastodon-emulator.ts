import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  alterCopy,
  EmulatorHttpServer,
  FaultQueue,
  FixedWindowRateLimiter,
  readBody,
  sendJson,
  type RateLimitOptions,
  type TlsKeyPair,
} from '../shared/emulator-http-server';
import { foldedWords, foldText } from '../../../common/text';
import { networkClauseMatches, parseNetworkSearch } from '../../../topics/query';
import { graphemeLength } from '../../../collectors/collector';

/** The access token the emulator accepts unless the options give another. */
export const MASTODON_EMULATOR_TOKEN = 'test-mastodon-token-1234';

export interface MastodonUser {
  id: string;
  username: string;
  /** username for local accounts, username@domain for remote ones */
  acct: string;
  displayName: string;
  followersCount: number;
}

export type MastodonVisibility = 'public' | 'unlisted' | 'private' | 'direct';

export interface MastodonPostInput {
  /** username of an added local user, or 'user@other.domain' (a remote account, added on first use) */
  author: string;
  /**
   * Plain text; the emulator renders Mastodon's HTML `content`: paragraphs, line breaks, links for
   * URLs, #hashtags and @mentions of known accounts, everything else escaped.
   */
  text: string;
  createdAt: Date;
  /** ISO 639-1 */
  language?: string | null;
  /** id of the parent status (must exist) */
  replyTo?: string;
  /** content warning; a status with one is `sensitive` */
  spoilerText?: string;
  /** default public; only public statuses appear in tag timelines and search (as in Mastodon) */
  visibility?: MastodonVisibility;
  favouritesCount?: number;
  reblogsCount?: number;
  repliesCount?: number;
  quotesCount?: number;
}

export type MastodonFault =
  /** 429 `{ error: 'Too many requests' }` with X-RateLimit-Remaining 0 and X-RateLimit-Reset now + resetInSeconds (default 1) */
  | { status: 429; resetInSeconds?: number }
  /** a server error with a JSON body; with `html: true`, the text/html page a reverse proxy (nginx) answers */
  | { status: 500 | 502 | 503; html?: boolean }
  /** a text/html page with status 200 (a maintenance page, a URL that is not the API's) */
  | { status: 200; html: true }
  /** status 200 and a JSON body cut short (the connection dropped mid-answer) */
  | { truncated: true }
  /**
   * answers normally, its JSON body passed through `alter` first (changed in place, or replaced by
   * what it returns): an item the API serves malformed, an error body at status 200
   */
  | { alter: (body: any) => unknown }
  /** answers normally, but late */
  | { delayMs: number }
  /** 401 `{ error: 'The access token is invalid' }`, as for a revoked token (the token keeps working afterwards) */
  | { status: 401 };

/** Route names, for `failNext` and the request log. */
export type MastodonRoute =
  | 'verify-credentials'
  | 'accounts-lookup'
  | 'account'
  | 'account-statuses'
  | 'tag-timeline'
  | 'search'
  | 'statuses'
  | 'status'
  /** POST /api/v1/statuses */
  | 'create-status'
  /** any other path (answered 404) */
  | 'not-found';

export interface MastodonRequest {
  route: MastodonRoute;
  /** the URL path as requested (percent-encoded) */
  path: string;
  /**
   * query parameters, and for a POST its body's (JSON or form-encoded; the body's win, as in Rails):
   * Rails-style `name[]` ones (and repeated ones) as arrays under `name`; JSON scalars as strings
   */
  params: Record<string, string | string[]>;
  /** whether the request carried the valid bearer token */
  authorized: boolean;
  /** the Idempotency-Key header, when one was sent */
  idempotencyKey?: string;
}

export interface MastodonEmulatorOptions {
  /** serve HTTPS with this key pair (its certificate names "localhost"); default: plain HTTP on 127.0.0.1 */
  tls?: TlsKeyPair;
  /** the bearer token every route requires; default MASTODON_EMULATOR_TOKEN */
  accessToken?: string;
  /** keep the request log (`requests`); default true */
  recordRequests?: boolean;
  /** the instance's domain, used in acct, url and uri; default 'social.example' */
  domain?: string;
  /** the per-token (per-IP without one) window announced in X-RateLimit-* headers and enforced; default 300 per 300 s */
  rateLimit?: RateLimitOptions;
  /**
   * the OAuth scopes granted to the token, space-separated; default 'read write'. Each route needs
   * one of the scopes Mastodon's controller asks for (reads `read` or a `read:*` one, posting
   * `write` or `write:statuses`), else 403 `{ error: 'This action is outside the authorized scopes' }`
   */
  scopes?: string;
}

type Counts = { favouritesCount: number; reblogsCount: number; repliesCount: number; quotesCount: number };
type Params = Record<string, string | string[]>;
type Json = Record<string, unknown>;

interface StoredUser {
  id: string;
  username: string;
  /** the account's instance (this one's for local accounts) */
  domain: string;
  local: boolean;
  acct: string;
  displayName: string;
  followersCount: number;
}

interface StoredStatus {
  id: string;
  idNum: bigint;
  account: StoredUser;
  createdAt: string;
  createdAtMs: number;
  visibility: MastodonVisibility;
  /** marked sensitive (a status with a content warning is, unless posted with sensitive=false) */
  sensitive: boolean;
  deleted: boolean;
  counts: Counts;
  /** set on reblogs: the reblogged status (a reblog has no text of its own) */
  reblogOf?: StoredStatus;
  inReplyTo?: StoredStatus;
  text: string;
  spoilerText: string;
  language: string | null;
  content: string;
  mentions: StoredUser[];
  /** hashtags as written, one per normalized name */
  tags: string[];
  /** normalized (case- and accent-folded) hashtags */
  tagSet: Set<string>;
  /** normalized words of the text and content warning, for search */
  words: string[];
}

/** A Mastodon API error answer: `{ error }` with its HTTP status. */
class MastodonFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
  ) {
    super(error);
  }
}

const recordNotFound = () => new MastodonFailure(404, 'Record not found');
const INVALID_TOKEN = 'The access token is invalid';

const SERVER_FAILURES: Record<500 | 502 | 503, { error: string; title: string }> = {
  500: { error: 'Internal Server Error', title: '500 Internal Server Error' },
  502: { error: 'Bad Gateway', title: '502 Bad Gateway' },
  // Api::BaseController's answer to Mastodon::RaceConditionError and the like
  503: { error: 'There was a temporary problem serving your request, please try again', title: '503 Service Temporarily Unavailable' },
};

/** accounts' created_at (Mastodon serializes the day, at midnight) */
const ACCOUNT_CREATED_AT = '2023-05-01T00:00:00.000Z';
const DEFAULT_STATUSES_LIMIT = 20;
const SEARCH_RESULTS_LIMIT = 20;
/** GET /api/v1/statuses takes at most this many ids (DEFAULT_STATUSES_LIMIT in Mastodon) */
const MAX_STATUS_IDS = 20;

/** The routes, with the scopes their Mastodon controllers accept (any one of them will do). */
const ROUTES: { name: Exclude<MastodonRoute, 'not-found'>; method: 'GET' | 'POST'; pattern: RegExp; scopes: string[] }[] = [
  {
    name: 'verify-credentials',
    method: 'GET',
    pattern: /^\/api\/v1\/accounts\/verify_credentials$/,
    scopes: ['profile', 'read', 'read:accounts'],
  },
  { name: 'accounts-lookup', method: 'GET', pattern: /^\/api\/v1\/accounts\/lookup$/, scopes: ['read', 'read:accounts'] },
  { name: 'account-statuses', method: 'GET', pattern: /^\/api\/v1\/accounts\/([^/]+)\/statuses$/, scopes: ['read', 'read:statuses'] },
  { name: 'account', method: 'GET', pattern: /^\/api\/v1\/accounts\/([^/]+)$/, scopes: ['read', 'read:accounts'] },
  { name: 'tag-timeline', method: 'GET', pattern: /^\/api\/v1\/timelines\/tag\/([^/]+)$/, scopes: ['read', 'read:statuses'] },
  { name: 'search', method: 'GET', pattern: /^\/api\/v2\/search$/, scopes: ['read', 'read:search'] },
  { name: 'statuses', method: 'GET', pattern: /^\/api\/v1\/statuses$/, scopes: ['read', 'read:statuses'] },
  { name: 'status', method: 'GET', pattern: /^\/api\/v1\/statuses\/([^/]+)$/, scopes: ['read', 'read:statuses'] },
  { name: 'create-status', method: 'POST', pattern: /^\/api\/v1\/statuses$/, scopes: ['write', 'write:statuses'] },
];

/** Mastodon's default limit of a status's text (with its content warning). */
const MAX_STATUS_CHARS = 500;
/** how long an Idempotency-Key names the status it created (Mastodon keeps it an hour in Redis) */
const IDEMPOTENCY_TTL_MS = 3600 * 1000;

/** A request body's parameters (JSON values, or form-encoded strings and `name[]` arrays). */
type BodyParams = Record<string, unknown>;

interface CallContext {
  query: URLSearchParams;
  /** the URL path, for pagination links */
  path: string;
  /** the route's path parameter (account id, hashtag, status id), decoded */
  arg: string;
  /** the query's and the body's parameters, the body's winning (as Rails merges them) */
  params: BodyParams;
  /** the Idempotency-Key header */
  idempotencyKey?: string;
}

interface Answer {
  body: unknown;
  link?: string;
}

/**
 * A local server that answers like a Mastodon 4.3 instance's REST API, as a client holding a user's
 * access token sees it, over scripted accounts and statuses. Payloads follow the documented
 * entities (snake_case JSON, as `masto` expects before it camel-cases them). Tests serve it over
 * HTTPS with the committed fixture certificate (`test/support/mastodon-test-server.ts`).
 *
 * The token's owner is the first added user (verify_credentials); it sees public and unlisted
 * statuses of others, its own statuses of any visibility, and private/direct ones that mention it.
 * It posts the statuses created through POST /api/v1/statuses (with the token's `scopes`).
 */
export class MastodonEmulator {
  readonly requests: MastodonRequest[] = [];

  private readonly http: EmulatorHttpServer;
  private readonly usersByAcct = new Map<string, StoredUser>();
  private readonly usersById = new Map<string, StoredUser>();
  private owner?: StoredUser;
  private readonly statuses = new Map<string, StoredStatus>();
  private readonly usedIds = new Set<bigint>();
  /** Idempotency-Keys used to post, by account id and key: the status created and when the key expires */
  private readonly idempotencyKeys = new Map<string, { statusId: string; expiresAtMs: number }>();
  private readonly faults = new FaultQueue<MastodonFault>();
  /** windows by key (the token, or the client address without one), aligned to multiples of the period as Rack::Attack's */
  private readonly rateLimit: FixedWindowRateLimiter;

  private readonly accessToken: string;
  private readonly recordRequests: boolean;
  private readonly domain: string;
  private readonly scopes: Set<string>;

  constructor(options: MastodonEmulatorOptions = {}) {
    this.http = new EmulatorHttpServer((req, res) => this.handle(req, res), {
      tls: options.tls,
      internalErrorBody: { error: SERVER_FAILURES[500].error },
    });
    this.accessToken = options.accessToken ?? MASTODON_EMULATOR_TOKEN;
    this.recordRequests = options.recordRequests ?? true;
    this.domain = (options.domain ?? 'social.example').toLowerCase();
    this.rateLimit = new FixedWindowRateLimiter(options.rateLimit ?? { limit: 300, windowSeconds: 300 }, 'epoch');
    this.scopes = new Set((options.scopes ?? 'read write').split(/\s+/).filter((scope) => scope !== ''));
  }

  /* ------------------------------------------------------------------ lifecycle */

  start(): Promise<{ baseUrl: string }> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  /* ------------------------------------------------------------------ data */

  /**
   * Adds an account (or updates the one with that acct). Without a domain, or with this instance's,
   * the account is local (acct = username); otherwise remote (acct = username@domain). The first
   * local account added owns the access token.
   */
  addUser(u: { username: string; displayName?: string; followersCount?: number; domain?: string }): MastodonUser {
    if (!USERNAME.test(u.username)) throw new Error(`Not a valid username: ${u.username}`);
    const domain = (u.domain ?? this.domain).toLowerCase();
    if (!DOMAIN.test(domain)) throw new Error(`Not a valid domain: ${u.domain}`);
    const local = domain === this.domain;
    const acct = local ? u.username : `${u.username}@${domain}`;
    const existing = this.usersByAcct.get(acct.toLowerCase());
    if (existing) {
      if (u.displayName !== undefined) existing.displayName = u.displayName;
      if (u.followersCount !== undefined) existing.followersCount = u.followersCount;
      return publicUser(existing);
    }
    const user: StoredUser = {
      id: String(snowflake(Date.parse(ACCOUNT_CREATED_AT), this.usersById.size + 1)),
      username: u.username,
      domain,
      local,
      acct,
      displayName: u.displayName ?? defaultDisplayName(u.username),
      followersCount: u.followersCount ?? 0,
    };
    this.usersByAcct.set(acct.toLowerCase(), user);
    this.usersById.set(user.id, user);
    // The token belongs to the first local account.
    if (local) this.owner ??= user;
    return publicUser(user);
  }

  addPost(p: MastodonPostInput): { id: string; url: string; uri: string } {
    const account = this.authorFor(p.author);
    let parent: StoredStatus | undefined;
    if (p.replyTo !== undefined) {
      const found = this.statuses.get(p.replyTo);
      if (!found || found.deleted) throw new Error(`Unknown parent status: ${p.replyTo}`);
      parent = found.reblogOf ?? found;
    }
    const spoilerText = (p.spoilerText ?? '').trim();
    const status = this.storeStatus({
      account,
      text: p.text,
      spoilerText,
      sensitive: spoilerText !== '',
      createdAt: p.createdAt,
      visibility: p.visibility ?? 'public',
      language: p.language ?? null,
      parent,
      counts: {
        favouritesCount: p.favouritesCount ?? 0,
        reblogsCount: p.reblogsCount ?? 0,
        repliesCount: p.repliesCount ?? 0,
        quotesCount: p.quotesCount ?? 0,
      },
    });
    return { id: status.id, url: this.statusUrl(status), uri: this.statusUri(status) };
  }

  /** Stores a status (not a reblog), its content rendered; the parent (if any) gets one more reply. */
  private storeStatus(s: {
    account: StoredUser;
    text: string;
    spoilerText: string;
    sensitive: boolean;
    createdAt: Date;
    visibility: MastodonVisibility;
    language: string | null;
    parent?: StoredStatus;
    counts: Counts;
  }): StoredStatus {
    const idNum = this.nextId(s.createdAt);
    const text = s.text.replace(/\r\n?/g, '\n').trim();
    const rendered = this.render(text, s.account);
    const status: StoredStatus = {
      id: String(idNum),
      idNum,
      account: s.account,
      createdAt: s.createdAt.toISOString(),
      createdAtMs: s.createdAt.getTime(),
      visibility: s.visibility,
      sensitive: s.sensitive,
      deleted: false,
      counts: s.counts,
      inReplyTo: s.parent,
      text,
      spoilerText: s.spoilerText,
      language: s.language,
      content: rendered.html,
      mentions: rendered.mentions,
      tags: rendered.tags,
      tagSet: new Set(rendered.tags.map(foldText)),
      words: [...foldedWords(text), ...foldedWords(s.spoilerText)],
    };
    this.statuses.set(status.id, status);
    if (s.parent) s.parent.counts.repliesCount += 1;
    return status;
  }

  /** A reblog (boost) by `byUsername` at `at`: a status of its own in the reblogger's account statuses, `reblog` being the original. */
  addReblog(byUsername: string, statusId: string, at: Date): { id: string } {
    const account = this.authorFor(byUsername);
    const found = this.statuses.get(statusId);
    if (!found || found.deleted) throw new Error(`Unknown status: ${statusId}`);
    const original = found.reblogOf ?? found;
    if (original.visibility === 'private' || original.visibility === 'direct') {
      throw new Error(`A ${original.visibility} status cannot be reblogged: ${statusId}`);
    }
    const idNum = this.nextId(at);
    const reblog: StoredStatus = {
      id: String(idNum),
      idNum,
      account,
      createdAt: at.toISOString(),
      createdAtMs: at.getTime(),
      visibility: original.visibility,
      sensitive: false,
      deleted: false,
      counts: { favouritesCount: 0, reblogsCount: 0, repliesCount: 0, quotesCount: 0 },
      reblogOf: original,
      text: '',
      spoilerText: '',
      language: null,
      content: '',
      mentions: [],
      tags: [],
      tagSet: new Set(),
      words: [],
    };
    this.statuses.set(reblog.id, reblog);
    original.counts.reblogsCount += 1;
    return { id: reblog.id };
  }

  setCounts(id: string, counts: Partial<Counts>): void {
    const status = this.statuses.get(id);
    if (!status) throw new Error(`Unknown status: ${id}`);
    for (const [name, value] of Object.entries(counts)) {
      if (value !== undefined) status.counts[name as keyof Counts] = value;
    }
  }

  /**
   * The status disappears everywhere (404 by id), its reblogs with it; its parent's replies_count
   * (or, for a reblog, the original's reblogs_count) goes down.
   */
  deletePost(id: string): void {
    const status = this.statuses.get(id);
    if (!status) throw new Error(`Unknown status: ${id}`);
    if (status.deleted) return;
    status.deleted = true;
    if (status.inReplyTo) status.inReplyTo.counts.repliesCount = Math.max(0, status.inReplyTo.counts.repliesCount - 1);
    if (status.reblogOf) status.reblogOf.counts.reblogsCount = Math.max(0, status.reblogOf.counts.reblogsCount - 1);
    for (const other of this.statuses.values()) {
      if (other.reblogOf === status) other.deleted = true;
    }
  }

  /* ------------------------------------------------------------------ faults */

  /** The next `times` (default 1) requests of `route` answer with `fault` (before authentication, as a proxy would). */
  failNext(route: string, fault: MastodonFault, times = 1): void {
    this.faults.add(route, fault, times);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /* ------------------------------------------------------------------ HTTP */

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const pathname = url.pathname.length > 1 ? url.pathname.replace(/\/$/, '') : url.pathname;
    let route: MastodonRoute = 'not-found';
    let scopes: string[] = [];
    let arg = '';
    for (const candidate of ROUTES) {
      const match = candidate.method === req.method ? candidate.pattern.exec(pathname) : null;
      if (!match) continue;
      route = candidate.name;
      scopes = candidate.scopes;
      arg = match[1] === undefined ? '' : safeDecode(match[1]);
      break;
    }
    // GET bodies are ignored; a POST's parameters are the query's and the body's, as Rails merges them.
    const body = req.method === 'POST' ? parseBody(req.headers['content-type'], rawBody) : {};
    const params: BodyParams = { ...queryBodyParams(url.searchParams), ...(body ?? {}) };
    const idempotencyHeader = req.headers['idempotency-key'];
    const idempotencyKey = typeof idempotencyHeader === 'string' ? idempotencyHeader : undefined;
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const authorized = token !== undefined && token === this.accessToken;
    const overLimit = this.consumeWindow(authorized ? `token:${token}` : `ip:${req.socket.remoteAddress ?? ''}`, res);
    if (this.recordRequests) {
      const logged: MastodonRequest = {
        route,
        path: url.pathname,
        params: req.method === 'POST' ? loggedParams(params) : queryParams(url.searchParams),
        authorized,
      };
      if (idempotencyKey !== undefined) logged.idempotencyKey = idempotencyKey;
      this.requests.push(logged);
    }

    if (overLimit) return this.sendTooManyRequests(res);
    if (route === 'not-found') return this.sendError(res, new MastodonFailure(404, 'Not Found'));

    const fault = this.faults.take(route);
    const failure = fault && 'status' in fault ? fault : undefined;
    if (fault && 'delayMs' in fault) {
      await this.http.delay(fault.delayMs);
      if (res.destroyed) return;
    } else if (fault && 'truncated' in fault) {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      return void res.end('[{"id":"1","created_at":"2026-');
    } else if (failure?.status === 429) {
      return this.sendTooManyRequests(res, failure.resetInSeconds ?? 1);
    } else if (failure?.status === 401) {
      return this.sendUnauthorized(res);
    } else if (failure?.status === 200) {
      return this.sendHtml(res, 200, 'Mastodon is down for maintenance');
    } else if (failure) {
      const server = SERVER_FAILURES[failure.status];
      if (failure.html) return this.sendHtml(res, failure.status, server.title);
      return this.sendError(res, new MastodonFailure(failure.status, server.error));
    }

    if (!authorized) return this.sendUnauthorized(res);
    if (!scopes.some((scope) => this.scopes.has(scope))) return this.sendForbidden(res);
    // A body that does not parse fails when the action reads its parameters.
    if (body === undefined) return this.sendError(res, new MastodonFailure(400, 'Error occurred while parsing request parameters'));
    try {
      const answer = this.answer(route, { query: url.searchParams, path: url.pathname, arg, params, idempotencyKey });
      if (answer.link) res.setHeader('link', answer.link);
      const altered = fault && 'alter' in fault ? alterCopy(fault.alter, answer.body) : answer.body;
      sendJson(res, 200, altered);
    } catch (error) {
      if (error instanceof MastodonFailure) return this.sendError(res, error);
      throw error;
    }
  }

  private answer(route: Exclude<MastodonRoute, 'not-found'>, ctx: CallContext): Answer {
    switch (route) {
      case 'verify-credentials':
        return { body: this.verifyCredentials() };
      case 'accounts-lookup':
        return { body: this.lookup(ctx) };
      case 'account':
        return { body: this.accountJson(this.requireAccount(ctx.arg)) };
      case 'account-statuses':
        return this.accountStatuses(ctx);
      case 'tag-timeline':
        return this.tagTimeline(ctx);
      case 'search':
        return { body: this.search(ctx) };
      case 'statuses':
        return { body: this.statusesByIds(ctx) };
      case 'status':
        return { body: this.statusJson(this.requireStatus(ctx.arg)) };
      case 'create-status':
        return { body: this.createStatus(ctx) };
    }
  }

  /**
   * Counts the request in its window (windows align to multiples of the period, as Rack::Attack's)
   * and writes the X-RateLimit-* headers; true when the window is used up.
   */
  private consumeWindow(key: string, res: ServerResponse): boolean {
    const window = this.rateLimit.consume(key);
    res.setHeader('X-RateLimit-Limit', String(this.rateLimit.limit));
    res.setHeader('X-RateLimit-Remaining', String(window.remaining));
    res.setHeader('X-RateLimit-Reset', isoMicros(window.resetAtMs));
    return window.exceeded;
  }

  /** Rack::Attack's throttled answer; for an injected 429 the reset is now + resetInSeconds. */
  private sendTooManyRequests(res: ServerResponse, resetInSeconds?: number): void {
    res.setHeader('X-RateLimit-Remaining', '0');
    if (resetInSeconds !== undefined) res.setHeader('X-RateLimit-Reset', isoMicros(Date.now() + resetInSeconds * 1000));
    sendJson(res, 429, { error: 'Too many requests' });
  }

  /** Doorkeeper's answer to a missing, unknown or revoked token. */
  private sendUnauthorized(res: ServerResponse): void {
    res.setHeader('WWW-Authenticate', `Bearer realm="Doorkeeper", error="invalid_token", error_description="${INVALID_TOKEN}"`);
    sendJson(res, 401, { error: INVALID_TOKEN });
  }

  /** Doorkeeper's answer to a token without the scope the action needs (Api::BaseController's body). */
  private sendForbidden(res: ServerResponse): void {
    res.setHeader('WWW-Authenticate', 'Bearer realm="Doorkeeper", error="insufficient_scope"');
    sendJson(res, 403, { error: 'This action is outside the authorized scopes' });
  }

  private sendError(res: ServerResponse, failure: MastodonFailure): void {
    sendJson(res, failure.status, { error: failure.error });
  }

  private sendHtml(res: ServerResponse, status: number, title: string): void {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'text/html' });
    res.end(
      `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
    );
  }

  /* ------------------------------------------------------------------ accounts */

  private verifyCredentials(): Json {
    const owner = this.owner;
    if (!owner) throw new MastodonFailure(422, 'This method requires an authenticated user');
    return {
      ...this.accountJson(owner),
      source: {
        privacy: 'public',
        sensitive: false,
        language: null,
        note: '',
        fields: [],
        follow_requests_count: 0,
        hide_collections: false,
        discoverable: true,
        indexable: true,
      },
      role: { id: '-99', name: '', permissions: '65536', color: '', highlighted: false },
    };
  }

  private lookup({ query }: CallContext): Json {
    const raw = query.get('acct');
    if (raw === null || raw.trim() === '') throw new MastodonFailure(400, 'param is missing or the value is empty: acct');
    const user = this.findByAcct(raw);
    if (!user) throw recordNotFound();
    return this.accountJson(user);
  }

  /** An account by acct (`user`, `@user`, `user@domain`; this instance's domain means local), case-insensitive. */
  private findByAcct(raw: string): StoredUser | undefined {
    const [username, domain] = raw.trim().replace(/^@/, '').split('@');
    const acct = domain === undefined || domain.toLowerCase() === this.domain ? username : `${username}@${domain}`;
    return this.usersByAcct.get(acct.toLowerCase());
  }

  private requireAccount(id: string): StoredUser {
    const user = this.usersById.get(id);
    if (!user) throw recordNotFound();
    return user;
  }

  /* ------------------------------------------------------------------ timelines */

  private accountStatuses(ctx: CallContext): Answer {
    const { query } = ctx;
    const account = this.requireAccount(ctx.arg);
    // No status is pinned or has media.
    if (truthy(query, 'pinned')) return { body: [] };
    if (truthy(query, 'only_media')) return this.paged(ctx, []);
    const excludeReplies = truthy(query, 'exclude_replies');
    const excludeReblogs = truthy(query, 'exclude_reblogs');
    const tagged = query.get('tagged');
    const items = [...this.statuses.values()].filter(
      (s) =>
        s.account === account &&
        this.visible(s) &&
        // Mastodon's without_replies keeps self-replies (threads)
        !(excludeReplies && s.inReplyTo && s.inReplyTo.account !== account) &&
        !(excludeReblogs && s.reblogOf) &&
        (!tagged || (s.reblogOf === undefined && s.tagSet.has(foldText(tagged.replace(/^#/, ''))))),
    );
    return this.paged(ctx, items);
  }

  /** Public statuses using the hashtag (case- and accent-insensitive); no reblogs. */
  private tagTimeline(ctx: CallContext): Answer {
    const { query } = ctx;
    const tag = foldText(ctx.arg.replace(/^[#＃]/, ''));
    if (truthy(query, 'only_media')) return this.paged(ctx, []);
    const any = [tag, ...arrayParam(query, 'any').map((t) => foldText(t))];
    const all = arrayParam(query, 'all').map((t) => foldText(t));
    const none = arrayParam(query, 'none').map((t) => foldText(t));
    const local = truthy(query, 'local');
    const remote = truthy(query, 'remote');
    const items = [...this.statuses.values()].filter(
      (s) =>
        !s.deleted &&
        !s.reblogOf &&
        s.visibility === 'public' &&
        any.some((t) => s.tagSet.has(t)) &&
        all.every((t) => s.tagSet.has(t)) &&
        !none.some((t) => s.tagSet.has(t)) &&
        (!local || s.account.local) &&
        (!remote || !s.account.local),
    );
    return this.paged(ctx, items);
  }

  /**
   * Mastodon's id pagination: newest first; max_id and since_id bound the page (exclusive), and
   * min_id asks for the statuses just after it (the oldest of them, still returned newest first).
   * Link: rel="next" (max_id = the page's oldest id) while older statuses remain, rel="prev"
   * (min_id = the page's newest id); none on an empty page.
   */
  private paged(ctx: CallContext, items: StoredStatus[]): Answer {
    const { query } = ctx;
    const limit = limitParam(query, DEFAULT_STATUSES_LIMIT);
    const maxId = idParam(query, 'max_id');
    const sinceId = idParam(query, 'since_id');
    const minId = idParam(query, 'min_id');
    const sorted = [...items].sort((a, b) => compareIds(b.idNum, a.idNum));
    const below = maxId === undefined ? sorted : sorted.filter((s) => s.idNum < maxId);
    let page: StoredStatus[];
    if (minId !== undefined) {
      page = below
        .filter((s) => s.idNum > minId)
        .reverse()
        .slice(0, limit)
        .reverse();
    } else {
      page = (sinceId === undefined ? below : below.filter((s) => s.idNum > sinceId)).slice(0, limit);
    }
    const body = page.map((s) => this.statusJson(s));
    if (page.length === 0) return { body };
    const oldest = page[page.length - 1];
    const newest = page[0];
    const links: string[] = [];
    if (sorted.some((s) => s.idNum < oldest.idNum)) links.push(`<${this.pageUrl(ctx, 'max_id', oldest.id)}>; rel="next"`);
    links.push(`<${this.pageUrl(ctx, 'min_id', newest.id)}>; rel="prev"`);
    return { body, link: links.join(', ') };
  }

  /** The request's URL with the other parameters kept and the paging ones replaced. */
  private pageUrl({ path, query }: CallContext, name: 'max_id' | 'min_id', id: string): string {
    const params = new URLSearchParams();
    for (const [key, value] of query) {
      if (key !== 'max_id' && key !== 'min_id' && key !== 'since_id') params.append(key, value);
    }
    params.append(name, id);
    return `${this.http.baseUrl ?? ''}${path}?${params.toString()}`;
  }

  /* ------------------------------------------------------------------ search */

  /**
   * Full-text search of public statuses (no reblogs): every term must match (whole words, case- and
   * accent-insensitive; "quoted phrases"; #tag for the hashtag), newest first, paginated by offset.
   * A status's URL or URI as q finds that status.
   */
  private search({ query }: CallContext): Json {
    const q = query.get('q');
    if (q === null || q.trim() === '') throw new MastodonFailure(400, 'param is missing or the value is empty: q');
    const type = query.get('type');
    const result = { accounts: [] as Json[], statuses: [] as Json[], hashtags: [] as Json[] };
    if (type !== null && type !== '' && type !== 'statuses') return result;
    const limit = limitParam(query, SEARCH_RESULTS_LIMIT);
    const offset = Math.max(0, Number(rubyToI(query.get('offset') ?? '0')));
    const maxId = idParam(query, 'max_id');
    const minId = idParam(query, 'min_id');
    const accountId = query.get('account_id');
    const trimmed = q.trim();

    let hits: StoredStatus[];
    if (/^https?:\/\/\S+$/i.test(trimmed)) {
      hits = [...this.statuses.values()].filter(
        (s) => !s.reblogOf && this.visible(s) && (this.statusUrl(s) === trimmed || this.statusUri(s) === trimmed),
      );
    } else {
      const clauses = parseNetworkSearch(trimmed);
      hits = [...this.statuses.values()].filter(
        (s) =>
          !s.deleted &&
          !s.reblogOf &&
          s.visibility === 'public' &&
          clauses.length > 0 &&
          clauses.every((clause) => networkClauseMatches(clause, { words: s.words, tags: s.tagSet })),
      );
    }
    hits = hits
      .filter(
        (s) =>
          (maxId === undefined || s.idNum < maxId) &&
          (minId === undefined || s.idNum > minId) &&
          (!accountId || s.account.id === accountId),
      )
      .sort((a, b) => compareIds(b.idNum, a.idNum));
    result.statuses = hits.slice(offset, offset + limit).map((s) => this.statusJson(s));
    return result;
  }

  /* ------------------------------------------------------------------ statuses */

  /**
   * POST /api/v1/statuses as Mastodon 4.3 answers it (StatusesController#create, PostStatusService
   * and Status's validations), posted by the token's owner:
   * - in_reply_to_id naming no status the owner may see: 404 "The post you are trying to reply to
   *   does not appear to exist." (set_thread, before anything else);
   * - an Idempotency-Key the owner used within the hour: the status it created, whatever the
   *   parameters (nothing new; 404 "Record not found" if it was deleted since);
   * - blank text (a lone content warning becomes the text): 422 "Validation failed: Text can't be
   *   blank"; over 500 characters (graphemes of the content warning and the text, each URL counting
   *   23, `@user@domain` counting as `@user`): 422 "Validation failed: Text character limit of 500
   *   exceeded"; a visibility that is none of Mastodon's: 422 "Validation failed: Visibility is not
   *   included in the list";
   * - otherwise the new Status (200): visibility default public, language default 'en' (the
   *   instance's default locale) when missing or unknown, sensitive when asked or with a content
   *   warning.
   */
  private createStatus({ params, idempotencyKey }: CallContext): Json {
    const owner = this.owner;
    if (!owner) throw new MastodonFailure(422, 'This method requires an authenticated user');

    const inReplyTo = scalarParam(params, 'in_reply_to_id');
    let parent: StoredStatus | undefined;
    if (inReplyTo !== undefined && inReplyTo.trim() !== '') {
      const found = this.statuses.get(String(rubyToI(inReplyTo)));
      if (!found || !this.visible(found)) throw new MastodonFailure(404, 'The post you are trying to reply to does not appear to exist.');
      parent = found.reblogOf ?? found;
    }

    const idempotency = idempotencyKey !== undefined && idempotencyKey.trim() !== '' ? `${owner.id}:${idempotencyKey}` : undefined;
    if (idempotency !== undefined) {
      const used = this.idempotencyKeys.get(idempotency);
      if (used && used.expiresAtMs > Date.now()) {
        const earlier = this.statuses.get(used.statusId);
        if (!earlier || earlier.deleted) throw recordNotFound();
        return this.statusJson(earlier);
      }
    }

    let text = scalarParam(params, 'status') ?? '';
    let spoilerText = scalarParam(params, 'spoiler_text') ?? '';
    const sensitive = sensitiveParam(params.sensitive, spoilerText.trim() !== '');
    // PostStatusService: a content warning alone is the text.
    if (text.trim() === '' && spoilerText.trim() !== '') {
      text = spoilerText;
      spoilerText = '';
    }
    text = text.replace(/\r\n?/g, '\n').trim();
    spoilerText = spoilerText.trim();
    const visibilityParam = scalarParam(params, 'visibility');
    const visibility = visibilityParam === undefined || visibilityParam.trim() === '' ? 'public' : visibilityParam;
    const languageParam = scalarParam(params, 'language');
    const language = languageParam !== undefined && LANGUAGE.test(languageParam) ? languageParam : 'en';

    const errors: string[] = [];
    if (text === '') errors.push("Text can't be blank");
    else if (countableLength(text, spoilerText) > MAX_STATUS_CHARS) errors.push(`Text character limit of ${MAX_STATUS_CHARS} exceeded`);
    if (!VISIBILITIES.includes(visibility as MastodonVisibility)) errors.push('Visibility is not included in the list');
    if (errors.length > 0) throw new MastodonFailure(422, `Validation failed: ${errors.join(', ')}`);

    const status = this.storeStatus({
      account: owner,
      text,
      spoilerText,
      sensitive,
      createdAt: new Date(),
      visibility: visibility as MastodonVisibility,
      language,
      parent,
      counts: { favouritesCount: 0, reblogsCount: 0, repliesCount: 0, quotesCount: 0 },
    });
    if (idempotency !== undefined)
      this.idempotencyKeys.set(idempotency, { statusId: status.id, expiresAtMs: Date.now() + IDEMPOTENCY_TTL_MS });
    return this.statusJson(status);
  }

  /** GET /api/v1/statuses?id[]=…: the ones that exist and are visible, in the order asked. */
  private statusesByIds({ query }: CallContext): Json[] {
    // Rails permits only the array form (id[]); uniq before the cast, as Mastodon does.
    const ids = [...new Set(query.getAll('id[]'))];
    if (ids.length > MAX_STATUS_IDS) throw new MastodonFailure(422, 'Mastodon::ValidationError');
    const found: Json[] = [];
    const seen = new Set<string>();
    for (const raw of ids) {
      const id = String(rubyToI(raw));
      const status = this.statuses.get(id);
      if (!status || seen.has(id) || !this.visible(status)) continue;
      seen.add(id);
      found.push(this.statusJson(status));
    }
    return found;
  }

  private requireStatus(id: string): StoredStatus {
    const status = this.statuses.get(id);
    if (!status || !this.visible(status)) throw recordNotFound();
    return status;
  }

  /** Whether the token's owner may see the status. */
  private visible(status: StoredStatus): boolean {
    if (status.deleted) return false;
    if (status.reblogOf && status.reblogOf.deleted) return false;
    if (status.visibility === 'public' || status.visibility === 'unlisted') return true;
    const owner = this.owner;
    return owner !== undefined && (status.account === owner || status.mentions.includes(owner));
  }

  /* ------------------------------------------------------------------ entities */

  private accountJson(user: StoredUser): Json {
    let statusesCount = 0;
    let lastStatusMs: number | undefined;
    for (const s of this.statuses.values()) {
      if (s.account !== user || s.deleted || s.visibility === 'direct') continue;
      statusesCount += 1;
      if (lastStatusMs === undefined || s.createdAtMs > lastStatusMs) lastStatusMs = s.createdAtMs;
    }
    const json: Json = {
      id: user.id,
      username: user.username,
      acct: user.acct,
      display_name: user.displayName,
      locked: false,
      bot: false,
      discoverable: true,
      indexable: true,
      group: false,
      created_at: ACCOUNT_CREATED_AT,
      note: '',
      url: `https://${user.domain}/@${user.username}`,
      uri: `https://${user.domain}/users/${user.username}`,
      avatar: `https://${this.domain}/avatars/original/missing.png`,
      avatar_static: `https://${this.domain}/avatars/original/missing.png`,
      header: `https://${this.domain}/headers/original/missing.png`,
      header_static: `https://${this.domain}/headers/original/missing.png`,
      followers_count: user.followersCount,
      following_count: 0,
      statuses_count: statusesCount,
      // the day only, as Mastodon serializes it
      last_status_at: lastStatusMs === undefined ? null : new Date(lastStatusMs).toISOString().slice(0, 10),
      hide_collections: false,
    };
    if (user.local) json.noindex = false;
    return { ...json, emojis: [], roles: [], fields: [] };
  }

  private statusJson(status: StoredStatus): Json {
    const original = status.reblogOf;
    const own = this.owner !== undefined && status.account === this.owner;
    const reblogged =
      this.owner !== undefined &&
      [...this.statuses.values()].some((s) => !s.deleted && s.reblogOf === (original ?? status) && s.account === this.owner);
    const json: Json = {
      id: status.id,
      created_at: status.createdAt,
      in_reply_to_id: status.inReplyTo?.id ?? null,
      in_reply_to_account_id: status.inReplyTo?.account.id ?? null,
      sensitive: !original && status.sensitive,
      spoiler_text: status.spoilerText,
      visibility: status.visibility,
      language: status.language,
      uri: this.statusUri(status),
      url: this.statusUrl(status),
      replies_count: status.counts.repliesCount,
      reblogs_count: status.counts.reblogsCount,
      favourites_count: status.counts.favouritesCount,
      quotes_count: status.counts.quotesCount,
      edited_at: null,
      favourited: false,
      reblogged,
      muted: false,
      bookmarked: false,
    };
    // Mastodon adds `pinned` to the viewer's own pinnable statuses.
    if (own && !original && status.visibility !== 'direct') json.pinned = false;
    return {
      ...json,
      content: status.content,
      filtered: [],
      reblog: original ? this.statusJson(original) : null,
      application: status.account.local && !original ? { name: 'Web', website: null } : null,
      account: this.accountJson(status.account),
      media_attachments: [],
      mentions: status.mentions.map((m) => ({ id: m.id, username: m.username, url: `https://${m.domain}/@${m.username}`, acct: m.acct })),
      tags: status.tags.map((tag) => ({
        name: tag.toLowerCase(),
        url: `https://${this.domain}/tags/${encodeURIComponent(tag.toLowerCase())}`,
      })),
      emojis: [],
      card: null,
      poll: null,
    };
  }

  /** A status's ActivityPub id; a reblog's is its Announce activity. */
  private statusUri(status: StoredStatus): string {
    const base = `https://${status.account.domain}/users/${status.account.username}/statuses/${status.id}`;
    return status.reblogOf ? `${base}/activity` : base;
  }

  private statusUrl(status: StoredStatus): string {
    if (status.reblogOf) return this.statusUri(status);
    return `https://${status.account.domain}/@${status.account.username}/${status.id}`;
  }

  /* ------------------------------------------------------------------ content */

  /**
   * Mastodon's TextFormatter for a plain-text status: links for URLs, hashtags and mentions of
   * known accounts (others stay text), everything else HTML-escaped; paragraphs on blank lines,
   * <br /> on single line breaks.
   */
  private render(text: string, author: StoredUser): { html: string; mentions: StoredUser[]; tags: string[] } {
    const entities: { start: number; end: number; html: string }[] = [];
    const mentions: StoredUser[] = [];
    const tags: string[] = [];
    const free = (start: number, end: number) => !entities.some((e) => start < e.end && end > e.start);

    for (const m of text.matchAll(URL_PATTERN)) {
      const url = trimUrl(m[0]);
      const start = m.index;
      if (!/^https?:\/\/[^/?#]+/i.test(url)) continue;
      entities.push({ start, end: start + url.length, html: shortenedLink(url) });
    }
    for (const m of text.matchAll(MENTION_PATTERN)) {
      const start = m.index;
      const end = start + m[0].length;
      if (!free(start, end)) continue;
      const user = this.findByAcct(m[2] === undefined ? m[1] : `${m[1]}@${m[2]}`);
      if (!user) continue;
      if (!mentions.includes(user)) mentions.push(user);
      entities.push({
        start,
        end,
        html: `<span class="h-card" translate="no"><a href="${escapeHtml(`https://${user.domain}/@${user.username}`)}" class="u-url mention">@<span>${escapeHtml(user.username)}</span></a></span>`,
      });
    }
    for (const m of text.matchAll(HASHTAG_PATTERN)) {
      const start = m.index;
      const end = start + m[0].length;
      if (!free(start, end)) continue;
      const tag = m[1];
      if (!tags.some((t) => foldText(t) === foldText(tag))) tags.push(tag);
      const href = `https://${author.domain}/tags/${encodeURIComponent(tag)}`;
      entities.push({
        start,
        end,
        html: `<a href="${escapeHtml(href)}" class="mention hashtag" rel="tag">#<span>${escapeHtml(tag)}</span></a>`,
      });
    }

    entities.sort((a, b) => a.start - b.start);
    let out = '';
    let position = 0;
    for (const entity of entities) {
      out += escapeHtml(text.slice(position, entity.start)) + entity.html;
      position = entity.end;
    }
    out += escapeHtml(text.slice(position));
    const html =
      out === ''
        ? ''
        : out
            .split(/\n\n+/)
            .map((paragraph) => `<p>${paragraph.replace(/\n/g, '<br />')}</p>`)
            .join('');
    return { html, mentions, tags };
  }

  /* ------------------------------------------------------------------ helpers */

  /** The account named by a post's author: a local username, or user@domain (a remote account, added if new). */
  private authorFor(name: string): StoredUser {
    const raw = name.trim().replace(/^@/, '');
    const [username, domain] = raw.split('@');
    if (domain !== undefined && domain.toLowerCase() !== this.domain && !this.findByAcct(raw)) {
      this.addUser({ username, domain });
    }
    const user = this.findByAcct(raw);
    if (!user) throw new Error(`Unknown user: ${name} (add it with addUser first)`);
    return user;
  }

  /** A snowflake-like id: the ms timestamp << 16 plus a sequence, unique, so ids sort by time. */
  private nextId(at: Date): bigint {
    const ms = at.getTime();
    if (Number.isNaN(ms)) throw new Error('Invalid date');
    for (let seq = 0; ; seq++) {
      const id = snowflake(ms, seq);
      if (!this.usedIds.has(id)) {
        this.usedIds.add(id);
        return id;
      }
    }
  }
}

/* -------------------------------------------------------------------- identifiers */

const USERNAME = /^[a-z0-9_]+([a-z0-9_.-]+[a-z0-9_]+)?$/i;
const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:\d+)?$/;

function snowflake(ms: number, seq: number): bigint {
  return (BigInt(ms) << 16n) + BigInt(seq);
}

function compareIds(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function defaultDisplayName(username: string): string {
  return username.charAt(0).toUpperCase() + username.slice(1);
}

function publicUser(user: StoredUser): MastodonUser {
  return { id: user.id, username: user.username, acct: user.acct, displayName: user.displayName, followersCount: user.followersCount };
}

/** A timestamp as Mastodon's X-RateLimit-Reset writes it: ISO 8601 with microseconds. */
function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/* -------------------------------------------------------------------- text and search */

const URL_PATTERN = /https?:\/\/[^\s<>"]+/giu;
/** Account::MENTION_RE: @username or @username@domain, not inside a word or URL */
const MENTION_PATTERN = /(?<![=/\p{L}\p{N}_])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@([\p{L}\p{N}_.-]+[\p{L}\p{N}_]))?/giu;
/** Tag::HASHTAG_RE: a name of word characters with at least one that is not a digit */
const HASHTAG_PATTERN = /(?<![=/)\p{L}\p{N}_])[#＃]([\p{L}\p{M}\p{Nd}_]*[\p{L}\p{M}_][\p{L}\p{M}\p{Nd}_]*)/gu;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Trailing punctuation is not part of a URL; neither is an unbalanced closing parenthesis. */
function trimUrl(url: string): string {
  let out = url;
  for (;;) {
    const last = out.charAt(out.length - 1);
    const unbalanced = last === ')' && (out.match(/\(/g)?.length ?? 0) < (out.match(/\)/g)?.length ?? 0);
    if (!/[.,:;!?'"\]]/.test(last) && !unbalanced) return out;
    out = out.slice(0, -1);
  }
}

/** TextFormatter.shortened_link: the scheme hidden, the rest cut at 30 characters. */
function shortenedLink(url: string): string {
  const prefix = /^(https?:\/\/(www\.)?)/i.exec(url)?.[1] ?? '';
  const rest = url.slice(prefix.length);
  const display = rest.slice(0, 30);
  const suffix = rest.slice(30);
  return (
    `<a href="${escapeHtml(url)}" target="_blank" rel="nofollow noopener" translate="no">` +
    `<span class="invisible">${escapeHtml(prefix)}</span><span class="${rest.length > 30 ? 'ellipsis' : ''}">${escapeHtml(display)}</span>` +
    `<span class="invisible">${escapeHtml(suffix)}</span></a>`
  );
}

/* -------------------------------------------------------------------- posting */

const VISIBILITIES: readonly MastodonVisibility[] = ['public', 'unlisted', 'private', 'direct'];
/** a language Mastodon knows (ISO 639-1 or -3, some with a region or script), else the default locale */
const LANGUAGE = /^[a-z]{2,3}(-[A-Z]{2}|-Latn)?$/;

/**
 * StatusLengthValidator's count: graphemes of the content warning and the text, a URL counting
 * 23 characters and a remote mention (`@user@domain`) as `@user`.
 */
function countableLength(text: string, spoilerText: string): number {
  const countable = text
    .replace(URL_PATTERN, (url) => {
      const trimmed = trimUrl(url);
      return 'x'.repeat(23) + url.slice(trimmed.length);
    })
    .replace(MENTION_PATTERN, (_mention, username: string) => `@${username}`);
  return graphemeLength(spoilerText + countable);
}

/**
 * PostStatusService's `sensitive`: `(param.nil? ? default : param) || spoiler_text.present?`, then
 * cast to a boolean as Rails does. Any string is truthy in Ruby, so sensitive=false sent as form
 * text keeps a status with a content warning unmarked, while JSON `false` does not.
 */
function sensitiveParam(raw: unknown, spoilerPresent: boolean): boolean {
  if (raw === undefined || raw === null || raw === false) return spoilerPresent;
  if (raw === true) return true;
  if (typeof raw === 'number') return raw !== 0;
  if (typeof raw === 'string') return raw !== '' && !['0', 'f', 'F', 'false', 'FALSE', 'off', 'OFF'].includes(raw);
  return spoilerPresent;
}

/**
 * A POST body's parameters: JSON (an object), or form-encoded (`name[]` as arrays under `name`);
 * undefined when it does not parse. Other types carry no parameters here.
 */
function parseBody(contentType: string | undefined, raw: string): BodyParams | undefined {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (raw.trim() === '') return {};
  if (type === 'application/json') {
    try {
      const parsed: unknown = JSON.parse(raw);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as BodyParams) : undefined;
    } catch {
      return undefined;
    }
  }
  if (type === 'application/x-www-form-urlencoded') return queryBodyParams(new URLSearchParams(raw));
  return {};
}

/** Form or query parameters as Rails reads them: the last value of a name, `name[]` ones as an array. */
function queryBodyParams(query: URLSearchParams): BodyParams {
  const params: BodyParams = {};
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    if (key.endsWith('[]')) params[key.slice(0, -2)] = values;
    else params[key] = values[values.length - 1];
  }
  return params;
}

/** A permitted scalar parameter (Rails' permit drops arrays and hashes), as a string. */
function scalarParam(params: BodyParams, name: string): string | undefined {
  const value = params[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A POST's parameters for the request log: scalars as strings, arrays of scalars as arrays. */
function loggedParams(params: BodyParams): Params {
  const out: Params = {};
  for (const [name, value] of Object.entries(params)) {
    const scalar = scalarParam(params, name);
    if (scalar !== undefined) out[name] = scalar;
    else if (Array.isArray(value)) out[name] = value.filter((item) => ['string', 'number', 'boolean'].includes(typeof item)).map(String);
  }
  return out;
}

/* -------------------------------------------------------------------- parameters */

/** Query parameters for the request log: `name[]` and repeated names as arrays under `name`. */
function queryParams(query: URLSearchParams): Params {
  const params: Params = {};
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    if (key.endsWith('[]')) params[key.slice(0, -2)] = values;
    else params[key] = values.length === 1 ? values[0] : values;
  }
  return params;
}

function arrayParam(query: URLSearchParams, name: string): string[] {
  return query.getAll(`${name}[]`).filter((value) => value !== '');
}

/** Ruby's String#to_i, which Rails applies to integer parameters: leading digits, else 0. */
function rubyToI(raw: string): bigint {
  const m = /^\s*([+-]?\d+)/.exec(raw);
  return m ? BigInt(m[1]) : 0n;
}

/** A paging id: absent when missing or blank. */
function idParam(query: URLSearchParams, name: string): bigint | undefined {
  const raw = query.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  return rubyToI(raw);
}

/** Mastodon's limit_param: the default without one, else |limit| capped at twice the default. */
function limitParam(query: URLSearchParams, fallback: number): number {
  const raw = query.get('limit');
  if (raw === null) return fallback;
  const value = rubyToI(raw);
  const abs = value < 0n ? -value : value;
  return abs > BigInt(fallback * 2) ? fallback * 2 : Number(abs);
}

/** Rails' boolean cast (truthy_param?): anything present but false, 0, f, off (any case) or blank. */
function truthy(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name);
  return raw !== null && raw !== '' && !['false', '0', 'f', 'off'].includes(raw.toLowerCase());
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
