import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  alterCopy,
  EmulatorHttpServer,
  FaultQueue,
  FixedWindowRateLimiter,
  readBody,
  type TlsKeyPair,
} from '../shared/emulator-http-server';
import { listing, newestFirst, RedditStore, type StoredComment } from './reddit-store';

export { RedditStore } from './reddit-store';
export type { StoredComment, StoredRedditUser, StoredSubmission } from './reddit-store';

/**
 * A local server that answers like Reddit's API for what Ouvidor calls, as reddit.com/dev/api and
 * its API wiki document: the token endpoint (`POST /api/v1/access_token`, HTTP Basic with the
 * app's id and secret, `client_credentials` or `password` grants, `{ access_token, token_type,
 * expires_in, scope }`), and with `Authorization: bearer` the OAuth host's `/search`,
 * `/r/{sub}/comments`, `/user/{name}/about|submitted|comments`, `/comments/{article}`,
 * `/api/info` and `POST /api/comment` (`api_type=json`: `{ json: { errors, data: { things } } }`).
 * Listings are `{ kind: 'Listing', data: { after, children } }`, newest first, paged by `after`
 * (at most 100). Every API answer carries `X-Ratelimit-Used`, `-Remaining` and `-Reset` (seconds);
 * over the window's limit it answers 429. Errors are Reddit's `{ message, error }`.
 *
 * The token endpoint is `${baseUrl}/api/v1/access_token` (REDDIT_AUTH_URL) and the API is at
 * `${baseUrl}/` (REDDIT_API_URL). Faults queued with `failNext(route, fault)` apply to any route.
 */

export const REDDIT_EMULATOR_CLIENT_ID = 'ouvidor-demo-app';
export const REDDIT_EMULATOR_CLIENT_SECRET = 'demo-reddit-secret-0123456789';
export const REDDIT_EMULATOR_USER_AGENT = 'server:ouvidor:1.0 (by /u/acmebank)';
export const REDDIT_EMULATOR_PASSWORD = 'demo-reddit-password';

export type RedditRoute =
  'token' | 'search' | 'subreddit-comments' | 'user-about' | 'user-submitted' | 'user-comments' | 'thread' | 'info' | 'comment';

export type RedditFault =
  /** 429 Too Many Requests, with `X-Ratelimit-Remaining: 0` and the reset in `resetSeconds` (default 1) */
  | { status: 429; resetSeconds?: number }
  /** an error status with Reddit's `{ message, error }` body (a 5xx is an HTML page, as Reddit's edge answers) */
  | { status: number }
  /** answers normally, its JSON body passed through `alter` first (a thing served malformed) */
  | { alter: (body: any) => unknown };

export interface RedditRequest {
  route: RedditRoute | null;
  method: string;
  path: string;
  params: Record<string, string>;
  /** whose token the request carried: the app's, the script account's, or none/unknown */
  as: 'app' | 'user' | null;
  userAgent: string | undefined;
}

export interface RedditEmulatorOptions {
  clientId?: string;
  clientSecret?: string;
  /** the script account replies are made as, and its password */
  account?: { username: string; password: string } | null;
  /** requests per window per token (Reddit: 100 per minute averaged over 10 minutes) */
  rateLimit?: { limit: number; windowSeconds: number };
  /** how long tokens last (Reddit: 86400 s) */
  tokenSeconds?: number;
  tls?: TlsKeyPair;
  store?: RedditStore;
}

const MESSAGES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};
const MAX_LIMIT = 100;

class Answer {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}
const notFound = () => new Answer(404, { message: 'Not Found', error: 404 });

export class RedditEmulator {
  readonly store: RedditStore;
  readonly requests: RedditRequest[] = [];
  /** comments made through `POST /api/comment`, in order */
  readonly postedComments: StoredComment[] = [];
  private readonly http: EmulatorHttpServer;
  private readonly faults = new FaultQueue<RedditFault>();
  private readonly limiter: FixedWindowRateLimiter;
  private readonly tokens = new Map<string, { as: 'app' | 'user'; expiresAt: number }>();
  private readonly clientId: string;
  private readonly clientSecret: string;
  private readonly account: { username: string; password: string } | null;
  private readonly tokenSeconds: number;

  constructor(options: RedditEmulatorOptions = {}) {
    this.store = options.store ?? new RedditStore();
    this.clientId = options.clientId ?? REDDIT_EMULATOR_CLIENT_ID;
    this.clientSecret = options.clientSecret ?? REDDIT_EMULATOR_CLIENT_SECRET;
    this.account = options.account === undefined ? null : options.account;
    this.tokenSeconds = options.tokenSeconds ?? 86_400;
    this.limiter = new FixedWindowRateLimiter(options.rateLimit ?? { limit: 1000, windowSeconds: 600 }, 'epoch');
    this.http = new EmulatorHttpServer((req, res) => this.handle(req, res), {
      tls: options.tls,
      internalErrorBody: { message: 'Internal Server Error', error: 500 },
    });
  }

