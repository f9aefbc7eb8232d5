import { createHmac } from 'node:crypto';
import { ReplyNotSentError, ReplyRefusedError } from '../collector';

/** Graph API's error body: `{ error: { message, type, code, error_subcode, fbtrace_id } }`. */
interface GraphErrorBody {
  error?: {
    message?: string;
    type?: string;
    code?: number;
    error_subcode?: number;
    fbtrace_id?: string;
    error_data?: { details?: string };
  };
}

export interface GraphCredentials {
  graphUrl: string;
  accessToken: string;
  appSecret: string | null;
}

/** What an agent can act on, by Graph error code; the rest is the network's fault (502). */
function refusalStatus(code: number | undefined, subcode: number | undefined, httpStatus: number): ReplyRefusedError['status'] | null {
  if (code === 4 || code === 17 || code === 32 || code === 613 || code === 80007 || code === 130429) return 429;
  if (code === 131047 || (code === 10 && subcode === 2018278)) return 422; // outside the 24-hour customer service window
  if (code === 100 && subcode === 33) return 404; // the comment or message no longer exists, or cannot be seen
  if (code === 190 || code === 10 || (code !== undefined && code >= 200 && code < 300)) return 403; // token or permission
  if (httpStatus >= 400 && httpStatus < 500) return 422;
  return null;
}

/**
 * Publishes with a Graph API POST (a comment reply, a WhatsApp message), signed with
 * `appsecret_proof` when the app secret is set. The network's refusals become a ReplyRefusedError
 * carrying its message; a timeout or a 5xx a ReplyNotSentError that does not know whether it went out.
 */
export async function postToGraph<T>(creds: GraphCredentials, path: string, body: Record<string, unknown>, network: string): Promise<T> {
  const url = new URL(path.replace(/^\//, ''), creds.graphUrl.endsWith('/') ? creds.graphUrl : `${creds.graphUrl}/`);
  if (creds.appSecret)
    url.searchParams.set('appsecret_proof', createHmac('sha256', creds.appSecret).update(creds.accessToken).digest('hex'));
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${creds.accessToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    throw new ReplyNotSentError(`${network} did not confirm the reply: ${(err as Error).message}`, false);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (res.ok) return json as T;
  const e = (json as GraphErrorBody | null)?.error;
  const message = [e?.message ?? `HTTP ${res.status}`, e?.error_data?.details].filter(Boolean).join(': ');
  const status = refusalStatus(e?.code, e?.error_subcode, res.status);
  if (status)
    throw new ReplyRefusedError(
      `${network} refused the reply: ${message}${e?.code !== undefined ? ` (code ${e.code}${e.error_subcode ? `/${e.error_subcode}` : ''})` : ''}`,
      status,
    );
  throw new ReplyNotSentError(`${network} did not confirm the reply: ${message}`, false);
}
