import { Injectable, Logger } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import type { Platform } from '../../common/platform';
import { NetworkTargets, type MetaTarget } from '../../config/network-targets';
import { glimpseOf, NetworkApiError } from '../network-error';
import { withRetryPolicy, type FailureKind } from '../retry-policy';

/**
 * Meta's Graph API over fetch (undici), for the Facebook, Instagram and WhatsApp channels: every
 * call carries the token (`Authorization: Bearer`, never in a URL that could be logged) and
 * `appsecret_proof` = HMAC-SHA256(token, app secret) in hex, as an app with "Require App Secret"
 * demands. Errors are read from Graph's `{ error: { message, type, code, error_subcode, fbtrace_id } }`
 * and classified (`classifyGraphError`): rate limits are waited out and the call resumes,
 * 190 (token expired or revoked) stops the channel until the token changes, transient ones follow
 * the collectors' retry policy, anything else fails the call.
 */

/** Graph's rate-limit codes: app (4), user (17), Page (32), and per-API (613) limits; 80001/80002 are Page/Instagram BUC throttles. */
export const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80001, 80002, 80006]);
/** 190: the access token is invalid, expired or revoked. */
export const TOKEN_ERROR_CODE = 190;
/** Graph's codes for a temporary failure on its side. */
const TRANSIENT_CODES = new Set([1, 2]);
const REQUEST_TIMEOUT_MS = 30_000;
/** Graph's app and BUC windows are rolling hours; a wait never exceeds this (the run ends and the next resumes). */
export const MAX_RATE_LIMIT_WAIT_MS = 15 * 60_000;
/** When Graph gives no time to regain access. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

export interface GraphErrorPayload {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  is_transient?: boolean;
  fbtrace_id?: string;
}

/** A Graph call failed: its HTTP status, Graph's error (when the body had one) and the usage headers. */
export class GraphApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: GraphErrorPayload | null,
    /** highest usage percentage announced in X-App-Usage / X-Business-Use-Case-Usage (0 when absent) */
    readonly usagePercent: number,
    /** when access comes back, from X-Business-Use-Case-Usage's estimated_time_to_regain_access (epoch ms), or null */
    readonly regainAccessAt: number | null,
    /** what the body was when it was not Graph's JSON (an HTML page, text cut short) */
    readonly bodyGlimpse: string | null = null,
  ) {
    super(error?.message ?? `HTTP ${status}${bodyGlimpse ? `: ${bodyGlimpse}` : ''}`);
    this.name = 'GraphApiError';
  }

  get code(): number | undefined {
    return this.error?.code;
  }

  /** How Graph named the failure, for messages: "(code 190/463) Error validating access token… [fbtrace_id …]". */
  describe(): string {
    if (!this.error) return `answered ${this.status}${this.bodyGlimpse ? ` with ${this.bodyGlimpse}` : ''}`;
    const code = `${this.error.code ?? '?'}${this.error.error_subcode ? `/${this.error.error_subcode}` : ''}`;
    return `answered ${this.status}, error ${code} (${this.error.type ?? 'unknown type'}): ${this.error.message ?? 'no message'}${this.error.fbtrace_id ? ` [fbtrace_id ${this.error.fbtrace_id}]` : ''}`;
  }
}

/** The access token was refused (190): the channel stops until the token is renewed. */
export class GraphTokenError extends NetworkApiError {
  constructor(
    platform: Platform,
    readonly graphError: GraphApiError,
  ) {
    super(
      platform,
      `the access token was refused, ${graphError.describe()}. Collection from Facebook and Instagram is stopped until META_ACCESS_TOKEN is renewed (and the service restarted)`,
    );
    this.name = 'GraphTokenError';
  }
}

export type GraphFailureKind = FailureKind | 'token';

/**
 * How to treat a failed Graph call: a rate limit (codes 4, 17, 32, 613, or usage at 100 %) is
 * waited out until the announced time; 190 stops the channel; a 5xx, Graph's transient codes or
 * `is_transient`, and network failures are retried; anything else is fatal.
 */
export function classifyGraphError(err: unknown, now = Date.now()): GraphFailureKind {
  if (err instanceof GraphApiError) {
    const code = err.error?.code;
    if (code === TOKEN_ERROR_CODE) return 'token';
    if ((code !== undefined && RATE_LIMIT_CODES.has(code)) || err.usagePercent >= 100 || err.status === 429) {
      return {
        rateLimitedUntil: err.regainAccessAt ?? (err.usagePercent >= 100 || code !== undefined ? now + DEFAULT_RATE_LIMIT_WAIT_MS : null),
      };
    }
    if (err.status >= 500 || (code !== undefined && TRANSIENT_CODES.has(code)) || err.error?.is_transient) return 'transient';
    return 'fatal';
  }
  if (err instanceof NetworkApiError) return err.transient ? 'transient' : 'fatal';
  // fetch: a refused or cut connection, a timeout
  if (err instanceof TypeError && /fetch failed|terminated/i.test(err.message)) return 'transient';
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'transient';
  return 'fatal';
}

