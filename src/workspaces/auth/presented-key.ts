import type { Request } from 'express';

/**
 * The API key a request presents: `Authorization: Bearer <key>`, or `?access_token=` on a GET when
 * the route allows it (CSV links). Undefined when there is none.
 */
export function presentedApiKey(req: Pick<Request, 'headers' | 'method' | 'query'>, allowQueryToken: boolean): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (match) return match[1];
  const token = req.query?.access_token;
  return allowQueryToken && req.method === 'GET' && typeof token === 'string' && token ? token : undefined;
}
