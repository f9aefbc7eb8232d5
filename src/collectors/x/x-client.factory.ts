import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { TwitterApiReadOnly, type ITwitterApiBeforeRequestConfigHookArgs, type ITwitterApiClientPlugin } from 'twitter-api-v2';

/** Where twitter-api-v2 sends every v2 call; hard-coded in the library (API_V2_PREFIX). */
export const X_API_V2_PREFIX = 'https://api.x.com/2/';

export interface XClientOptions {
  /** app-only bearer token */
  bearerToken: string;
  /** X API v2 base URL, ending in /2/; default https://api.x.com/2/ */
  baseUrl?: string;
  /** PEM certificate(s) to trust besides the public roots (an endpoint with a private or self-signed certificate) */
  ca?: string | Buffer | Array<string | Buffer>;
}

/**
 * A read-only X API v2 client, optionally aimed at another base URL (a local or test server).
 *
 * twitter-api-v2 has no base-URL setting, and `cloneWithPrefix()` calls the class constructor without
 * `new`, which throws. Its public plugin hook `onBeforeRequestConfig` runs before the request URL is built,
 * so rewriting the prefix there redirects every v2 call, including the ones paginators make for the next
 * pages, with no subclassing or access to protected members.
 */
export function createXClient(options: XClientOptions): TwitterApiReadOnly {
  const baseUrl = normaliseBaseUrl(options.baseUrl ?? X_API_V2_PREFIX);
  const plugins: ITwitterApiClientPlugin[] = baseUrl === X_API_V2_PREFIX ? [] : [new XApiBaseUrlPlugin(baseUrl)];
  const extraCa = options.ca === undefined ? [] : Array.isArray(options.ca) ? options.ca : [options.ca];
  const httpAgent = extraCa.length > 0 ? new Agent({ keepAlive: true, ca: [...rootCertificates, ...extraCa] }) : undefined;
  return new TwitterApiReadOnly(options.bearerToken, {
    ...(plugins.length > 0 ? { plugins } : {}),
    ...(httpAgent ? { httpAgent } : {}),
  });
}

/** Rewrites https://api.x.com/2/… to `<baseUrl>…` on every request and stream the client makes. */
export class XApiBaseUrlPlugin implements ITwitterApiClientPlugin {
  constructor(private readonly baseUrl: string) {}

  onBeforeRequestConfig(args: ITwitterApiBeforeRequestConfigHookArgs): void {
    args.params.url = this.rewrite(args.params.url);
  }

  onBeforeStreamRequestConfig(args: ITwitterApiBeforeRequestConfigHookArgs): void {
    args.params.url = this.rewrite(args.params.url);
  }

  private rewrite(url: string): string {
    return url.startsWith(X_API_V2_PREFIX) ? this.baseUrl + url.slice(X_API_V2_PREFIX.length) : url;
  }
}

function normaliseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`X_API_BASE_URL is not a URL: ${raw}`);
  }
  if (url.protocol !== 'https:') throw new Error(`X_API_BASE_URL must use https (twitter-api-v2 speaks only TLS): ${raw}`);
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}