/**
 * The usage Graph announces: the highest percentage in X-App-Usage (`call_count`, `total_cputime`,
 * `total_time`) and X-Business-Use-Case-Usage (the same per business and type), and when access
 * comes back (`estimated_time_to_regain_access`, minutes), if said.
 */
export function usageOf(headers: Headers, now = Date.now()): { percent: number; regainAccessAt: number | null } {
  let percent = 0;
  let regainMinutes: number | null = null;
  const read = (name: string) => {
    const raw = headers.get(name);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return null;
    }
  };
  const take = (entry: unknown) => {
    if (!entry || typeof entry !== 'object') return;
    const e = entry as Record<string, unknown>;
    for (const key of ['call_count', 'total_cputime', 'total_time', 'acc_id_util_pct'])
      if (typeof e[key] === 'number') percent = Math.max(percent, e[key]);
    if (typeof e.estimated_time_to_regain_access === 'number')
      regainMinutes = Math.max(regainMinutes ?? 0, e.estimated_time_to_regain_access);
  };
  take(read('x-app-usage'));
  take(read('x-ad-account-usage'));
  const buc = read('x-business-use-case-usage');
  if (buc && typeof buc === 'object')
    for (const list of Object.values(buc as Record<string, unknown>)) if (Array.isArray(list)) list.forEach(take);
  return { percent, regainAccessAt: regainMinutes === null ? null : now + (regainMinutes as number) * 60_000 };
}

export const appSecretProof = (accessToken: string, appSecret: string): string =>
  createHmac('sha256', appSecret).update(accessToken).digest('hex');

/** A page of a Graph edge. */
export interface GraphPage<T = unknown> {
  data: T[];
  /** the `after` cursor of this page (to resume after it), null when the page was empty */
  after: string | null;
  /** whether Graph announced more (`paging.next`) */
  hasNext: boolean;
}

export interface GraphCallHooks {
  /** the platform named in errors */
  platform: Platform;
  /** called before each wait (rate limit, transient retry), e.g. to keep a lease alive */
  waiting?: (reason: 'rate-limit' | 'transient', info: { waitMs: number; attempt: number; err: unknown }) => Promise<void> | void;
}

@Injectable()
export class MetaGraphClient {
  private readonly logger = new Logger('MetaGraph');
  /** the token Graph refused (190) and why: the channel stays stopped until the target's token changes */
  private refused: { token: string; error: GraphTokenError } | null = null;
  /** usage at 100 % on an answer: the next call waits until then */
  private pausedUntil = 0;

  constructor(private readonly targets: NetworkTargets) {}

  get configured(): boolean {
    return this.targets.configured('meta');
  }

  private target(platform: Platform): MetaTarget {
    const target = this.targets.get('meta');
    if (!target) throw new NetworkApiError(platform, 'not configured: set META_ACCESS_TOKEN and META_APP_SECRET');
    return target;
  }

  /** The channel's stop, when Graph refused the configured token (190). */
  stoppedBecause(): GraphTokenError | null {
    const target = this.targets.get('meta');
    return target && this.refused?.token === target.accessToken ? this.refused.error : null;
  }

  /** GET `path` (relative to META_GRAPH_URL, e.g. `123/published_posts`) with `params`, under the retry policy. */
  get<T = Record<string, unknown>>(path: string, params: Record<string, string | number | undefined>, hooks: GraphCallHooks): Promise<T> {
    return this.call<T>('GET', path, params, hooks);
  }

  /** One page of an edge: `after` resumes after a page read earlier. */
  async page<T = unknown>(
    path: string,
    params: Record<string, string | number | undefined>,
    after: string | null,
    hooks: GraphCallHooks,
  ): Promise<GraphPage<T>> {
    const body = await this.get<{ data?: unknown; paging?: { cursors?: { after?: unknown }; next?: unknown } }>(
      path,
      { ...params, ...(after ? { after } : {}) },
      hooks,
    );
    if (!body || typeof body !== 'object' || !Array.isArray(body.data)) {
      throw new NetworkApiError(hooks.platform, `answered ${glimpseOf(body)} instead of a list (\`data\`) for ${path.split('?')[0]}`);
    }
    const cursor = body.paging?.cursors?.after;
    return {
      data: body.data as T[],
      after: typeof cursor === 'string' && body.data.length ? cursor : null,
      hasNext: typeof body.paging?.next === 'string',
    };
  }

