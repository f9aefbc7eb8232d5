import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { alterCopy, EmulatorHttpServer, FaultQueue, readBody, sendJson, type TlsKeyPair } from '../shared/emulator-http-server';

/**
 * A local YouTube Data API v3 (and Google's OAuth token endpoint) answering as their reference
 * documents: `channels.list` (`forHandle`, `id`), `playlistItems.list` (a channel's uploads
 * playlist, newest first), `videos.list` (`snippet,statistics`, counts as strings),
 * `commentThreads.list` (`allThreadsRelatedToChannelId` or `videoId`, `order=time`, up to five
 * replies inline), `comments.list` (`parentId`), `search.list` (`type=video`, `order=date`,
 * `publishedAfter`, `a|b` for OR), `comments.insert` (Bearer token from the refresh-token grant).
 * Lists page with opaque `pageToken`s. Every call spends quota units (search 100, insert 50, the
 * rest 1) against a daily quota; past it, or with a queued fault, calls answer Google's error body
 * (`403 quotaExceeded`, `400 keyInvalid`, ...). Routes live under `/youtube/v3/`; the token
 * endpoint is `POST /token`.
 */

export const YOUTUBE_EMULATOR_API_KEY = 'AIzaSy-test-youtube-key-0000000000000';
export const YOUTUBE_EMULATOR_CLIENT = {
  clientId: 'ouvidor-test.apps.googleusercontent.com',
  clientSecret: 'test-client-secret',
  refreshToken: '1//test-refresh-token',
};

export interface YouTubeChannelInput {
  id: string;
  /** with the "@" */
  handle: string;
  title: string;
  subscribers: number;
}

export interface YouTubeVideoInput {
  id: string;
  channelId: string;
  title: string;
  description?: string;
  publishedAt: Date;
  likes: number;
  views: number;
  tags?: string[];
}

export interface YouTubeCommentInput {
  id: string;
  videoId: string;
  authorChannelId: string;
  text: string;
  publishedAt: Date;
  /** a reply's top-level comment */
  parentId?: string;
  likes?: number;
}

/** An error answer, or (`alter`) the normal answer changed, e.g. an item missing a field. */
export type YouTubeFault = { status: number; reason: string; message: string; domain?: string } | { alter: (body: any) => unknown };
export type YouTubeRoute = 'channels' | 'playlistItems' | 'videos' | 'commentThreads' | 'comments' | 'search' | 'comments.insert' | 'token';

export interface YouTubeRequest {
  route: YouTubeRoute;
  params: Record<string, string>;
  body?: unknown;
}

export interface YouTubeEmulatorOptions {
  tls?: TlsKeyPair;
  /** units a day before quotaExceeded (default 10,000) */
  dailyQuota?: number;
  /** keep each request in `requests` (default true; the demo, which runs for days, does not) */
  recordRequests?: boolean;
}

const COSTS: Record<YouTubeRoute, number> = {
  channels: 1,
  playlistItems: 1,
  videos: 1,
  commentThreads: 1,
  comments: 1,
  search: 100,
  'comments.insert': 50,
  token: 0,
};
const QUOTA_MESSAGE =
  'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.';

const googleError = (status: number, reason: string, message: string, domain = 'youtube.api') => ({
  error: { code: status, message, errors: [{ message, domain, reason }] },
});

