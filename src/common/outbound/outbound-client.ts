import { OnApplicationShutdown } from '@nestjs/common';
import { LookupAddress, promises as dns } from 'node:dns';
import type { LookupOptions } from 'node:dns';
import { Agent, request } from 'undici';
import { classifyAddress, isIpLiteral, OutboundPolicy } from './address-policy';

export const OUTBOUND_TIMEOUT_MS = 5_000;
/** The most of a response body read; the rest is discarded (a receiver's answer is only logged). */
export const OUTBOUND_MAX_RESPONSE_BYTES = 64 * 1024;

/** How a request failed, in the words a tenant sees: nothing that tells a closed port from an open one. */
export type OutboundFailure = 'refused' | 'status' | 'timeout' | 'connect';

export const REFUSED_MESSAGE = 'refused: the address is not allowed';

/**
 * A failed outbound request. `publicMessage` is what a tenant may see ("refused: …", "failed: …");
 * `message` holds the detail (addresses, error codes) and goes to the log only.
 */
export class OutboundError extends Error {
  constructor(
    readonly failure: OutboundFailure,
    readonly publicMessage: string,
    detail: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(detail, options);
    this.name = 'OutboundError';
  }
}

/** Raised inside the socket's lookup, so the connection is never opened. */
class AddressRefusedError extends Error {
  readonly code = 'ERR_OUTBOUND_ADDRESS_REFUSED';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly kind: string,
  ) {
    super(`${host} resolves to ${address} (${kind}), which outbound requests may not reach`);
  }
}

export interface OutboundResponse {
  status: number;
  /** At most OUTBOUND_MAX_RESPONSE_BYTES of the body. */
  body: Buffer;
  truncated: boolean;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * The one HTTP client for requests to destinations a tenant chose (alert webhooks). It resolves the
 * host itself, refuses addresses the installation's policy does not allow (address-policy.ts),
 * and connects to the very address it checked: the check runs in the socket's `lookup`, so there
 * is no second DNS answer to rebind. Redirects are not followed (a 3xx is a failure), the whole
 * exchange has a deadline, and at most 64 KiB of the answer is read.
 */
export class OutboundClient implements OnApplicationShutdown {
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly resolver: dns.Resolver | null;

  constructor(
    readonly policy: OutboundPolicy,
    options: { dnsServers?: string[]; timeoutMs?: number } = {},
  ) {
    const timeoutMs = (this.timeoutMs = options.timeoutMs ?? OUTBOUND_TIMEOUT_MS);
    if (options.dnsServers?.length) {
      this.resolver = new dns.Resolver({ timeout: Math.min(timeoutMs, 2_000), tries: 2 });
      this.resolver.setServers(options.dnsServers);
    } else {
      this.resolver = null;
    }
    this.agent = new Agent({
      connect: { lookup: this.lookup, timeout: timeoutMs },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      // No pooled socket outlives a policy decision for long.
      keepAliveTimeout: 1_000,
    });
  }