  /** POST `path` with form parameters (Graph's own encoding), under the retry policy for rate limits only (a POST is not retried blindly). */
  post<T = Record<string, unknown>>(path: string, params: Record<string, string>, hooks: GraphCallHooks): Promise<T> {
    return this.call<T>('POST', path, params, hooks);
  }

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    params: Record<string, string | number | undefined>,
    hooks: GraphCallHooks,
  ): Promise<T> {
    const stopped = this.stoppedBecause();
    if (stopped) throw new GraphTokenError(hooks.platform, stopped.graphError);
    try {
      return await withRetryPolicy(
        () => this.once<T>(method, path, params),
        (err) => {
          const kind = classifyGraphError(err);
          if (kind === 'token') return 'fatal';
          // a POST that may have been carried out is not sent again
          if (method === 'POST' && kind === 'transient') return 'fatal';
          return kind;
        },
        {
          maxRateLimitWaitMs: MAX_RATE_LIMIT_WAIT_MS,
          waiting: async (reason, info) => {
            const graph =
              info.err instanceof GraphApiError
                ? { code: info.err.code, usage: info.err.usagePercent, message: info.err.error?.message }
                : { message: (info.err as Error).message };
            this.logger.warn(
              { platform: hooks.platform, path: path.split('?')[0], reason, waitMs: info.waitMs, attempt: info.attempt, ...graph },
              reason === 'rate-limit'
                ? 'Graph rate limit reached; waiting, then resuming from the cursor'
                : 'Graph request failed; retrying',
            );
            await hooks.waiting?.(reason, info);
          },
        },
      );
    } catch (err) {
      if (err instanceof GraphApiError && err.code === TOKEN_ERROR_CODE) {
        const target = this.target(hooks.platform);
        const error = new GraphTokenError(hooks.platform, err);
        this.refused = { token: target.accessToken, error };
        this.logger.error(
          { platform: hooks.platform, code: err.code, subcode: err.error?.error_subcode, fbtraceId: err.error?.fbtrace_id },
          'Graph refused the access token (190); Facebook and Instagram collection stopped until META_ACCESS_TOKEN is renewed',
        );
        throw error;
      }
      if (err instanceof GraphApiError)
        // Graph's error kept as the cause, for callers that tell a missing object from a failure
        throw Object.assign(
          new NetworkApiError(hooks.platform, `${err.describe()}${classifyGraphError(err) === 'fatal' ? '' : ' (after retrying)'}`),
          { cause: err },
        );
      if (err instanceof NetworkApiError) throw err;
      if (classifyGraphError(err) === 'transient') {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new NetworkApiError(
          hooks.platform,
          `could not be reached: ${cause?.code ?? cause?.message ?? (err as Error).message} (after retrying)`,
        );
      }
      throw err;
    }
  }

  private async once<T>(method: 'GET' | 'POST', path: string, params: Record<string, string | number | undefined>): Promise<T> {
    const target = this.target('facebook');
    const wait = this.pausedUntil - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, Math.min(wait, MAX_RATE_LIMIT_WAIT_MS)));
    const url = new URL(path.replace(/^\//, ''), target.graphUrl);
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, String(value));
    query.set('appsecret_proof', appSecretProof(target.accessToken, target.appSecret));
    const init: RequestInit = {
      method,
      headers: { authorization: `Bearer ${target.accessToken}`, accept: 'application/json' },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    };
    if (method === 'GET') for (const [key, value] of query) url.searchParams.set(key, value);
    else {
      init.body = query;
      (init.headers as Record<string, string>)['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(url, init);
    const usage = usageOf(res.headers);
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new GraphApiError(res.status, null, usage.percent, usage.regainAccessAt, glimpseOf(text));
    }
    const error = (body as { error?: GraphErrorPayload } | null)?.error;
    if (!res.ok || (error && typeof error === 'object'))
      throw new GraphApiError(
        res.status,
        error && typeof error === 'object' ? error : null,
        usage.percent,
        usage.regainAccessAt,
        error ? null : glimpseOf(body),
      );
    if (usage.percent >= 100) {
      // the answer came, but the next call would be throttled: wait before it
      this.pausedUntil = usage.regainAccessAt ?? Date.now() + DEFAULT_RATE_LIMIT_WAIT_MS;
      this.logger.warn(
        { usage: usage.percent, resumeAt: new Date(this.pausedUntil).toISOString() },
        'Graph usage at 100 %; the next call waits',
      );
    }
    return body as T;
  }
}