class Failure extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${status}`);
  }
}

const etag = () => randomBytes(12).toString('base64url');
const token = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');
const offsetOf = (pageToken: string | undefined): number => {
  if (!pageToken) return 0;
  const m = /^o:(\d+)$/.exec(Buffer.from(pageToken, 'base64url').toString());
  if (!m) throw new Failure(400, googleError(400, 'invalidPageToken', 'The request specifies an invalid page token.'));
  return Number(m[1]);
};

export class YouTubeEmulator {
  private readonly http: EmulatorHttpServer;
  private readonly channels = new Map<string, YouTubeChannelInput>();
  private readonly videos = new Map<string, YouTubeVideoInput>();
  private readonly comments = new Map<string, YouTubeCommentInput>();
  private readonly faults = new FaultQueue<YouTubeFault>();
  private readonly accessTokens = new Map<string, number>();
  /** the channel the OAuth grant belongs to (the brand's), which comments.insert writes as */
  grantChannelId: string | null = null;
  readonly requests: YouTubeRequest[] = [];
  unitsUsed = 0;
  dailyQuota: number;
  private readonly record: boolean;

  constructor(options: YouTubeEmulatorOptions = {}) {
    this.dailyQuota = options.dailyQuota ?? 10_000;
    this.record = options.recordRequests ?? true;
    this.http = new EmulatorHttpServer((req, res) => this.handle(req, res), {
      tls: options.tls,
      internalErrorBody: googleError(500, 'backendError', 'Backend Error'),
    });
  }

  async start(): Promise<{ baseUrl: string; apiUrl: string; tokenUrl: string }> {
    const { baseUrl } = await this.http.start();
    return { baseUrl, apiUrl: `${baseUrl}/youtube/v3/`, tokenUrl: `${baseUrl}/token` };
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  addChannel(c: YouTubeChannelInput): void {
    this.channels.set(c.id, c);
  }

  addVideo(v: YouTubeVideoInput): void {
    this.videos.set(v.id, v);
  }

  addComment(c: YouTubeCommentInput): void {
    this.comments.set(c.id, c);
  }

  /** Changes a video's likes and views, or a comment's likes (the demo's counts growing). */
  setCounts(id: string, counts: { likes?: number; views?: number }): void {
    const video = this.videos.get(id);
    if (video) {
      video.likes = counts.likes ?? video.likes;
      video.views = counts.views ?? video.views;
      return;
    }
    const comment = this.comments.get(id);
    if (comment && counts.likes !== undefined) comment.likes = counts.likes;
  }

  hasVideo(id: string): boolean {
    return this.videos.has(id);
  }

  commentById(id: string): YouTubeCommentInput | undefined {
    return this.comments.get(id);
  }

  /** The next `times` calls of `route` answer this error. */
  failNext(route: YouTubeRoute, fault: YouTubeFault, times = 1): void {
    this.faults.add(route, fault, times);
  }

  /** The next call of `route` answers 403 quotaExceeded, as YouTube does once the day's units are spent. */
  exceedQuotaNext(route: YouTubeRoute, times = 1): void {
    this.failNext(route, { status: 403, reason: 'quotaExceeded', message: QUOTA_MESSAGE, domain: 'youtube.quota' }, times);
  }

  /** Comments written through comments.insert. */
  inserted(): YouTubeCommentInput[] {
    return [...this.comments.values()].filter(
      (c) => c.id.includes('.') && c.authorChannelId === this.grantChannelId && c.id.split('.')[1].startsWith('ins'),
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const params = Object.fromEntries(url.searchParams);
    try {
      if (req.method === 'POST' && url.pathname === '/token') return sendJson(res, ...(await this.token(req)));
      const m = /^\/youtube\/v3\/(channels|playlistItems|videos|commentThreads|comments|search)$/.exec(url.pathname);
      if (!m) throw new Failure(404, googleError(404, 'notFound', 'Not Found', 'global'));
      const route: YouTubeRoute = req.method === 'POST' && m[1] === 'comments' ? 'comments.insert' : (m[1] as YouTubeRoute);
      const body = route === 'comments.insert' ? (JSON.parse((await readBody(req)) || '{}') as unknown) : undefined;
      if (this.record) this.requests.push({ route, params, body });
      if (route === 'comments.insert' || (route === 'channels' && params.mine === 'true')) this.authorizeBearer(req);
      else if (!params.key) throw new Failure(403, googleError(403, 'forbidden', 'The request is missing a valid API key.', 'global'));
      else if (params.key !== YOUTUBE_EMULATOR_API_KEY)
        throw new Failure(400, googleError(400, 'keyInvalid', 'API key not valid. Please pass a valid API key.', 'global'));
      const fault = this.faults.take(route);
      if (fault && !('alter' in fault))
        throw new Failure(fault.status, googleError(fault.status, fault.reason, fault.message, fault.domain));
      if (this.unitsUsed + COSTS[route] > this.dailyQuota)
        throw new Failure(403, googleError(403, 'quotaExceeded', QUOTA_MESSAGE, 'youtube.quota'));
      this.unitsUsed += COSTS[route];
      if (!params.part && route !== 'comments.insert')
        throw new Failure(400, googleError(400, 'required', 'Required parameter: part', 'global'));
      const answer = this.answer(route, params, body);
      sendJson(res, 200, fault && 'alter' in fault ? alterCopy(fault.alter, answer) : answer);
    } catch (err) {
      if (err instanceof Failure) return sendJson(res, err.status, err.body);
      throw err;
    }
  }

  /** Google's token endpoint, refresh-token grant only (form-encoded, as RFC 6749 §6). */
  private async token(req: IncomingMessage): Promise<[number, unknown]> {
    const form = new URLSearchParams(await readBody(req));
    if (this.record) this.requests.push({ route: 'token', params: { grant_type: form.get('grant_type') ?? '' } });
    if (form.get('grant_type') !== 'refresh_token')
      return [400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type: ' + (form.get('grant_type') ?? '') }];
    if (form.get('client_id') !== YOUTUBE_EMULATOR_CLIENT.clientId || form.get('client_secret') !== YOUTUBE_EMULATOR_CLIENT.clientSecret)
      return [401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' }];
    if (form.get('refresh_token') !== YOUTUBE_EMULATOR_CLIENT.refreshToken)
      return [400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }];
    const accessToken = `ya29.${randomBytes(24).toString('base64url')}`;
    this.accessTokens.set(accessToken, Date.now() + 3599_000);
    return [
      200,
      { access_token: accessToken, expires_in: 3599, scope: 'https://www.googleapis.com/auth/youtube.force-ssl', token_type: 'Bearer' },
    ];
  }

  private authorizeBearer(req: IncomingMessage): void {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expires = bearer ? this.accessTokens.get(bearer) : undefined;
    if (!expires || expires < Date.now())
      throw new Failure(401, {
        error: {
          code: 401,
          message:
            'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
          errors: [
            { message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' },
          ],
          status: 'UNAUTHENTICATED',
        },
      });
  }

  private page<T>(kind: string, all: T[], params: Record<string, string>, max: number, render: (item: T) => unknown) {
    const size = Math.min(Math.max(Number(params.maxResults ?? 5) || 5, 0), max);
    const offset = offsetOf(params.pageToken);
    const items = all.slice(offset, offset + size);
    return {
      kind,
      etag: etag(),
      ...(offset + size < all.length ? { nextPageToken: token(offset + size) } : {}),
      ...(offset > 0 ? { prevPageToken: token(Math.max(0, offset - size)) } : {}),
      pageInfo: { totalResults: all.length, resultsPerPage: size },
      items: items.map(render),
    };
  }

  private answer(route: YouTubeRoute, params: Record<string, string>, body: unknown): unknown {
    switch (route) {
      case 'channels': {
        if (params.mine === 'true') {
          // the channel of the OAuth grant's user
          const mine = this.grantChannelId ? this.channels.get(this.grantChannelId) : undefined;
          return {
            kind: 'youtube#channelListResponse',
            etag: etag(),
            pageInfo: { totalResults: mine ? 1 : 0, resultsPerPage: 5 },
            ...(mine ? { items: [this.channel(mine)] } : {}),
          };
        }
        const handle = params.forHandle
          ? (params.forHandle.startsWith('@') ? params.forHandle : `@${params.forHandle}`).toLowerCase()
          : null;
        const ids = params.id?.split(',') ?? [];
        const found = [...this.channels.values()].filter((c) => (handle ? c.handle.toLowerCase() === handle : ids.includes(c.id)));
        // no match: YouTube leaves `items` out
        const out = { kind: 'youtube#channelListResponse', etag: etag(), pageInfo: { totalResults: found.length, resultsPerPage: 5 } };
        return found.length ? { ...out, items: found.map((c) => this.channel(c)) } : out;
      }
      case 'playlistItems': {
        const channel = [...this.channels.values()].find((c) => `UU${c.id.slice(2)}` === params.playlistId);
        if (!channel)
          throw new Failure(
            404,
            googleError(
              404,
              'playlistNotFound',
              "The playlist identified with the request's <code>playlistId</code> parameter cannot be found.",
              'youtube.playlistItem',
            ),
          );
        const uploads = [...this.videos.values()].filter((v) => v.channelId === channel.id).sort((a, b) => +b.publishedAt - +a.publishedAt);
        return this.page('youtube#playlistItemListResponse', uploads, params, 50, (v) => ({
          kind: 'youtube#playlistItem',
          etag: etag(),
          id: Buffer.from(`${params.playlistId}.${v.id}`).toString('base64url'),
          snippet: {
            publishedAt: v.publishedAt.toISOString(),
            channelId: v.channelId,
            title: v.title,
            description: v.description ?? '',
            playlistId: params.playlistId,
            resourceId: { kind: 'youtube#video', videoId: v.id },
            videoOwnerChannelId: v.channelId,
            videoOwnerChannelTitle: channel.title,
          },
          contentDetails: { videoId: v.id, videoPublishedAt: v.publishedAt.toISOString() },
        }));
      }
      case 'videos': {
        const ids = (params.id ?? '').split(',').filter(Boolean);
        if (ids.length > 50) throw new Failure(400, googleError(400, 'invalidParameter', 'The request specifies more than 50 ids.'));
        const found = ids.map((id) => this.videos.get(id)).filter((v): v is YouTubeVideoInput => !!v);
        return {
          kind: 'youtube#videoListResponse',
          etag: etag(),
          pageInfo: { totalResults: found.length, resultsPerPage: found.length },
          items: found.map((v) => this.video(v)),
        };
      }
      case 'commentThreads': {
        let videoIds: Set<string>;
        if (params.id) {
          const wanted = params.id.split(',');
          const threads = wanted.map((id) => this.comments.get(id)).filter((c): c is YouTubeCommentInput => !!c && !c.parentId);
          return this.page('youtube#commentThreadListResponse', threads, { ...params, maxResults: '100', pageToken: '' }, 100, (t) =>
            this.thread(t, params),
          );
        }
        if (params.allThreadsRelatedToChannelId)
          videoIds = new Set([...this.videos.values()].filter((v) => v.channelId === params.allThreadsRelatedToChannelId).map((v) => v.id));
        else if (params.videoId) {
          if (!this.videos.has(params.videoId))
            throw new Failure(
              404,
              googleError(
                404,
                'videoNotFound',
                'The video identified by the <code><a href="/youtube/v3/docs/commentThreads/list#videoId">videoId</a></code> parameter could not be found.',
                'youtube.commentThread',
              ),
            );
          videoIds = new Set([params.videoId]);
        } else
          throw new Failure(
            400,
            googleError(
              400,
              'missingRequiredParameter',
              'No filter selected. Expected one of: allThreadsRelatedToChannelId, id, videoId',
              'youtube.parameter',
            ),
          );
        const threads = [...this.comments.values()]
          .filter((c) => !c.parentId && videoIds.has(c.videoId))
          .sort((a, b) => +b.publishedAt - +a.publishedAt);
        return this.page('youtube#commentThreadListResponse', threads, params, 100, (t) => this.thread(t, params));
      }
      case 'comments': {
        if (!params.parentId && !params.id)
          throw new Failure(
            400,
            googleError(400, 'missingRequiredParameter', 'No filter selected. Expected one of: id, parentId', 'youtube.parameter'),
          );
        const found = params.parentId
          ? this.repliesOf(params.parentId)
          : (params.id ?? '')
              .split(',')
              .map((id) => this.comments.get(id))
              .filter((c): c is YouTubeCommentInput => !!c);
        return this.page('youtube#commentListResponse', found, params, 100, (c) => this.comment(c, params.textFormat));
      }
      case 'search': {
        if (params.type !== 'video')
          throw new Failure(
            400,
            googleError(400, 'invalidSearchFilter', 'This emulator answers search.list with type=video only.', 'youtube.search'),
          );
        const after = params.publishedAfter ? Date.parse(params.publishedAfter) : -Infinity;
        if (Number.isNaN(after))
          throw new Failure(
            400,
            googleError(400, 'invalidPublishedAfterTime', 'The request specifies an invalid publishedAfter time.', 'youtube.search'),
          );
        const alternatives = (params.q ?? '')
          .split('|')
          .map((a) => a.replace(/"/g, '').trim().toLowerCase())
          .filter(Boolean);
        const found = [...this.videos.values()]
          .filter(
            (v) =>
              +v.publishedAt > after &&
              (!alternatives.length ||
                alternatives.some((a) =>
                  `${v.title}\n${v.description ?? ''}\n${(v.tags ?? []).join(' ')}`.toLowerCase().includes(a.replace(/^#/, '')),
                )),
          )
          .sort((a, b) => +b.publishedAt - +a.publishedAt);
        return {
          ...this.page('youtube#searchListResponse', found, params, 50, (v) => ({
            kind: 'youtube#searchResult',
            etag: etag(),
            id: { kind: 'youtube#video', videoId: v.id },
            snippet: {
              publishedAt: v.publishedAt.toISOString(),
              channelId: v.channelId,
              title: v.title,
              description: (v.description ?? '').slice(0, 160),
              channelTitle: this.channels.get(v.channelId)?.title ?? '',
              liveBroadcastContent: 'none',
              publishTime: v.publishedAt.toISOString(),
            },
          })),
          regionCode: 'US',
        };
      }
      case 'comments.insert': {
        const snippet = (body as { snippet?: { parentId?: string; textOriginal?: string } } | undefined)?.snippet;
        if (!snippet?.parentId)
          throw new Failure(
            400,
            googleError(
              400,
              'parentIdMissing',
              'No parent ID specified. Make sure the comment is a reply to another comment and that the request body specifies a value for the <code>snippet.parentId</code> property.',
              'youtube.comment',
            ),
          );
        if (!snippet.textOriginal)
          throw new Failure(
            400,
            googleError(
              400,
              'commentTextRequired',
              'The comment resource that is being inserted must specify a value for the <code>snippet.textOriginal</code> property.',
              'youtube.comment',
            ),
          );
        if (snippet.textOriginal.length > 10_000)
          throw new Failure(
            400,
            googleError(
              400,
              'commentTextTooLong',
              'The comment resource that is being inserted contains too many characters in the <code>snippet.textOriginal</code> property.',
              'youtube.comment',
            ),
          );
        const parent = this.comments.get(snippet.parentId);
        if (!parent || parent.parentId)
          throw new Failure(
            404,
            googleError(
              404,
              'parentCommentNotFound',
              'The specified parent comment could not be found. Check the value of the <code>snippet.parentId</code> property in the request body.',
              'youtube.comment',
            ),
          );
        if (!this.grantChannelId)
          throw new Failure(
            403,
            googleError(403, 'forbidden', 'The comment could not be created due to insufficient permissions.', 'youtube.comment'),
          );
        const created: YouTubeCommentInput = {
          id: `${parent.id}.ins${randomBytes(8).toString('base64url')}`,
          videoId: parent.videoId,
          authorChannelId: this.grantChannelId,
          text: snippet.textOriginal,
          publishedAt: new Date(),
          parentId: parent.id,
        };
        this.comments.set(created.id, created);
        return this.comment(created, 'plainText');
      }
      default:
        throw new Failure(404, googleError(404, 'notFound', 'Not Found', 'global'));
    }
  }

  private thread(t: YouTubeCommentInput, params: Record<string, string>) {
    const replies = this.repliesOf(t.id);
    return {
      kind: 'youtube#commentThread',
      etag: etag(),
      id: t.id,
      snippet: {
        channelId: this.videos.get(t.videoId)?.channelId,
        videoId: t.videoId,
        topLevelComment: this.comment(t, params.textFormat),
        canReply: true,
        totalReplyCount: replies.length,
        isPublic: true,
      },
      ...(replies.length && (params.part ?? '').includes('replies')
        ? { replies: { comments: replies.slice(0, 5).map((r) => this.comment(r, params.textFormat)) } }
        : {}),
    };
  }

  private repliesOf(parentId: string): YouTubeCommentInput[] {
    // replies oldest first, as YouTube lists them
    return [...this.comments.values()].filter((c) => c.parentId === parentId).sort((a, b) => +a.publishedAt - +b.publishedAt);
  }

  private channel(c: YouTubeChannelInput) {
    return {
      kind: 'youtube#channel',
      etag: etag(),
      id: c.id,
      snippet: { title: c.title, description: '', customUrl: c.handle.toLowerCase(), publishedAt: '2015-03-01T12:00:00Z' },
      contentDetails: { relatedPlaylists: { likes: '', uploads: `UU${c.id.slice(2)}` } },
      statistics: {
        viewCount: String([...this.videos.values()].filter((v) => v.channelId === c.id).reduce((n, v) => n + v.views, 0)),
        subscriberCount: String(c.subscribers),
        hiddenSubscriberCount: false,
        videoCount: String([...this.videos.values()].filter((v) => v.channelId === c.id).length),
      },
    };
  }

  private video(v: YouTubeVideoInput) {
    const comments = [...this.comments.values()].filter((c) => c.videoId === v.id).length;
    return {
      kind: 'youtube#video',
      etag: etag(),
      id: v.id,
      snippet: {
        publishedAt: v.publishedAt.toISOString(),
        channelId: v.channelId,
        title: v.title,
        description: v.description ?? '',
        channelTitle: this.channels.get(v.channelId)?.title ?? '',
        tags: v.tags,
        categoryId: '22',
        liveBroadcastContent: 'none',
        defaultAudioLanguage: 'en',
      },
      statistics: { viewCount: String(v.views), likeCount: String(v.likes), favoriteCount: '0', commentCount: String(comments) },
    };
  }

  private comment(c: YouTubeCommentInput, textFormat = 'html') {
    const author = this.channels.get(c.authorChannelId);
    const handle = author?.handle ?? `@user-${c.authorChannelId.slice(2, 10).toLowerCase()}`;
    const html = c.text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/'/g, '&#39;')
      .replace(/"/g, '&quot;')
      .replace(/\n/g, '<br>');
    return {
      kind: 'youtube#comment',
      etag: etag(),
      id: c.id,
      snippet: {
        channelId: this.videos.get(c.videoId)?.channelId,
        videoId: c.videoId,
        textDisplay: textFormat === 'plainText' ? c.text : html,
        textOriginal: c.text,
        ...(c.parentId ? { parentId: c.parentId } : {}),
        authorDisplayName: handle,
        authorProfileImageUrl: 'https://yt3.ggpht.com/ytc/default=s48-c-k-c0x00ffffff-no-rj',
        authorChannelUrl: `http://www.youtube.com/${handle}`,
        authorChannelId: { value: c.authorChannelId },
        canRate: true,
        viewerRating: 'none',
        likeCount: c.likes ?? 0,
        publishedAt: c.publishedAt.toISOString(),
        updatedAt: c.publishedAt.toISOString(),
      },
    };
  }
}
