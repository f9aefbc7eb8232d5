import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { alterCopy } from '../shared/emulator-http-server';
import { EmulatorStore, type TweetRecord } from './emulator-store';
import { SeededRandom } from '../shared/seeded-random';
import { matches as matchesQuery, parseQuery, QuerySyntaxError, type QueryNode } from '../../../topics/query';
import { generateLocalCertificate, type TlsKeyPair } from '../shared/self-signed-certificate';
import { firstSnowflakeAt, isSnowflakeLike, snowflakeTime } from './snowflake';
import {
  invalidRequest,
  JSON_CONTENT_TYPE,
  problem,
  resourceNotFound,
  usageCapExceeded,
  XApiHttpError,
  type InlineError,
} from './x-api-errors';
import { expandTweets, expandUsers, parseFieldSelection, renderTweet, renderUser, type FieldSelection } from './x-api-render';
import type { EmulatedTweet, EmulatedUser, NewTweet, NewUser, TweetPublicMetrics } from './x-emulator.types';

/** pino's call shape, so a pino logger (or a child of one) can be passed as is. */
type LogFn = (obj: Record<string, unknown>, msg?: string) => void;
export interface EmulatorLogger {
  debug?: LogFn;
  info: LogFn;
  warn: LogFn;
}

export interface RateLimitWindow {
  /** requests allowed per window, per endpoint */
  limit: number;
  windowSeconds: number;
}

/** Endpoint names as X's rate-limit tables write them (without the /2/ prefix). */
export type XEndpoint =
  | 'tweets/search/recent'
  | 'tweets'
  | 'tweets/:id'
  | 'users/:id/tweets'
  | 'users/:id/mentions'
  | 'users/by/username/:username'
  | 'users/by'
  | 'users/:id'
  | 'users';

export type InjectedFault =
  /** 429 with X's body and x-rate-limit-remaining 0; reset in resetInSeconds (default 60) */
  | { status: 429; resetInSeconds?: number }
  | { status: 401 | 500 | 502 | 503 | 504 }
  /** 200 whose JSON body is cut short (twitter-api-v2 raises ApiPartialResponseError) */
  | { malformed: true }
  /** a text/html page (a proxy's error page, or with status 200 a URL that is not the API's) */
  | { status: 200 | 502 | 503; html: true }
  /**
   * answers normally, its JSON body passed through `alter` first (changed in place, or replaced by
   * what it returns): an item the API serves malformed, an error body at status 200
   */
  | { alter: (body: any) => unknown }
  /** answers normally, after a delay (for client timeouts) */
  | { delayMs: number };

export interface EmulatorRequest {
  method: string;
  /** e.g. /2/tweets/search/recent */
  path: string;
  /** e.g. tweets/search/recent, or undefined for an unknown route */
  endpoint?: XEndpoint;
  query: URLSearchParams;
}

/** A route template ("tweets/search/recent", "/2/users/:id/tweets"), an exact path, a RegExp on the path, or a test. */
export type RequestMatcher = string | RegExp | ((request: EmulatorRequest) => boolean);

export interface FailureInjectionOptions {
  /** probability that any request answers 429 (demo mode: the collector must back off) */
  rateLimitProbability?: number;
  /** probability that any request answers 503 */
  unavailableProbability?: number;
  /** reset announced by random 429s; default 30 */
  resetInSeconds?: number;
  /** seed of the random faults; default 1 */
  seed?: number;
}

export interface XApiEmulatorOptions {
  /** default 0: any free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** server key and certificate; default: a self-signed certificate for localhost made at start */
  tls?: TlsKeyPair;
  /** when set, requests must carry `Authorization: Bearer <token>`, or get 401 */
  bearerToken?: string;
  /** every endpoint's window; default 450 requests per 15 minutes (X's app-only recent search limit) */
  rateLimit?: RateLimitWindow;
  /** per-endpoint windows overriding rateLimit */
  endpointRateLimits?: Partial<Record<XEndpoint, RateLimitWindow>>;
  /** Posts that may be read (returned in `data`) before every request answers 429 UsageCapExceeded */
  monthlyPostCap?: number;
  failureInjection?: FailureInjectionOptions;
  /**
   * Recent search leaves out Posts newer than this many seconds when no end_time is given (X indexes new
   * Posts with a small delay; default 0 so scripted tests see what they add at once)
   */
  searchIndexingDelaySeconds?: number;
  /**
   * The most Posts a search or timeline page holds, whatever `max_results` asks: X may answer
   * fewer than asked with a `next_token`, so a client has to page (tests use 1: a Post a page)
   */
  maxPageSize?: number;
  /** the clock of the data (7-day search window, default created_at); default: real time */
  now?: () => Date;
  logger?: EmulatorLogger;
}

