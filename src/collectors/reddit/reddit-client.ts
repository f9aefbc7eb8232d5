import { Injectable, Logger } from '@nestjs/common';
import { NetworkTargets, type RedditTarget } from '../../config/network-targets';
import { glimpseOf, NetworkApiError } from '../network-error';
import type { FailureKind } from '../retry-policy';

/**
 * Reddit's OAuth API over fetch (undici). Reads use an application-only token (the
 * `client_credentials` grant at `REDDIT_AUTH_URL`, HTTP Basic with the app's id and secret);
 * replies use the script account's token (the `password` grant). Each token is cached until a
 * minute before it expires, and dropped on a 401. Every call sends `REDDIT_USER_AGENT` (Reddit
 * throttles generic ones) and `raw_json=1` (text unescaped). The rate-limit headers
 * (`X-Ratelimit-Used`, `-Remaining`, `-Reset` in seconds) are kept: when none are left, the next
 * call waits for the reset instead of drawing a 429. Tokens and passwords are never logged.
 */

const REQUEST_TIMEOUT_MS = 30_000;
/** Reddit's windows are 10 minutes; a wait never exceeds this. */
export const MAX_RATE_LIMIT_WAIT_MS = 11 * 60_000;

/** Reddit answered an error: its status, its message (`{ message, error }` or `{ json: { errors } }`), and when a rate limit resets. */
export class RedditApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    /** epoch ms when the rate-limit window resets (from `X-Ratelimit-Reset`), when announced */
    readonly resetAt: number | null = null,
  ) {
    super(`answered ${status}: ${detail}`);
    this.name = 'RedditApiError';
  }
}

/** Where a 429 or a 5xx says to wait, retry or give up. */
export function classifyRedditError(err: unknown): FailureKind {
  if (err instanceof RedditApiError) {
    if (err.status === 429) return { rateLimitedUntil: err.resetAt };
    return err.status >= 500 ? 'transient' : 'fatal';
  }
  if (err instanceof NetworkApiError) return err.transient ? 'transient' : 'fatal';
  if (err instanceof TypeError && /fetch failed|terminated/i.test(err.message)) return 'transient';
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'transient';
  return 'fatal';
}

/** What Reddit said of its rate limit on the last answer. */
export interface RedditRateLimit {
  used: number | null;
  remaining: number | null;
  /** epoch ms */
  resetAt: number | null;
  /** when the last 429 was answered (epoch ms), null if none since start */
  lastLimitedAt: number | null;
}

/** The `X-Ratelimit-*` headers: used and remaining requests (remaining may be a float), seconds to the reset. */
export function rateLimitOf(headers: Headers, now = Date.now()): { used: number | null; remaining: number | null; resetAt: number | null } {
  const num = (name: string) => {
    const raw = headers.get(name);
    const n = raw === null ? NaN : Number(raw);
    return Number.isFinite(n) ? n : null;
  };
  const reset = num('x-ratelimit-reset');
  return { used: num('x-ratelimit-used'), remaining: num('x-ratelimit-remaining'), resetAt: reset === null ? null : now + reset * 1000 };
}

/** Reddit's error bodies: `{ message, error }` (401, 403, 404, 429), `{ error: 'invalid_grant' }` (token), `{ json: { errors: [[code, message, field]] } }` (api_type=json). */
export function errorDetailOf(body: unknown, fallback: string): string {
  if (body && typeof body === 'object') {
    const b = body as { message?: unknown; error?: unknown; reason?: unknown; explanation?: unknown; json?: { errors?: unknown } };
    const apiErrors = Array.isArray(b.json?.errors) ? (b.json.errors as unknown[]) : [];
    if (apiErrors.length) return apiErrors.map((e) => (Array.isArray(e) ? `${e[0]}: ${e[1]}` : String(e))).join('; ');
    const parts = [b.message, b.reason, b.explanation, typeof b.error === 'string' ? b.error : null].filter(
      (p): p is string => typeof p === 'string' && p.length > 0,
    );
    if (parts.length) return parts.join(': ');
  }
  return fallback;
}

interface CachedToken {
  target: RedditTarget;
  token: string;
  expiresAt: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

@Injectable()
export class RedditClient {
  private readonly logger = new Logger('RedditClient');
  private appToken: CachedToken | null = null;
  private userToken: CachedToken | null = null;
  private limit: RedditRateLimit = { used: null, remaining: null, resetAt: null, lastLimitedAt: null };

  constructor(private readonly targets: NetworkTargets) {}

  get configured(): boolean {
    return this.targets.configured('reddit');
  }

  /** Whether a script account is set to reply with. */
  get canReply(): boolean {
    return this.targets.get('reddit')?.account != null;
  }

  get rateLimit(): RedditRateLimit {
    return { ...this.limit };
  }

  private target(): RedditTarget {
    const target = this.targets.get('reddit');
    if (!target) throw new NetworkApiError('reddit', 'not configured: set REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET and REDDIT_USER_AGENT');
    return target;
  }

