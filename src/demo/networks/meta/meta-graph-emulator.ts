import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, IncomingHttpHeaders, ServerResponse } from 'node:http';
import { alterCopy, EmulatorHttpServer, FaultQueue, readBody, type TlsKeyPair } from '../shared/emulator-http-server';
import { MetaGraphStore } from './meta-graph-store';
import { parseFields, type FieldSpec } from './graph-fields';
import { GraphApiFailure, graphError, type GraphErrorBody } from './graph-errors';
import { registerReadRoutes } from './meta-graph-routes';

export { MetaGraphStore } from './meta-graph-store';
export type { FieldSpec } from './graph-fields';
export { GraphApiFailure, graphError, type GraphErrorBody } from './graph-errors';

/**
 * A local server that answers like Meta's Graph API (v24.0) for what Ouvidor reads: Pages, their
 * published posts, visitor posts, posts that tag them and comments; Instagram professional
 * accounts, their media, comments and replies, and media that tag them. Routes are answered under
 * any version prefix (`/v24.0/...`); `graphUrl` is what `META_GRAPH_URL` points at.
 *
 * Other channels (WhatsApp, webhooks) add their own routes with `route()`, and their own data by
 * extending `MetaGraphStore` (pass the instance in the options):
 *
 * ```ts
 * const emulator = new MetaGraphEmulator({ store: new MyStore() });
 * emulator.route('POST', /^\/(\d+)\/messages$/, 'wa-messages', async (call) => {
 *   if (!call.params.to) throw new GraphApiFailure(400, graphError(100, '(#100) The parameter to is required'));
 *   return { messages: [{ id: 'wamid.X' }] };
 * });
 * ```
 *
 * Every route checks the access token (`access_token` parameter or `Authorization: Bearer`) and,
 * when the emulator has an app secret, `appsecret_proof` (as an app with "Require App Secret" on),
 * unless added with `{ auth: false }`. Faults queued with `failNext(routeName, fault)` apply to any route.
 */

/** The access token the emulator accepts unless the options give another. */
export const META_EMULATOR_TOKEN = 'test-meta-token-EAAB1234';
/** The app secret the emulator checks `appsecret_proof` with unless the options give another. */
export const META_EMULATOR_APP_SECRET = 'test-meta-app-secret-5678';
export const META_GRAPH_VERSION = 'v24.0';

const RATE_LIMIT_MESSAGES: Record<4 | 17 | 32 | 613, string> = {
  4: '(#4) Application request limit reached',
  17: '(#17) User request limit reached',
  32: '(#32) Page request limit reached',
  613: '(#613) Calls to this api have exceeded the rate limit.',
};

export type MetaFault =
  /** a rate-limit error (HTTP 400 with the code), with X-App-Usage (code 4) or X-Business-Use-Case-Usage (32, 613, 17) at 100 % */
  | { rateLimit: 4 | 17 | 32 | 613; regainAccessMinutes?: number }
  /** answers normally, with `X-App-Usage` at 100 % (`app`) or `X-Business-Use-Case-Usage` at 100 % (`business`) */
  | { usage: 'app' | 'business'; regainAccessMinutes?: number }
  /** 190: the token expired (subcode 463) or was invalidated (subcode 460, a changed password; 0 for a revoked one) */
  | { token: 'expired' | 'revoked' }
  /** a transient server error: 500 with code 2 (`is_transient`), or a 503 HTML page from the edge */
  | { status: 500 | 503 }
  /** any Graph error */
  | { status: number; error: Omit<GraphErrorBody, 'fbtrace_id'> }
  /** answers normally, its JSON body passed through `alter` first (an item served malformed) */
  | { alter: (body: any) => unknown }
  /** answers normally, but late */
  | { delayMs: number };

export interface GraphCall {
  /** the route's name (`page`, `page-published-posts`... or one added with `route()`) */
  name: string;
  method: string;
  /** the path without the version prefix, as requested */
  path: string;
  /** the route pattern's match on `path` (captures are the ids) */
  match: RegExpExecArray;
  /** query parameters and, for a POST, its body's (form-encoded or JSON), the body's winning */
  params: Record<string, string>;
  /** the `fields` parameter, parsed */
  fields: FieldSpec[];
  rawBody: string;
  headers: IncomingHttpHeaders;
  /** the access token the request carried, if any */
  token?: string;
  /** the URL the server answers on (for `paging.next`) with the version, e.g. http://127.0.0.1:1234/v24.0/ */
  graphUrl: string;
}

export type GraphHandler = (call: GraphCall) => unknown;

interface Route {
  method: string;
  pattern: RegExp;
  name: string;
  handler: GraphHandler;
  auth: boolean;
  when?: (match: RegExpExecArray) => boolean;
}

export interface MetaGraphRequest {
  name: string;
  method: string;
  path: string;
  params: Record<string, string>;
  authorized: boolean;
}