export interface EmulatorAddress {
  /** https://127.0.0.1:PORT/2/ — what X_API_BASE_URL should be */
  baseUrl: string;
  port: number;
  /** PEM of the certificate clients must trust */
  caPem: string;
}

interface PendingFault {
  matcher: RequestMatcher;
  fault: InjectedFault;
  remaining: number;
}

interface WindowState {
  startedMs: number;
  used: number;
}

interface Route {
  endpoint: XEndpoint;
  pattern: RegExp;
  handle: (query: URLSearchParams, params: string[]) => Record<string, unknown>;
}

const SEVEN_DAYS_MS = 7 * 24 * 3600 * 1000;
const DEFAULT_WINDOW: RateLimitWindow = { limit: 450, windowSeconds: 900 };
const COMMON_PARAMS = ['expansions', 'tweet.fields', 'user.fields', 'media.fields', 'place.fields', 'poll.fields'];
const SEARCH_PARAMS = [
  'query',
  'start_time',
  'end_time',
  'since_id',
  'until_id',
  'max_results',
  'next_token',
  'pagination_token',
  'sort_order',
  ...COMMON_PARAMS,
];
const TIMELINE_PARAMS = ['since_id', 'until_id', 'start_time', 'end_time', 'max_results', 'pagination_token', ...COMMON_PARAMS];
/** Endpoints whose `data` are Posts, which count against the monthly Post cap */
/** logged for a request whose client went away before its answer (nginx's "client closed request") */
export const CLIENT_CLOSED_REQUEST = 499;
const POST_ENDPOINTS = new Set<XEndpoint>(['tweets/search/recent', 'tweets', 'tweets/:id', 'users/:id/tweets', 'users/:id/mentions']);
/** X keeps only this many of a user's most recent Posts reachable through the timelines */
const USER_TIMELINE_CAP = 3200;
const MENTIONS_TIMELINE_CAP = 800;

/**
 * An HTTPS server that answers like X API v2 for the endpoints the collector reads, over an in-memory store.
 * The demo uses it with generated traffic; end-to-end tests use it with scripted data. Stored objects and
 * payloads use X's own field names; see x-api-render.ts for the field rules and x-api-errors.ts for errors.
 */
export class XApiEmulator {
  readonly store: EmulatorStore;
  private server?: Server;
  private address?: EmulatorAddress;
  private readonly faults: PendingFault[] = [];
  /** answers held back by a `delayMs` fault, each woken early when its client goes or the server stops */
  private readonly held = new Set<() => void>();
  private readonly windows = new Map<XEndpoint, WindowState>();
  private readonly random: SeededRandom;
  private readonly now: () => Date;
  private postsRead = 0;
  private readonly routes: Route[];

  constructor(private readonly options: XApiEmulatorOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.store = new EmulatorStore(this.now);
    this.random = new SeededRandom(options.failureInjection?.seed ?? 1);
    this.routes = [
      { endpoint: 'tweets/search/recent', pattern: /^\/2\/tweets\/search\/recent$/, handle: (q) => this.searchRecent(q) },
      { endpoint: 'tweets', pattern: /^\/2\/tweets$/, handle: (q) => this.lookupTweets(q) },
      { endpoint: 'tweets/:id', pattern: /^\/2\/tweets\/([^/]+)$/, handle: (q, [id]) => this.lookupTweet(q, id) },
      {
        endpoint: 'users/by/username/:username',
        pattern: /^\/2\/users\/by\/username\/([^/]+)$/,
        handle: (q, [username]) => this.lookupUserByUsername(q, username),
      },
      { endpoint: 'users/by', pattern: /^\/2\/users\/by$/, handle: (q) => this.lookupUsersByUsernames(q) },
      { endpoint: 'users', pattern: /^\/2\/users$/, handle: (q) => this.lookupUsersByIds(q) },
      {
        endpoint: 'users/:id/tweets',
        pattern: /^\/2\/users\/([^/]+)\/tweets$/,
        handle: (q, [id]) => this.userTimeline(q, id, 'tweets'),
      },
      {
        endpoint: 'users/:id/mentions',
        pattern: /^\/2\/users\/([^/]+)\/mentions$/,
        handle: (q, [id]) => this.userTimeline(q, id, 'mentions'),
      },
      { endpoint: 'users/:id', pattern: /^\/2\/users\/([^/]+)$/, handle: (q, [id]) => this.lookupUser(q, id) },
    ];
  }

