import { Injectable, Logger } from '@nestjs/common';
import { NetworkTargets, type YouTubeTarget } from '../../config/network-targets';
import { ReplyNotSentError, ReplyRefusedError } from '../collector';
import { glimpseOf, NetworkApiError } from '../network-error';
import { withRetryPolicy, type FailureKind } from '../retry-policy';
import { YOUTUBE_COSTS, YouTubeQuota, YouTubeQuotaPausedError } from './youtube-quota';

/**
 * The few YouTube Data API v3 calls the collector makes, over fetch: reads with the API key
 * (`key=`), `comments.insert` with the brand channel's OAuth access token (refreshed from the
 * refresh token at Google's token endpoint and cached until a minute before it expires). Each
 * call's units are counted against the day's quota before it is made. Errors are read from
 * Google's body `{ error: { code, message, errors: [{ domain, reason, message }] } }`:
 * `quotaExceeded` pauses the day, `rateLimitExceeded`/`userRateLimitExceeded` and 429 are waited
 * out, 5xx and network failures retried, anything else fails the call with YouTube's message.
 */

const REQUEST_TIMEOUT_MS = 30_000;
const MAX_RATE_LIMIT_WAIT_MS = 60_000;

export interface GoogleErrorBody {
  error?: { code?: number; message?: string; status?: string; errors?: { domain?: string; reason?: string; message?: string }[] };
}

/** A YouTube call failed: the HTTP status, the first reason Google gave, and its message. */
export class YouTubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string | null,
    readonly detail: string,
  ) {
    super(`answered ${status}${reason ? ` ${reason}` : ''}: ${detail}`);
    this.name = 'YouTubeApiError';
  }

  get quotaExceeded(): boolean {
    return this.reason === 'quotaExceeded' || this.reason === 'dailyLimitExceeded';
  }
}

/** Google's error body → a YouTubeApiError (an HTML page or cut text is named as such). */
export function youtubeErrorOf(status: number, text: string): YouTubeApiError {
  let body: GoogleErrorBody | null;
  try {
    body = JSON.parse(text) as GoogleErrorBody;
  } catch {
    body = null;
  }
  const e = body?.error;
  if (!e) return new YouTubeApiError(status, null, text ? glimpseOf(text) : 'an empty body');
  const reason = e.errors?.[0]?.reason ?? e.status ?? null;
  // messages may carry HTML links ("exceeded your <a href=...>quota</a>")
  return new YouTubeApiError(status, reason, (e.message ?? 'no message').replace(/<[^>]+>/g, ''));
}

export function classifyYouTubeError(err: unknown): FailureKind {
  if (err instanceof YouTubeApiError) {
    if (err.quotaExceeded) return 'fatal';
    if (err.status === 429 || err.reason === 'rateLimitExceeded' || err.reason === 'userRateLimitExceeded')
      return { rateLimitedUntil: null };
    return err.status >= 500 ? 'transient' : 'fatal';
  }
  if (err instanceof NetworkApiError) return err.transient ? 'transient' : 'fatal';
  if (err instanceof TypeError && /fetch failed|terminated/i.test(err.message)) return 'transient';
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'transient';
  return 'fatal';
}

export type YouTubeParams = Record<string, string | number | undefined>;

export interface CallHooks {
  waiting?: (reason: 'rate-limit' | 'transient', info: { waitMs: number; attempt: number; err: unknown }) => Promise<void> | void;
}

@Injectable()
export class YouTubeApi {
  private readonly logger = new Logger('YouTubeApi');
  private token: { target: YouTubeTarget; accessToken: string; expiresAt: number } | null = null;
  private grantChannel: { target: YouTubeTarget; id: string } | null = null;

  constructor(
    private readonly targets: NetworkTargets,
    readonly quota: YouTubeQuota,
  ) {}

  get configured(): boolean {
    return this.targets.configured('youtube');
  }

  target(): YouTubeTarget {
    const target = this.targets.get('youtube');
    if (!target) throw new NetworkApiError('youtube', 'not configured: set YOUTUBE_API_KEY');
    return target;
  }