export interface MetaGraphEmulatorOptions {
  tls?: TlsKeyPair;
  /** the token every route requires; default META_EMULATOR_TOKEN */
  accessToken?: string;
  /** the app secret `appsecret_proof` is checked with; default META_EMULATOR_APP_SECRET; null: not required */
  appSecret?: string | null;
  /** the data (extend MetaGraphStore for more objects); default a new, empty one */
  store?: MetaGraphStore;
  /** keep the request log; default true */
  recordRequests?: boolean;
}

/** The HMAC-SHA256 of the token keyed by the app secret, hex: what `appsecret_proof` must be. */
export const appSecretProof = (token: string, appSecret: string): string => createHmac('sha256', appSecret).update(token).digest('hex');

export class MetaGraphEmulator {
  readonly store: MetaGraphStore;
  readonly requests: MetaGraphRequest[] = [];
  private readonly http: EmulatorHttpServer;
  private readonly routes: Route[] = [];
  private readonly faults = new FaultQueue<MetaFault>();
  private readonly accessToken: string;
  private readonly appSecret: string | null;
  private readonly recordRequests: boolean;

  constructor(options: MetaGraphEmulatorOptions = {}) {
    this.http = new EmulatorHttpServer((req, res) => this.handle(req, res), {
      tls: options.tls,
      internalErrorBody: { error: graphError(1, 'An unknown error occurred') },
    });
    this.store = options.store ?? new MetaGraphStore();
    this.accessToken = options.accessToken ?? META_EMULATOR_TOKEN;
    this.appSecret = options.appSecret === undefined ? META_EMULATOR_APP_SECRET : options.appSecret;
    this.recordRequests = options.recordRequests ?? true;
    registerReadRoutes(this);
  }