  /* ------------------------------------------------------------------ lifecycle */

  async start(): Promise<EmulatorAddress> {
    if (this.address) return this.address;
    const tls = this.options.tls ?? (await generateLocalCertificate());
    const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.options.logger?.warn({ err: error }, 'X emulator: request handler failed');
        if (!res.headersSent) this.send(res, problem(500));
      });
    });
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const port = (server.address() as AddressInfo).port;
    const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    this.address = { baseUrl: `https://${urlHost}:${port}/2/`, port, caPem: tls.cert };
    this.options.logger?.info({ baseUrl: this.address.baseUrl }, 'X API emulator listening');
    return this.address;
  }

  async stop(): Promise<void> {
    // Held answers are released rather than left to their timers, so stopping never waits on them.
    for (const wake of [...this.held]) wake();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.address = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /* ------------------------------------------------------------------ data */

  addUser(user: NewUser): EmulatedUser {
    return this.store.addUser(user);
  }

  updateUser(idOrUsername: string, changes: Partial<Omit<NewUser, 'id' | 'username'>>): EmulatedUser {
    return this.store.updateUser(idOrUsername, changes);
  }

  addTweet(tweet: NewTweet): EmulatedTweet {
    return this.store.addTweet(tweet);
  }

  updateMetrics(tweetId: string, metrics: Partial<TweetPublicMetrics>): EmulatedTweet {
    return this.store.updateMetrics(tweetId, metrics);
  }

  deleteTweet(tweetId: string): boolean {
    return this.store.deleteTweet(tweetId);
  }

  getUserByUsername(username: string): EmulatedUser | undefined {
    return this.store.getUserByUsername(username);
  }

  getTweet(id: string): EmulatedTweet | undefined {
    return this.store.getTweet(id);
  }

  /* ------------------------------------------------------------------ faults */

  /** The next `times` (default 1) requests matching `matcher` answer with `fault` instead. */
  failNext(matcher: RequestMatcher, fault: InjectedFault, times = 1): void {
    this.faults.push({ matcher, fault, remaining: times });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Answers every request held by a `delayMs` fault now, as if its delay were over; returns how many. */
  releaseHeld(): number {
    const held = [...this.held];
    for (const wake of held) wake();
    return held.length;
  }

  /** Forget rate-limit windows and the monthly cap count (tests). */
  resetLimits(): void {
    this.windows.clear();
    this.postsRead = 0;
  }

  /* ------------------------------------------------------------------ HTTP */

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'https://emulator.invalid');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const route = this.routes.find((candidate) => candidate.pattern.test(path));
    const request: EmulatorRequest = { method: req.method ?? 'GET', path, endpoint: route?.endpoint, query: url.searchParams };
    res.setHeader('x-transaction-id', randomBytes(8).toString('hex'));
    res.setHeader('x-access-level', 'read');

    const status = await this.answer(request, route, req, res);
    this.options.logger?.debug?.(
      { method: request.method, path, query: url.search, status, ms: Date.now() - started },
      'X emulator request',
    );
  }

  private async answer(request: EmulatorRequest, route: Route | undefined, req: IncomingMessage, res: ServerResponse): Promise<number> {
    if (this.options.bearerToken !== undefined) {
      const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
      if (!auth || auth[1] !== this.options.bearerToken) return this.send(res, problem(401));
    }
    if (!route) return this.send(res, problem(404, 'The requested resource could not be found.'));
    if (request.method !== 'GET') return this.send(res, problem(404, 'The requested resource could not be found.'));

    const fault = this.takeFault(request);
    if (fault && 'delayMs' in fault) {
      // A client that went away meanwhile (it timed out, or its process died) is not answered:
      // nobody would read the answer, and a log of answered requests must not list it later on.
      if (!(await this.hold(fault.delayMs, res))) return CLIENT_CLOSED_REQUEST;
    } else if (fault && 'malformed' in fault) {
      this.consumeWindow(route.endpoint, res);
      res.writeHead(200, { 'content-type': JSON_CONTENT_TYPE });
      res.end('{"data":[{"id":"1","text":"cut sh');
      return 200;
    } else if (fault && 'html' in fault) {
      const title =
        fault.status === 200 ? 'X' : `${fault.status} ${fault.status === 502 ? 'Bad Gateway' : 'Service Temporarily Unavailable'}`;
      res.writeHead(fault.status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`);
      return fault.status;
    } else if (fault && 'status' in fault && fault.status === 429) {
      this.setRateLimitHeaders(res, route.endpoint, 0, Math.ceil(Date.now() / 1000) + (fault.resetInSeconds ?? 60));
      return this.send(res, problem(429));
    } else if (fault && 'status' in fault) {
      return this.send(res, problem(fault.status));
    }

    const random = this.randomFault();
    if (random === 429) {
      const resetIn = this.options.failureInjection?.resetInSeconds ?? 30;
      this.setRateLimitHeaders(res, route.endpoint, 0, Math.ceil(Date.now() / 1000) + resetIn);
      return this.send(res, problem(429));
    }
    if (random === 503) return this.send(res, problem(503));

    if (!this.consumeWindow(route.endpoint, res)) return this.send(res, problem(429));
    const cap = this.options.monthlyPostCap;
    if (cap !== undefined && this.postsRead >= cap) return this.send(res, usageCapExceeded());

    try {
      const params = route.pattern.exec(request.path)?.slice(1).map(decodeURIComponent) ?? [];
      const body = route.handle(request.query, params);
      if (POST_ENDPOINTS.has(route.endpoint) && body.data) {
        this.postsRead += Array.isArray(body.data) ? body.data.length : 1;
      }
      res.writeHead(200, { 'content-type': JSON_CONTENT_TYPE });
      res.end(JSON.stringify(fault && 'alter' in fault ? alterCopy(fault.alter, body) : body));
      return 200;
    } catch (error) {
      if (error instanceof XApiHttpError) return this.send(res, error);
      throw error;
    }
  }

  /** Waits `ms`, or until the client goes away or the server stops; whether the client is still there. */
  private hold(ms: number, res: ServerResponse): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        res.off('close', wake);
        this.held.delete(wake);
        // on stop the connections are closed right after the wake: let that happen first
        setImmediate(() => resolve(!res.destroyed));
      };
      const timer = setTimeout(wake, ms);
      res.once('close', wake);
      this.held.add(wake);
    });
  }

  private send(res: ServerResponse, error: XApiHttpError): number {
    res.writeHead(error.status, { 'content-type': error.contentType });
    res.end(JSON.stringify(error.body));
    return error.status;
  }

  private takeFault(request: EmulatorRequest): InjectedFault | undefined {
    const index = this.faults.findIndex((pending) => matches(pending.matcher, request));
    if (index < 0) return undefined;
    const pending = this.faults[index];
    pending.remaining -= 1;
    if (pending.remaining <= 0) this.faults.splice(index, 1);
    return pending.fault;
  }

  private randomFault(): 429 | 503 | undefined {
    const injection = this.options.failureInjection;
    if (!injection) return undefined;
    const roll = this.random.next();
    const p429 = injection.rateLimitProbability ?? 0;
    if (roll < p429) return 429;
    if (roll < p429 + (injection.unavailableProbability ?? 0)) return 503;
    return undefined;
  }

  /** Counts the request in its endpoint's window and writes the x-rate-limit-* headers; false when exhausted. */
  private consumeWindow(endpoint: XEndpoint, res: ServerResponse): boolean {
    const window = this.options.endpointRateLimits?.[endpoint] ?? this.options.rateLimit ?? DEFAULT_WINDOW;
    const nowMs = Date.now();
    let state = this.windows.get(endpoint);
    if (!state || nowMs >= state.startedMs + window.windowSeconds * 1000) {
      state = { startedMs: nowMs, used: 0 };
      this.windows.set(endpoint, state);
    }
    const reset = Math.ceil((state.startedMs + window.windowSeconds * 1000) / 1000);
    if (state.used >= window.limit) {
      this.setRateLimitHeaders(res, endpoint, 0, reset, window.limit);
      return false;
    }
    state.used += 1;
    this.setRateLimitHeaders(res, endpoint, window.limit - state.used, reset, window.limit);
    return true;
  }

  private setRateLimitHeaders(res: ServerResponse, endpoint: XEndpoint, remaining: number, reset: number, limit?: number): void {
    const window = this.options.endpointRateLimits?.[endpoint] ?? this.options.rateLimit ?? DEFAULT_WINDOW;
    res.setHeader('x-rate-limit-limit', String(limit ?? window.limit));
    res.setHeader('x-rate-limit-remaining', String(remaining));
    res.setHeader('x-rate-limit-reset', String(reset));
  }

  /* ------------------------------------------------------------------ endpoints */

  private searchRecent(query: URLSearchParams): Record<string, unknown> {
    checkKnownParams(query, SEARCH_PARAMS);
    const text = query.get('query');
    if (text === null || text.trim() === '') {
      throw invalidRequest({ parameter: 'query', value: text ?? '', message: 'The `query` query parameter can not be empty' });
    }
    let tree: QueryNode;
    try {
      tree = parseQuery(text);
    } catch (error) {
      if (error instanceof QuerySyntaxError) throw invalidRequest({ parameter: 'query', value: text, message: error.message });
      throw error;
    }
    const maxResults = Math.min(intParam(query, 'max_results', 10, 10, 100), this.options.maxPageSize ?? Infinity);
    const sortOrder = query.get('sort_order') ?? 'recency';
    if (sortOrder !== 'recency' && sortOrder !== 'relevancy') {
      throw invalidRequest({
        parameter: 'sort_order',
        value: sortOrder,
        message: `The \`sort_order\` query parameter value [${sortOrder}] is not one of [recency,relevancy]`,
      });
    }
    const nowMs = this.now().getTime();
    const windowStartMs = nowMs - SEVEN_DAYS_MS;
    const startMs = timeParam(query, 'start_time');
    const endMs = timeParam(query, 'end_time');
    if (startMs !== undefined && startMs < windowStartMs) {
      throw invalidRequest({
        parameter: 'start_time',
        value: query.get('start_time') ?? '',
        message: `Invalid 'start_time':'${query.get('start_time')}'. 'start_time' must be on or after ${isoMinute(windowStartMs)}`,
      });
    }
    if (endMs !== undefined && endMs > nowMs - 10_000) {
      throw invalidRequest({
        parameter: 'end_time',
        value: query.get('end_time') ?? '',
        message: `Invalid 'end_time':'${query.get('end_time')}'. 'end_time' must be a minimum of 10 seconds prior to the request time.`,
      });
    }
    if (startMs !== undefined && endMs !== undefined && startMs >= endMs) {
      throw invalidRequest({
        parameter: 'start_time',
        value: query.get('start_time') ?? '',
        message: `Invalid 'start_time':'${query.get('start_time')}'. 'start_time' must be before 'end_time'.`,
      });
    }
    const sinceId = idParam(query, 'since_id');
    const untilId = idParam(query, 'until_id');
    if (sinceId !== undefined && snowflakeTime(sinceId.toString()).getTime() < windowStartMs) {
      const oldest = firstSnowflakeAt(windowStartMs);
      throw invalidRequest({
        parameter: 'since_id',
        value: sinceId.toString(),
        message: `Invalid 'since_id':'${sinceId}'. 'since_id' must be a tweet id created after ${isoMinute(windowStartMs)}. Please use a 'since_id' that is larger than ${oldest}`,
      });
    }
    const tokenParam = query.has('next_token') ? 'next_token' : 'pagination_token';
    const cursor = decodeCursor(query, tokenParam, sortOrder === 'recency' ? 'u' : 'o');
    const selection = parseFieldSelection(query, 'tweet');

    const latestMs = endMs ?? nowMs - (this.options.searchIndexingDelaySeconds ?? 0) * 1000;
    const earliestMs = Math.max(windowStartMs, startMs ?? windowStartMs);
    const visible = (record: TweetRecord) =>
      record.createdMs >= earliestMs &&
      (endMs === undefined ? record.createdMs <= latestMs : record.createdMs < latestMs) &&
      (sinceId === undefined || record.key > sinceId) &&
      (untilId === undefined || record.key < untilId) &&
      matchesQuery(tree, record.searchable);

    if (sortOrder === 'relevancy') {
      const all = this.store.newestFirst().filter(visible);
      all.sort((a, b) => engagement(b.tweet) - engagement(a.tweet) || (b.key > a.key ? 1 : -1));
      const offset = cursor === undefined ? 0 : Number(cursor);
      const page = all.slice(offset, offset + maxResults);
      const next = offset + maxResults < all.length ? encodeCursor('o', BigInt(offset + maxResults)) : undefined;
      return this.tweetPage(page, selection, { next_token: next }, true);
    }
    const page: TweetRecord[] = [];
    let more = false;
    for (const record of this.store.newestFirst()) {
      if (cursor !== undefined && record.key >= cursor) continue;
      if (!visible(record)) continue;
      if (page.length === maxResults) {
        more = true;
        break;
      }
      page.push(record);
    }
    const next = more ? encodeCursor('u', page[page.length - 1].key) : undefined;
    return this.tweetPage(page, selection, { next_token: next }, true);
  }

  private userTimeline(query: URLSearchParams, userId: string, kind: 'tweets' | 'mentions'): Record<string, unknown> {
    checkKnownParams(query, kind === 'tweets' ? [...TIMELINE_PARAMS, 'exclude'] : TIMELINE_PARAMS);
    requireId(userId, 'id');
    const maxResults = Math.min(intParam(query, 'max_results', 10, 5, 100), this.options.maxPageSize ?? Infinity);
    const exclude = new Set((query.get('exclude') ?? '').split(',').filter(Boolean));
    for (const value of exclude) {
      if (value !== 'retweets' && value !== 'replies') {
        throw invalidRequest({
          parameter: 'exclude',
          value: query.get('exclude') ?? '',
          message: `The \`exclude\` query parameter value [${value}] is not one of [replies,retweets]`,
        });
      }
    }
    const startMs = timeParam(query, 'start_time');
    const endMs = timeParam(query, 'end_time');
    const sinceId = idParam(query, 'since_id');
    const untilId = idParam(query, 'until_id');
    const token = query.get('pagination_token');
    const cursor = token === null ? undefined : parseCursor(token, 'pagination_token');
    const selection = parseFieldSelection(query, 'tweet');
    const user = this.store.getUser(userId);
    if (!user) return { errors: [resourceNotFound('user', 'id', userId)] };

    const nowMs = this.now().getTime();
    const username = user.username.toLowerCase();
    const cap = kind === 'tweets' ? USER_TIMELINE_CAP : MENTIONS_TIMELINE_CAP;
    const timeline: TweetRecord[] = [];
    for (const record of this.store.newestFirst()) {
      if (record.createdMs > nowMs) continue;
      const belongs = kind === 'tweets' ? record.tweet.author_id === user.id : record.searchable.mentions.has(username);
      if (!belongs) continue;
      timeline.push(record);
      if (timeline.length === cap) break;
    }
    const selected = timeline.filter(
      (record) =>
        (startMs === undefined || record.createdMs >= startMs) &&
        (endMs === undefined || record.createdMs < endMs) &&
        (sinceId === undefined || record.key > sinceId) &&
        (untilId === undefined || record.key < untilId) &&
        !(exclude.has('retweets') && record.searchable.retweetedTweetId !== undefined) &&
        !(exclude.has('replies') && record.searchable.inReplyToTweetId !== undefined),
    );
    let page: TweetRecord[];
    if (cursor?.kind === 'p') {
      const newer = selected.filter((record) => record.key > cursor.key);
      page = newer.slice(Math.max(0, newer.length - maxResults));
    } else {
      const older = cursor ? selected.filter((record) => record.key < cursor.key) : selected;
      page = older.slice(0, maxResults);
    }
    const meta: Record<string, string | undefined> = {};
    if (page.length > 0) {
      const oldestKey = page[page.length - 1].key;
      const newestKey = page[0].key;
      if (selected.some((record) => record.key < oldestKey)) meta.next_token = encodeCursor('u', oldestKey);
      if (cursor && selected.some((record) => record.key > newestKey)) meta.previous_token = encodeCursor('p', newestKey);
    }
    return this.tweetPage(page, selection, meta, false);
  }

  private tweetPage(
    page: readonly TweetRecord[],
    selection: FieldSelection,
    tokens: Record<string, string | undefined>,
    search: boolean,
  ): Record<string, unknown> {
    const tweets = page.map((record) => record.tweet);
    const body: Record<string, unknown> = {};
    if (tweets.length > 0) body.data = tweets.map((tweet) => renderTweet(tweet, selection.tweetFields, this.store));
    const expanded = expandTweets(tweets, selection, this.store);
    if (expanded.includes) body.includes = expanded.includes;
    if (expanded.errors) body.errors = expanded.errors;
    const meta: Record<string, unknown> = {};
    if (tweets.length > 0) {
      meta.newest_id = tweets[0].id;
      meta.oldest_id = tweets[tweets.length - 1].id;
    }
    meta.result_count = tweets.length;
    for (const [name, value] of Object.entries(tokens)) if (value !== undefined) meta[name] = value;
    if (!search && tweets.length === 0) delete meta.next_token;
    body.meta = meta;
    return body;
  }

  private lookupTweets(query: URLSearchParams): Record<string, unknown> {
    checkKnownParams(query, ['ids', ...COMMON_PARAMS]);
    const ids = listParam(query, 'ids', 100, /^[0-9]{1,19}$/);
    const selection = parseFieldSelection(query, 'tweet');
    const found: EmulatedTweet[] = [];
    const errors: InlineError[] = [];
    for (const id of ids) {
      const tweet = this.store.getTweet(id);
      if (tweet) found.push(tweet);
      else errors.push(resourceNotFound('tweet', 'ids', id));
    }
    return this.lookupBody(found, selection, errors);
  }

  private lookupTweet(query: URLSearchParams, id: string): Record<string, unknown> {
    checkKnownParams(query, COMMON_PARAMS);
    requireId(id, 'id');
    const selection = parseFieldSelection(query, 'tweet');
    const tweet = this.store.getTweet(id);
    if (!tweet) return { errors: [resourceNotFound('tweet', 'id', id)] };
    const body = this.lookupBody([tweet], selection, []);
    body.data = (body.data as unknown[])[0];
    return body;
  }

  private lookupBody(tweets: EmulatedTweet[], selection: FieldSelection, errors: InlineError[]): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    if (tweets.length > 0) body.data = tweets.map((tweet) => renderTweet(tweet, selection.tweetFields, this.store));
    const expanded = expandTweets(tweets, selection, this.store);
    if (expanded.includes) body.includes = expanded.includes;
    const allErrors = [...errors, ...(expanded.errors ?? [])];
    if (allErrors.length > 0) body.errors = allErrors;
    return body;
  }

  private lookupUser(query: URLSearchParams, id: string): Record<string, unknown> {
    checkKnownParams(query, COMMON_PARAMS);
    requireId(id, 'id');
    const selection = parseFieldSelection(query, 'user');
    const user = this.store.getUser(id);
    if (!user) return { errors: [resourceNotFound('user', 'id', id)] };
    return this.userBody([user], selection, [], true);
  }

  private lookupUserByUsername(query: URLSearchParams, username: string): Record<string, unknown> {
    checkKnownParams(query, COMMON_PARAMS);
    if (!/^[A-Za-z0-9_]{1,15}$/.test(username)) {
      throw invalidRequest({
        parameter: 'username',
        value: username,
        message: `The \`username\` query parameter value [${username}] does not match ^[A-Za-z0-9_]{1,15}$`,
      });
    }
    const selection = parseFieldSelection(query, 'user');
    const user = this.store.getUserByUsername(username);
    if (!user) return { errors: [resourceNotFound('user', 'username', username)] };
    return this.userBody([user], selection, [], true);
  }

  private lookupUsersByUsernames(query: URLSearchParams): Record<string, unknown> {
    checkKnownParams(query, ['usernames', ...COMMON_PARAMS]);
    const usernames = listParam(query, 'usernames', 100, /^[A-Za-z0-9_]{1,15}$/);
    const selection = parseFieldSelection(query, 'user');
    const found: EmulatedUser[] = [];
    const errors: InlineError[] = [];
    for (const username of usernames) {
      const user = this.store.getUserByUsername(username);
      if (user) found.push(user);
      else errors.push(resourceNotFound('user', 'usernames', username));
    }
    return this.userBody(found, selection, errors, false);
  }

  private lookupUsersByIds(query: URLSearchParams): Record<string, unknown> {
    checkKnownParams(query, ['ids', ...COMMON_PARAMS]);
    const ids = listParam(query, 'ids', 100, /^[0-9]{1,19}$/);
    const selection = parseFieldSelection(query, 'user');
    const found: EmulatedUser[] = [];
    const errors: InlineError[] = [];
    for (const id of ids) {
      const user = this.store.getUser(id);
      if (user) found.push(user);
      else errors.push(resourceNotFound('user', 'ids', id));
    }
    return this.userBody(found, selection, errors, false);
  }

  private userBody(users: EmulatedUser[], selection: FieldSelection, errors: InlineError[], single: boolean): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    if (users.length > 0) {
      const rendered = users.map((user) => renderUser(user, selection.userFields));
      body.data = single ? rendered[0] : rendered;
    }
    const expanded = expandUsers(users, selection, this.store);
    if (expanded.includes) body.includes = expanded.includes;
    if (errors.length > 0) body.errors = errors;
    return body;
  }
}

