import { PLATFORM_NAMES, type Platform } from '../common/platform';

/**
 * A social network's API could not be read: down after the retry policy's retries, refusing the
 * connection, or answering something that is not its API's answer (an HTML page, JSON cut short, a
 * 200 whose body is an error). The message names the network and says what it answered; the API
 * answers 502 with it. The collect job still retries the run (it resumes from the last stored page).
 */
export class NetworkApiError extends Error {
  constructor(
    readonly platform: Platform,
    detail: string,
    /** whether the retry policy should try again (a cut connection) or not (an answer that retrying will not change) */
    readonly transient = false,
  ) {
    super(`${PLATFORM_NAMES[platform]} API: ${detail}`);
    this.name = 'NetworkApiError';
  }
}

/** A few words of a body that is not the API's JSON, for the message (an HTML page's title when it has one). */
export function glimpseOf(body: unknown): string {
  if (typeof body !== 'string') return JSON.stringify(body)?.slice(0, 200) ?? String(body);
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1]?.trim();
  return title ? `an HTML page “${title.slice(0, 120)}”` : `“${body.replace(/\s+/g, ' ').trim().slice(0, 120)}”`;
}