  /** A GET of the API (`search`, `r/x/comments`...), as the app. */
  get(path: string, params: Record<string, string | number | undefined> = {}): Promise<unknown> {
    return this.call('app', 'GET', path, params);
  }

  /** A POST of the API (form-encoded), as the script account. */
  post(path: string, form: Record<string, string>): Promise<unknown> {
    return this.call('user', 'POST', path, form);
  }

  private async call(
    as: 'app' | 'user',
    method: 'GET' | 'POST',
    path: string,
    params: Record<string, string | number | undefined>,
  ): Promise<unknown> {
    const target = this.target();
    await this.waitForWindow();
    const query = new URLSearchParams({ raw_json: '1' });
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) (method === 'GET' ? query : form).set(k, String(v));
    const url = new URL(`${path.replace(/^\//, '')}?${query.toString()}`, target.apiUrl);
    for (let attempt = 0; ; attempt++) {
      const token = await this.token(as, target);
      const res = await fetch(url, {
        method,
        headers: {
          authorization: `bearer ${token}`,
          'user-agent': target.userAgent,
          accept: 'application/json',
          ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: method === 'POST' ? form.toString() : undefined,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const limit = rateLimitOf(res.headers);
      if (limit.remaining !== null || limit.resetAt !== null) this.limit = { ...this.limit, ...limit };
      const body = await readBody(res);
      if (res.status === 401 && attempt === 0) {
        // an expired or revoked token: get a new one once
        if (as === 'app') this.appToken = null;
        else this.userToken = null;
        continue;
      }
      if (res.status === 429) this.limit.lastLimitedAt = Date.now();
      if (!res.ok)
        throw new RedditApiError(
          res.status,
          errorDetailOf(body.json, body.text ? glimpseOf(body.text) : res.statusText),
          res.status === 429 ? (limit.resetAt ?? null) : null,
        );
      if (body.json === undefined)
        throw new NetworkApiError('reddit', `answered ${glimpseOf(body.text)} with status ${res.status} instead of JSON`, false);
      return body.json;
    }
  }

  /** Before a call: if the last answer said no request is left, wait for the window's reset. */
  private async waitForWindow(): Promise<void> {
    const { remaining, resetAt } = this.limit;
    if (remaining === null || remaining >= 1 || resetAt === null) return;
    const waitMs = Math.min(resetAt - Date.now() + 250, MAX_RATE_LIMIT_WAIT_MS);
    if (waitMs <= 0) return;
    this.logger.warn({ waitMs }, 'Reddit rate limit used up; waiting for the reset');
    await sleep(waitMs);
    this.limit = { ...this.limit, remaining: null };
  }

  private async token(as: 'app' | 'user', target: RedditTarget): Promise<string> {
    const cached = as === 'app' ? this.appToken : this.userToken;
    if (cached && cached.target === target && cached.expiresAt > Date.now()) return cached.token;
    if (as === 'user' && !target.account)
      throw new NetworkApiError(
        'reddit',
        "no account to reply with: set REDDIT_USERNAME and REDDIT_PASSWORD (a script app's developer account)",
      );
    const form = new URLSearchParams(
      as === 'app'
        ? { grant_type: 'client_credentials' }
        : { grant_type: 'password', username: target.account!.username, password: target.account!.password },
    );
    const res = await fetch(target.authUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${target.clientId}:${target.clientSecret}`).toString('base64')}`,
        'user-agent': target.userAgent,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: form.toString(),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = await readBody(res);
    const json = body.json as { access_token?: unknown; expires_in?: unknown; error?: unknown } | undefined;
    // a wrong password is answered 200 with { error: 'invalid_grant' }
    if (!res.ok || typeof json?.access_token !== 'string') {
      const detail = errorDetailOf(json, body.text ? glimpseOf(body.text) : res.statusText);
      if (res.status === 429 || res.status >= 500)
        throw new RedditApiError(res.status, `token endpoint: ${detail}`, rateLimitOf(res.headers).resetAt);
      throw new NetworkApiError(
        'reddit',
        `refused the ${as === 'app' ? 'app credentials (REDDIT_CLIENT_ID/REDDIT_CLIENT_SECRET)' : 'account (REDDIT_USERNAME/REDDIT_PASSWORD)'}: ${res.status} ${detail}`,
      );
    }
    const expiresIn = typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 3600;
    const entry = { target, token: json.access_token, expiresAt: Date.now() + Math.max(expiresIn - 60, expiresIn / 2) * 1000 };
    if (as === 'app') this.appToken = entry;
    else this.userToken = entry;
    return entry.token;
  }
}

async function readBody(res: Response): Promise<{ text: string; json: unknown }> {
  const text = await res.text();
  try {
    return { text, json: text ? (JSON.parse(text) as unknown) : undefined };
  } catch {
    return { text, json: undefined };
  }
}