/* -------------------------------------------------------------------- helpers */

function matches(matcher: RequestMatcher, request: EmulatorRequest): boolean {
  if (typeof matcher === 'function') return matcher(request);
  if (matcher instanceof RegExp) return matcher.test(request.path);
  const normalised = matcher.replace(/^\/?(2\/)?/, '').replace(/\/+$/, '');
  return normalised === request.endpoint || `/2/${normalised}` === request.path;
}

function checkKnownParams(query: URLSearchParams, allowed: readonly string[]): void {
  const unknown = [...new Set(query.keys())].filter((name) => !allowed.includes(name));
  if (unknown.length === 0) return;
  throw invalidRequest(
    ...unknown.map((name) => ({
      parameter: name,
      value: query.getAll(name),
      message: `The query parameter [${name}] is not one of [${allowed.join(',')}]`,
    })),
  );
}

function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!/^-?[0-9]+$/.test(raw) || value < min || value > max) {
    throw invalidRequest({
      parameter: name,
      value: raw,
      message: `The \`${name}\` query parameter value [${raw}] is not between ${min} and ${max}`,
    });
  }
  return value;
}

function timeParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
  const ms = Date.parse(raw);
  if (!rfc3339.test(raw) || Number.isNaN(ms)) {
    throw invalidRequest({
      parameter: name,
      value: raw,
      message: `The \`${name}\` query parameter value [${raw}] is not a valid RFC3339 date-time`,
    });
  }
  return ms;
}

