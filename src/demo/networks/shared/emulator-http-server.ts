import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * HTTP plumbing shared by the local API emulators (Bluesky XRPC, Mastodon REST): the server's
 * lifecycle, delays that end when it stops, queued faults, fixed-window rate limiting and JSON
 * answers. What the APIs answer (routes, error bodies, rate-limit headers) stays in each emulator.
 */

/** A key pair whose certificate names "localhost". */
export interface TlsKeyPair {
  key: string;
  cert: string;
}

export interface RateLimitOptions {
  limit: number;
  windowSeconds: number;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface EmulatorHttpServerOptions {
  /** serve HTTPS with this key pair; default: plain HTTP on 127.0.0.1 */
  tls?: TlsKeyPair;
  /** the JSON body answered (with status 500) when the handler throws */
  internalErrorBody: unknown;
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * A server on 127.0.0.1 at a free port, over HTTPS when given a key pair. Requests go to the
 * handler; one that throws is answered 500 unless an answer has begun. Answers held back with
 * `delay` are released when the server stops, so that stopping never waits for them.
 */
export class EmulatorHttpServer {
  private server?: HttpServer | HttpsServer;
  private url?: string;
  private readonly sleepers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();

  constructor(
    private readonly handler: RequestHandler,
    private readonly options: EmulatorHttpServerOptions,
  ) {}

  /** The base URL while the server is started. */
  get baseUrl(): string | undefined {
    return this.url;
  }

  async start(): Promise<{ baseUrl: string }> {
    if (this.url) return { baseUrl: this.url };
    const listener = (req: IncomingMessage, res: ServerResponse) => {
      this.handler(req, res).catch(() => {
        if (!res.headersSent && !res.destroyed) sendJson(res, 500, this.options.internalErrorBody);
      });
    };
    const tls = this.options.tls;
    const server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, listener) : createHttpServer(listener);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const port = (server.address() as AddressInfo).port;
    // A TLS certificate names "localhost".
    this.url = tls ? `https://localhost:${port}` : `http://127.0.0.1:${port}`;
    return { baseUrl: this.url };
  }

  async stop(): Promise<void> {
    for (const sleeper of this.sleepers) {
      clearTimeout(sleeper.timer);
      sleeper.wake();
    }
    this.sleepers.clear();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.url = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Waits `ms`, or until the server stops (a late answer's connection may be gone: check `res.destroyed`). */
  delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = {
        timer: setTimeout(() => {
          this.sleepers.delete(sleeper);
          resolve();
        }, ms),
        wake: resolve,
      };
      this.sleepers.add(sleeper);
    });
  }
}

/** Faults queued for the next requests of a target (an XRPC method, a route), first queued first. */
export class FaultQueue<Fault> {
  private readonly pending: { target: string; fault: Fault; remaining: number }[] = [];

  /** The next `times` requests of `target` answer with `fault`. */
  add(target: string, fault: Fault, times: number): void {
    this.pending.push({ target, fault, remaining: times });
  }

  /** The fault this request of `target` answers with, if one is queued; it counts as used. */
  take(target: string): Fault | undefined {
    const index = this.pending.findIndex((pending) => pending.target === target);
    if (index < 0) return undefined;
    const pending = this.pending[index];
    pending.remaining -= 1;
    if (pending.remaining <= 0) this.pending.splice(index, 1);
    return pending.fault;
  }

  clear(): void {
    this.pending.length = 0;
  }
}

/**
 * Where a window starts: at the first request after the previous window ended, or at a multiple of
 * the period since the epoch (as Rack::Attack aligns its windows).
 */
export type WindowAlignment = 'first-request' | 'epoch';

export interface RateWindowState {
  remaining: number;
  /** when the window ends (epoch ms) */
  resetAtMs: number;
  /** whether this request went over the limit */
  exceeded: boolean;
}

/** Fixed-window request counting, one window per key (a token, a client address, or one for the whole service). */
export class FixedWindowRateLimiter {
  readonly limit: number;
  readonly windowSeconds: number;
  private readonly windows = new Map<string, { startMs: number; used: number }>();

  constructor(
    options: RateLimitOptions,
    private readonly alignment: WindowAlignment,
  ) {
    this.limit = options.limit;
    this.windowSeconds = options.windowSeconds;
  }

  /** Counts a request in the key's current window (a new one once the last has ended). */
  consume(key: string, nowMs = Date.now()): RateWindowState {
    const windowMs = this.windowSeconds * 1000;
    let window = this.windows.get(key);
    if (!window || nowMs - window.startMs >= windowMs) {
      window = { startMs: this.alignment === 'epoch' ? nowMs - (nowMs % windowMs) : nowMs, used: 0 };
      this.windows.set(key, window);
    }
    window.used += 1;
    return {
      remaining: Math.max(0, this.limit - window.used),
      resetAtMs: window.startMs + windowMs,
      exceeded: window.used > this.limit,
    };
  }
}

/** Answers `body` as JSON, unless the connection is gone. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': JSON_CONTENT_TYPE });
  res.end(JSON.stringify(body));
}

/** The request body as UTF-8 text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * An `alter` fault's answer: the body as JSON would carry it, copied so that changing it never
 * changes the emulator's own data, then changed in place or replaced by what `alter` returns.
 */
export function alterCopy(alter: (body: any) => unknown, body: unknown): unknown {
  const copy: unknown = JSON.parse(JSON.stringify(body));
  return alter(copy) ?? copy;
}