  async start(): Promise<{ baseUrl: string; graphUrl: string }> {
    const { baseUrl } = await this.http.start();
    return { baseUrl, graphUrl: `${baseUrl}/${META_GRAPH_VERSION}/` };
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  get graphUrl(): string | undefined {
    return this.http.baseUrl ? `${this.http.baseUrl}/${META_GRAPH_VERSION}/` : undefined;
  }

  /**
   * Adds a route: `pattern` is matched on the path without the version prefix (`/123/messages`).
   * Routes added later are tried first, so a channel can override one. The handler answers the JSON
   * body (status 200) or throws a GraphApiFailure. `when` narrows the route to the matches it accepts
   * (e.g. ids the store knows as Pages); `auth: false` skips the token check (a webhook-style route).
   */
  route(
    method: string,
    pattern: RegExp,
    name: string,
    handler: GraphHandler,
    options: { auth?: boolean; when?: (match: RegExpExecArray) => boolean } = {},
  ): this {
    this.routes.unshift({ method: method.toUpperCase(), pattern, name, handler, auth: options.auth ?? true, when: options.when });
    return this;
  }

  /** The next `times` requests of the route named `name` (or `*`: of any route) answer with `fault`. */
  failNext(name: string, fault: MetaFault, times = 1): void {
    this.faults.add(name, fault, times);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Waits `ms`, or until the server stops. */
  delay(ms: number): Promise<void> {
    return this.http.delay(ms);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://graph.local');
    const path = url.pathname.replace(/^\/v\d+\.\d+(?=\/)/, '');
    const method = (req.method ?? 'GET').toUpperCase();
    const rawBody = method === 'GET' ? '' : await readBody(req);
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    Object.assign(params, bodyParams(rawBody, req.headers['content-type']));
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = params.access_token ?? bearer;
    let route: Route | undefined;
    let match: RegExpExecArray | null = null;
    for (const candidate of this.routes) {
      match = null;
      if (candidate.method !== method) continue;
      match = candidate.pattern.exec(path);
      if (match && (!candidate.when || candidate.when(match))) {
        route = candidate;
        break;
      }
    }
    const name = route?.name ?? 'not-found';
    const authorized = token === this.accessToken;
    if (this.recordRequests) this.requests.push({ name, method, path, params, authorized });
    if (!route || !match) {
      // Graph answers an unknown path or id like this
      return this.fail(
        res,
        new GraphApiFailure(
          400,
          graphError(
            100,
            `Unsupported ${method.toLowerCase()} request. Object with ID '${path.split('/')[1] ?? ''}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
            { error_subcode: 33 },
          ),
        ),
      );
    }
    try {
      if (route.auth) this.authenticate(token, params.appsecret_proof);
      const fault = this.faults.take(name) ?? this.faults.take('*');
      const extraHeaders: Record<string, string> = {};
      if (fault) {
        if ('delayMs' in fault) await this.http.delay(fault.delayMs);
        else if ('rateLimit' in fault) throw rateLimitFailure(fault.rateLimit, fault.regainAccessMinutes ?? 1);
        else if ('usage' in fault) Object.assign(extraHeaders, usageHeaders(fault.usage, 100, fault.regainAccessMinutes ?? 1));
        else if ('token' in fault) throw tokenFailure(fault.token);
        else if ('error' in fault) throw new GraphApiFailure(fault.status, graphError(fault.error.code, fault.error.message, fault.error));
        else if ('status' in fault) {
          if (fault.status === 503) {
            if (!res.destroyed) {
              res.writeHead(503, { 'content-type': 'text/html; charset=utf-8' });
              res.end('<html><head><title>Service Unavailable</title></head><body>Sorry, something went wrong.</body></html>');
            }
            return;
          }
          throw new GraphApiFailure(
            500,
            graphError(2, 'An unexpected error has occurred. Please retry your request later.', { is_transient: true }),
          );
        }
      }
      const call: GraphCall = {
        name,
        method,
        path,
        match,
        params,
        fields: parseFields(params.fields ?? ''),
        rawBody,
        headers: req.headers,
        token,
        graphUrl: this.graphUrlFor(req),
      };
      let body = await route.handler(call);
      if (fault && 'alter' in fault) body = alterCopy(fault.alter, body);
      if (res.destroyed) return;
      res.writeHead(200, {
        'content-type': 'application/json; charset=UTF-8',
        'x-fb-trace-id': randomBytes(8).toString('base64url'),
        ...extraHeaders,
      });
      res.end(JSON.stringify(body));
    } catch (err) {
      if (err instanceof GraphApiFailure) return this.fail(res, err);
      throw err;
    }
  }

  private graphUrlFor(req: IncomingMessage): string {
    return this.graphUrl ?? `http://${req.headers.host ?? '127.0.0.1'}/${META_GRAPH_VERSION}/`;
  }

  private authenticate(token: string | undefined, proof: string | undefined): void {
    if (!token)
      throw new GraphApiFailure(400, graphError(2500, 'An active access token must be used to query information about the current user.'));
    if (token !== this.accessToken)
      throw new GraphApiFailure(400, graphError(190, 'Invalid OAuth access token - Cannot parse access token'));
    if (this.appSecret !== null) {
      if (!proof) throw new GraphApiFailure(400, graphError(100, 'API calls from the server require an appsecret_proof argument'));
      if (proof !== appSecretProof(token, this.appSecret))
        throw new GraphApiFailure(400, graphError(100, 'Invalid appsecret_proof provided in the API argument'));
    }
  }

  private fail(res: ServerResponse, failure: GraphApiFailure): void {
    if (res.destroyed) return;
    res.writeHead(failure.status, {
      'content-type': 'application/json; charset=UTF-8',
      'www-authenticate': failure.error.code === 190 ? 'OAuth "Facebook Platform" "invalid_token"' : '',
      ...failure.headers,
    });
    res.end(JSON.stringify({ error: failure.error }));
  }
}

function bodyParams(raw: string, contentType: string | undefined): Record<string, string> {
  if (!raw) return {};
  if ((contentType ?? '').includes('application/json')) {
    try {
      const parsed = JSON.parse(raw) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(parsed ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    } catch {
      throw new GraphApiFailure(400, graphError(100, 'Invalid JSON for postcard'));
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

function usageHeaders(kind: 'app' | 'business', percent: number, regainMinutes: number): Record<string, string> {
  if (kind === 'app')
    return {
      'x-app-usage': JSON.stringify({ call_count: percent, total_cputime: Math.min(percent, 40), total_time: Math.min(percent, 50) }),
    };
  return {
    'x-business-use-case-usage': JSON.stringify({
      '1000000000000001': [
        {
          type: 'pages',
          call_count: percent,
          total_cputime: Math.min(percent, 40),
          total_time: Math.min(percent, 50),
          estimated_time_to_regain_access: percent >= 100 ? regainMinutes : 0,
        },
      ],
    }),
  };
}

function rateLimitFailure(code: 4 | 17 | 32 | 613, regainMinutes: number): GraphApiFailure {
  const headers = usageHeaders(code === 4 ? 'app' : 'business', 100, regainMinutes);
  return new GraphApiFailure(400, graphError(code, RATE_LIMIT_MESSAGES[code], { is_transient: true }), headers);
}

function tokenFailure(kind: 'expired' | 'revoked'): GraphApiFailure {
  if (kind === 'expired')
    return new GraphApiFailure(
      400,
      graphError(
        190,
        'Error validating access token: Session has expired on Sunday, 06-Dec-26 10:00:00 PST. The current time is Sunday, 06-Dec-26 12:00:00 PST.',
        { error_subcode: 463 },
      ),
    );
  return new GraphApiFailure(
    400,
    graphError(190, 'Error validating access token: The user has not authorized application 1000000000000001.', { error_subcode: 458 }),
  );
}