function idParam(query: URLSearchParams, name: string): bigint | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  requireId(raw, name);
  return BigInt(raw);
}

function requireId(value: string, name: string): void {
  if (!isSnowflakeLike(value)) {
    throw invalidRequest({
      parameter: name,
      value,
      message: `The \`${name}\` query parameter value [${value}] does not match ^[0-9]{1,19}$`,
    });
  }
}

function listParam(query: URLSearchParams, name: string, max: number, pattern: RegExp): string[] {
  const raw = query.get(name);
  if (raw === null || raw === '') {
    throw invalidRequest({ parameter: name, value: raw ?? '', message: `The \`${name}\` query parameter can not be empty` });
  }
  const values = raw.split(',');
  if (values.length > max) {
    throw invalidRequest({
      parameter: name,
      value: raw,
      message: `The number of values in the \`${name}\` query parameter list [${values.length}] is not between 1 and ${max}`,
    });
  }
  const bad = values.filter((value) => !pattern.test(value));
  if (bad.length > 0) {
    throw invalidRequest(
      ...bad.map((value) => ({
        parameter: name,
        value: raw,
        message: `The \`${name}\` query parameter value [${value}] does not match ${pattern.source}`,
      })),
    );
  }
  return values;
}

/*
 * Pagination tokens are opaque to clients, as X's are. Here they carry a kind letter and a base-36 number:
 * u = older than this id, p = newer than this id, o = offset into a relevancy-sorted result.
 */