  /** Starts the server; `apiUrl` and `authUrl` are what REDDIT_API_URL and REDDIT_AUTH_URL point at. */
  async start(): Promise<{ baseUrl: string; apiUrl: string; authUrl: string }> {
    const { baseUrl } = await this.http.start();
    return { baseUrl, apiUrl: `${baseUrl}/`, authUrl: `${baseUrl}/api/v1/access_token` };
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  /** The next `times` requests of `route` answer with `fault`. */
  failNext(route: RedditRoute, fault: RedditFault, times = 1): void {
    this.faults.add(route, fault, times);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const raw = req.method === 'POST' ? await readBody(req) : '';
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    if (raw) Object.assign(params, Object.fromEntries(new URLSearchParams(raw)));
    const path = url.pathname.replace(/\.json$/, '');
    const route = routeOf(req.method ?? 'GET', path);
    const token = /^bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const session = token ? this.tokens.get(token) : undefined;
    const entry: RedditRequest = {
      route: route?.name ?? null,
      method: req.method ?? 'GET',
      path,
      params,
      as: session && session.expiresAt > Date.now() ? session.as : null,
      userAgent: req.headers['user-agent'],
    };
    this.requests.push(entry);
    if (!route) return send(res, 404, { message: 'Not Found', error: 404 });

    if (route.name === 'token') {
      const fault = this.faults.take('token');
      if (fault && 'status' in fault) return send(res, fault.status, { message: MESSAGES[fault.status] ?? 'Error', error: fault.status });
      const answer = this.token(req.headers.authorization, params);
      return send(res, answer.status, answer.body);
    }

    if (!entry.as) return send(res, 401, { message: 'Unauthorized', error: 401 });
    const window = this.limiter.consume(token!);
    const headers = {
      'x-ratelimit-used': String(this.limiter.limit - window.remaining),
      'x-ratelimit-remaining': window.remaining.toFixed(1),
      'x-ratelimit-reset': String(Math.max(0, Math.ceil((window.resetAtMs - Date.now()) / 1000))),
    };
    const fault = this.faults.take(route.name);
    if (fault && 'status' in fault && fault.status === 429) {
      const reset = 'resetSeconds' in fault && fault.resetSeconds !== undefined ? fault.resetSeconds : 1;
      return send(
        res,
        429,
        { message: 'Too Many Requests', error: 429 },
        { 'x-ratelimit-used': headers['x-ratelimit-used'], 'x-ratelimit-remaining': '0.0', 'x-ratelimit-reset': String(reset) },
      );
    }
    if (window.exceeded) return send(res, 429, { message: 'Too Many Requests', error: 429 }, headers);
    if (fault && 'status' in fault) {
      if (fault.status >= 500) return sendHtml(res, fault.status, headers);
      return send(res, fault.status, { message: MESSAGES[fault.status] ?? 'Error', error: fault.status }, headers);
    }
    let answer: Answer;
    try {
      answer = new Answer(200, this.answer(route.name, route.match, params, entry.as));
    } catch (err) {
      if (!(err instanceof Answer)) throw err;
      answer = err;
    }
    const body = fault && 'alter' in fault ? alterCopy(fault.alter, answer.body) : answer.body;
    return send(res, answer.status, body, headers);
  }

  private token(authorization: string | undefined, params: Record<string, string>): Answer {
    const basic = /^basic\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const [id, secret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
    if (id !== this.clientId || secret !== this.clientSecret) return new Answer(401, { message: 'Unauthorized', error: 401 });
    let as: 'app' | 'user';
    if (params.grant_type === 'client_credentials') as = 'app';
    else if (params.grant_type === 'password') {
      // a wrong password is answered 200 with an error, as Reddit does
      if (!this.account || params.username !== this.account.username || params.password !== this.account.password)
        return new Answer(200, { error: 'invalid_grant' });
      as = 'user';
    } else return new Answer(200, { error: 'unsupported_grant_type' });
    const token = `${as === 'app' ? '-' : '1-'}${randomBytes(18).toString('base64url')}`;
    this.tokens.set(token, { as, expiresAt: Date.now() + this.tokenSeconds * 1000 });
    return new Answer(200, { access_token: token, token_type: 'bearer', expires_in: this.tokenSeconds, scope: '*' });
  }

  /** Forgets every token issued (they answer 401 from now on, as after a revocation). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  private answer(route: RedditRoute, match: RegExpExecArray, params: Record<string, string>, as: 'app' | 'user'): unknown {
    const s = this.store;
    switch (route) {
      case 'search':
        return page(
          s.search(params.q ?? '').sort(newestFirst),
          params,
          (x) => `t3_${x.id}`,
          (x) => s.renderSubmission(x),
        );
      case 'subreddit-comments': {
        const sub = match[1].toLowerCase();
        const items = [...s.comments.values()].filter((c) => s.submissionOf(c).subreddit.toLowerCase() === sub).sort(newestFirst);
        return page(
          items,
          params,
          (x) => `t1_${x.id}`,
          (x) => s.renderComment(x),
        );
      }
      case 'user-about': {
        const user = s.user(match[1]);
        if (!user) throw notFound();
        return {
          kind: 't2',
          data: {
            id: user.id,
            name: user.name,
            created_utc: 1_500_000_000,
            total_karma: 100,
            subreddit: { display_name: `u_${user.name}`, subscribers: user.subscribers },
          },
        };
      }
      case 'user-submitted': {
        const user = s.user(match[1]);
        if (!user) throw notFound();
        return page(
          [...s.submissions.values()].filter((x) => x.author === user).sort(newestFirst),
          params,
          (x) => `t3_${x.id}`,
          (x) => s.renderSubmission(x),
        );
      }
      case 'user-comments': {
        const user = s.user(match[1]);
        if (!user) throw notFound();
        return page(
          [...s.comments.values()].filter((x) => x.author === user).sort(newestFirst),
          params,
          (x) => `t1_${x.id}`,
          (x) => s.renderComment(x),
        );
      }
      case 'thread': {
        const post = s.submissions.get(match[1]);
        if (!post) throw notFound();
        const top = [...s.comments.values()].filter((c) => c.parentId === `t3_${post.id}`).sort(newestFirst);
        return [
          listing([s.renderSubmission(post)], null),
          listing(
            top.map((c) => s.renderComment(c, { nested: true })),
            null,
          ),
        ];
      }
      case 'info': {
        const ids = (params.id ?? '').split(',').filter(Boolean).slice(0, MAX_LIMIT);
        const things = ids.map((id) => s.thing(id)).filter((t) => t !== null);
        return listing(
          things.map((t) => (t.kind === 't3' ? s.renderSubmission(t.item) : s.renderComment(t.item))),
          null,
        );
      }
      case 'comment':
        return this.comment(params, as);
      default:
        throw notFound();
    }
  }

  /** `POST /api/comment`: a reply as the script account; problems come back in `json.errors` with status 200. */
  private comment(params: Record<string, string>, as: 'app' | 'user'): unknown {
    const errors = (list: [string, string, string][]) =>
      params.api_type === 'json' ? { json: { errors: list } } : { jquery: [], success: false };
    // an application-only token has no user to post as
    if (as !== 'user' || !this.account) throw new Answer(403, { message: 'Forbidden', error: 403 });
    const parent = this.store.thing(params.thing_id ?? '');
    if (!parent) return errors([['NO_THING_ID', "can't find that", 'parent']]);
    if (!params.text?.trim()) return errors([['NO_TEXT', 'we need something here', 'text']]);
    if (params.text.length > 10_000) return errors([['TOO_LONG', 'this is too long (max: 10000)', 'text']]);
    const on = parent.kind === 't3' ? parent.item : this.store.submissionOf(parent.item);
    const author = this.store.user(this.account.username) ?? this.store.addUser({ name: this.account.username });
    const comment = this.store.addComment({ author, on, parent: params.thing_id, body: params.text });
    this.postedComments.push(comment);
    return { json: { errors: [], data: { things: [this.store.renderComment(comment)] } } };
  }
}

function routeOf(method: string, path: string): { name: RedditRoute; match: RegExpExecArray } | null {
  const routes: [string, RegExp, RedditRoute][] = [
    ['POST', /^\/api\/v1\/access_token$/, 'token'],
    ['GET', /^\/search$/, 'search'],
    ['GET', /^\/r\/([A-Za-z0-9_]{2,21})\/comments$/, 'subreddit-comments'],
    ['GET', /^\/user\/([A-Za-z0-9_-]{3,20})\/about$/, 'user-about'],
    ['GET', /^\/user\/([A-Za-z0-9_-]{3,20})\/submitted$/, 'user-submitted'],
    ['GET', /^\/user\/([A-Za-z0-9_-]{3,20})\/comments$/, 'user-comments'],
    ['GET', /^\/comments\/([0-9a-z]+)$/, 'thread'],
    ['GET', /^\/api\/info$/, 'info'],
    ['POST', /^\/api\/comment$/, 'comment'],
  ];
  for (const [m, pattern, name] of routes) {
    const match = m === method ? pattern.exec(path.replace(/\/$/, '')) : null;
    if (match) return { name, match };
  }
  return null;
}

/** One page of a Listing: after the `after` fullname, at most `limit` (≤ 100, default 25) things. */
function page<T>(items: T[], params: Record<string, string>, fullname: (x: T) => string, render: (x: T) => unknown) {
  const limit = Math.min(MAX_LIMIT, Math.max(1, Number(params.limit) || 25));
  const start = params.after ? items.findIndex((x) => fullname(x) === params.after) + 1 : 0;
  // an `after` no longer in the listing answers an empty page, as Reddit does
  const slice = params.after && start === 0 ? [] : items.slice(start, start + limit);
  const more = start + limit < items.length && slice.length > 0;
  return listing(slice.map(render), more ? fullname(slice[slice.length - 1]) : null);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  res.end(JSON.stringify(body));
}

function sendHtml(res: ServerResponse, status: number, headers: Record<string, string>): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/html; charset=UTF-8', ...headers });
  res.end(
    `<!doctype html><html><head><title>reddit.com: ${status === 503 ? 'over capacity' : 'server error'}</title></head><body>all of our servers are busy right now</body></html>`,
  );
}