  /**
   * A read (`resource` such as `channels`, `search`) with the API key. Its units are spent first;
   * a quotaExceeded answer pauses the day (YouTubeQuotaPausedError); a failure the retry policy
   * gives up on becomes a NetworkApiError with YouTube's message.
   */
  async get<T>(resource: string, params: YouTubeParams, hooks: CallHooks = {}): Promise<T> {
    const target = this.target();
    const cost = resource === 'search' ? YOUTUBE_COSTS.search : YOUTUBE_COSTS.read;
    const url = new URL(resource, target.apiUrl);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, String(v));
    url.searchParams.set('key', target.apiKey);
    try {
      return await withRetryPolicy(
        async () => {
          await this.quota.spend(cost, target.dailyQuota);
          const res = await fetch(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
          const text = await res.text();
          if (!res.ok) throw youtubeErrorOf(res.status, text);
          try {
            return JSON.parse(text) as T;
          } catch {
            throw new NetworkApiError('youtube', `answered ${glimpseOf(text)} with status ${res.status} instead of JSON`, true);
          }
        },
        classifyYouTubeError,
        { maxRateLimitWaitMs: MAX_RATE_LIMIT_WAIT_MS, waiting: (reason, info) => hooks.waiting?.(reason, info) },
      );
    } catch (err) {
      if (err instanceof YouTubeApiError && err.quotaExceeded) {
        const until = await this.quota.exhausted(err.detail);
        throw new YouTubeQuotaPausedError(until, `YouTube answered quotaExceeded (${err.detail})`);
      }
      if (err instanceof YouTubeApiError) throw new NetworkApiError('youtube', `${resource}.list ${err.message}`);
      if (err instanceof TypeError || (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new NetworkApiError('youtube', `could not be reached: ${cause?.code ?? cause?.message ?? err.message} (after retrying)`);
      }
      throw err;
    }
  }

  /** An access token for the brand channel, from the refresh token; cached until a minute before it expires. */
  async accessToken(): Promise<string> {
    const target = this.target();
    if (!target.oauth)
      throw new ReplyRefusedError(
        'YouTube replies need the brand channel’s OAuth grant: set YOUTUBE_OAUTH_CLIENT_ID, YOUTUBE_OAUTH_CLIENT_SECRET and YOUTUBE_OAUTH_REFRESH_TOKEN',
        403,
      );
    if (this.token && this.token.target === target && this.token.expiresAt > Date.now() + 60_000) return this.token.accessToken;
    const { tokenUrl, clientId, clientSecret, refreshToken } = target.oauth;
    let res: Response;
    try {
      res = await fetch(tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: clientId,
          client_secret: clientSecret,
          refresh_token: refreshToken,
        }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      throw new ReplyNotSentError(`Google's token endpoint could not be reached: ${(err as Error).message}`, true);
    }
    const body = (await res.json().catch(() => null)) as {
      access_token?: string;
      expires_in?: number;
      error?: string;
      error_description?: string;
    } | null;
    if (!res.ok || !body?.access_token) {
      const why = body?.error ? `${body.error}${body.error_description ? `: ${body.error_description}` : ''}` : `HTTP ${res.status}`;
      this.logger.warn({ status: res.status, error: body?.error }, 'Google refused to refresh the YouTube access token');
      throw new ReplyRefusedError(`Google refused the YouTube OAuth grant (${why}); renew YOUTUBE_OAUTH_REFRESH_TOKEN`, 403);
    }
    this.token = { target, accessToken: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000 };
    return body.access_token;
  }

  /** The channel of the OAuth grant (`channels.list mine=true`, 1 unit), once per grant. */
  async grantChannelId(): Promise<string> {
    const target = this.target();
    if (this.grantChannel?.target === target) return this.grantChannel.id;
    const accessToken = await this.accessToken();
    await this.spendForReply(YOUTUBE_COSTS.read, target.dailyQuota);
    const url = new URL('channels', target.apiUrl);
    url.searchParams.set('part', 'id');
    url.searchParams.set('mine', 'true');
    const body = await this.authorized<{ items?: { id?: string }[] }>(url, { method: 'GET' }, accessToken);
    const id = body?.items?.[0]?.id;
    if (!id)
      throw new ReplyRefusedError('YouTube: the OAuth grant has no channel (YOUTUBE_OAUTH_REFRESH_TOKEN must be the brand channel’s)', 403);
    this.grantChannel = { target, id };
    return id;
  }

  private async spendForReply(cost: number, limit: number): Promise<void> {
    try {
      await this.quota.spend(cost, limit);
    } catch (err) {
      if (err instanceof YouTubeQuotaPausedError) throw new ReplyRefusedError(err.message, 429);
      throw err;
    }
  }

  /** A call with the access token; YouTube's refusals become ReplyRefusedError, a 5xx or timeout ReplyNotSentError. */
  private async authorized<T>(url: URL, init: RequestInit, accessToken: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(url, {
        ...init,
        headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      throw new ReplyNotSentError(
        `YouTube did not confirm the reply: ${(err as Error).message} (sending again with the same text is safe)`,
        false,
      );
    }
    const text = await res.text();
    if (res.ok) return JSON.parse(text) as T;
    const err = youtubeErrorOf(res.status, text);
    if (res.status === 401) this.token = null;
    if (err.quotaExceeded) {
      await this.quota.exhausted(err.detail);
      throw new ReplyRefusedError(`YouTube refused the reply: ${err.detail} (quotaExceeded)`, 429);
    }
    if (res.status >= 500)
      throw new ReplyNotSentError(`YouTube did not confirm the reply: ${err.message} (sending again with the same text is safe)`, false);
    const status =
      res.status === 404 ? 404 : res.status === 403 || res.status === 401 ? 403 : res.status === 429 ? 429 : res.status === 400 ? 400 : 422;
    throw new ReplyRefusedError(`YouTube refused the reply: ${err.detail}${err.reason ? ` (${err.reason})` : ''}`, status);
  }

  /** `comments.insert part=snippet`: a reply to a top-level comment, as the brand channel. */
  async insertReply(parentId: string, text: string): Promise<unknown> {
    const target = this.target();
    const accessToken = await this.accessToken();
    await this.spendForReply(YOUTUBE_COSTS.insert, target.dailyQuota);
    const url = new URL('comments', target.apiUrl);
    url.searchParams.set('part', 'snippet');
    return this.authorized<unknown>(
      url,
      { method: 'POST', body: JSON.stringify({ snippet: { parentId, textOriginal: text } }) },
      accessToken,
    );
  }

  /**
   * The brand channel's reply with this text in the thread, if it is there already (a retry after
   * a lost answer, a double click): `comments.list parentId`, 1 unit a page. YouTube takes no
   * idempotency key, so this is how a resent reply stays one comment.
   */
  async findReply(parentId: string, channelId: string, text: string): Promise<unknown> {
    const target = this.target();
    let pageToken: string | undefined;
    do {
      await this.spendForReply(YOUTUBE_COSTS.read, target.dailyQuota);
      const url = new URL('comments', target.apiUrl);
      for (const [k, v] of Object.entries({
        part: 'snippet',
        parentId,
        maxResults: '100',
        textFormat: 'plainText',
        key: target.apiKey,
        ...(pageToken ? { pageToken } : {}),
      }))
        url.searchParams.set(k, v);
      const page = await this.authorized<{
        items?: { snippet?: { authorChannelId?: { value?: string }; textOriginal?: string } }[];
        nextPageToken?: string;
      }>(url, { method: 'GET' }, await this.accessToken());
      const mine = page.items?.find(
        (c) => c.snippet?.authorChannelId?.value === channelId && c.snippet.textOriginal?.trim() === text.trim(),
      );
      if (mine) return mine;
      pageToken = page.nextPageToken;
    } while (pageToken);
    return null;
  }
}