function encodeCursor(kind: 'u' | 'p' | 'o', value: bigint): string {
  return `${kind}${value.toString(36)}`;
}

function parseCursor(token: string, parameter: string): { kind: 'u' | 'p' | 'o'; key: bigint } {
  const match = /^([upo])([0-9a-z]{1,14})$/.exec(token);
  if (!match) {
    throw invalidRequest({
      parameter,
      value: token,
      message: `The \`${parameter}\` query parameter value [${token}] is not valid`,
    });
  }
  let key = 0n;
  for (const char of match[2]) key = key * 36n + BigInt(parseInt(char, 36));
  return { kind: match[1] as 'u' | 'p' | 'o', key };
}

function decodeCursor(query: URLSearchParams, parameter: string, expected: 'u' | 'o'): bigint | undefined {
  const token = query.get(parameter);
  if (token === null) return undefined;
  const cursor = parseCursor(token, parameter);
  if (cursor.kind !== expected) {
    throw invalidRequest({
      parameter,
      value: token,
      message: `The \`${parameter}\` query parameter value [${token}] is not valid`,
    });
  }
  return cursor.key;
}

function engagement(tweet: EmulatedTweet): number {
  const m = tweet.public_metrics;
  return m.like_count + 2 * m.retweet_count + 2 * m.quote_count + m.reply_count;
}

function isoMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16)}Z`;
}