  /**
   * POSTs `body`; resolves for a 2xx answer, throws OutboundError for anything else (refused
   * address, 3xx/4xx/5xx, timeout, connection failure).
   */
  async post(url: string, body: string | Buffer, headers: Record<string, string>): Promise<OutboundResponse> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new OutboundError('refused', REFUSED_MESSAGE, 'not a URL');
    }
    if ((target.protocol !== 'http:' && target.protocol !== 'https:') || target.username || target.password) {
      throw new OutboundError('refused', REFUSED_MESSAGE, `${target.protocol} URL with${target.username ? '' : 'out'} userinfo refused`);
    }
    // A literal address is connected to without a lookup, so it is checked here.
    if (isIpLiteral(target.hostname)) {
      const verdict = this.policy.check(target.hostname);
      if (!verdict.allowed) throw new OutboundError('refused', REFUSED_MESSAGE, `${target.hostname} (${verdict.kind}) refused`);
    }
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const res = await request(target, { method: 'POST', headers, body, dispatcher: this.agent, signal });
      const { body: read, truncated } = await readCapped(res.body, OUTBOUND_MAX_RESPONSE_BYTES);
      if (res.statusCode < 200 || res.statusCode >= 300) {
        const where =
          res.statusCode >= 300 && res.statusCode < 400 ? ` (redirect to ${String(res.headers.location ?? '?')} not followed)` : '';
        throw new OutboundError(
          'status',
          `failed: HTTP ${res.statusCode}`,
          `${target.host} answered ${res.statusCode}${where}`,
          res.statusCode,
        );
      }
      return { status: res.statusCode, body: read, truncated };
    } catch (err) {
      throw toOutboundError(err, target.host);
    }
  }

  onApplicationShutdown() {
    return this.agent.close();
  }

  /** net.connect's `lookup`: resolves, refuses if any answer is not allowed, hands over the checked addresses. */
  private readonly lookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    this.resolve(hostname, options.family === 4 || options.family === 6 ? options.family : 0).then(
      (addresses) => {
        const refused = addresses.find((a) => !this.policy.check(a.address).allowed);
        if (refused) return callback(new AddressRefusedError(hostname, refused.address, classifyAddress(refused.address)), '');
        if (!addresses.length) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
        if (options.all) return callback(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    );
  };

  private async resolve(hostname: string, family: 0 | 4 | 6): Promise<LookupAddress[]> {
    if (!this.resolver) return dns.lookup(hostname, { all: true, family, verbatim: true });
    const [v4, v6] = await Promise.all([
      family === 6 ? [] : this.resolver.resolve4(hostname).catch(noData),
      family === 4 ? [] : this.resolver.resolve6(hostname).catch(noData),
    ]);
    const found = [...v4.map((address) => ({ address, family: 4 })), ...v6.map((address) => ({ address, family: 6 }))];
    if (!found.length) throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
    return found;
  }
}

const noData = (err: NodeJS.ErrnoException): string[] => {
  if (err.code === 'ENODATA' || err.code === 'ENOTFOUND') return [];
  throw err;
};

async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  max: number,
): Promise<{ body: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > max) {
      body.destroy();
      return { body: Buffer.concat(chunks).subarray(0, max), truncated: true };
    }
  }
  return { body: Buffer.concat(chunks), truncated: false };
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_ABORTED']);

/** Every failure in one of four tenant-facing words; the detail stays in `message` for the log. */
function toOutboundError(err: unknown, host: string): OutboundError {
  if (err instanceof OutboundError) return err;
  const chain: (Error & { code?: string })[] = [];
  for (let e = err as (Error & { code?: string; cause?: unknown }) | undefined; e && chain.length < 5; e = e.cause as typeof e)
    chain.push(e);
  const detail = chain.map((e) => `${e.code ?? e.name}: ${e.message}`).join(' <- ');
  if (chain.some((e) => e instanceof AddressRefusedError || e.code === 'ERR_OUTBOUND_ADDRESS_REFUSED')) {
    return new OutboundError('refused', REFUSED_MESSAGE, detail, undefined, { cause: err });
  }
  // A connection that could not be opened in time is "could not connect", like a refused one: a
  // tenant must not learn which ports of a host are filtered and which closed.
  if (chain.some((e) => e.code === 'UND_ERR_CONNECT_TIMEOUT'))
    return new OutboundError('connect', 'failed: could not connect', `${host}: ${detail}`, undefined, { cause: err });
  if (chain.some((e) => e.name === 'TimeoutError' || e.name === 'AbortError' || TIMEOUT_CODES.has(e.code ?? ''))) {
    return new OutboundError('timeout', 'failed: timeout', `${host}: ${detail}`, undefined, { cause: err });
  }
  return new OutboundError('connect', 'failed: could not connect', `${host}: ${detail}`, undefined, { cause: err });
}
