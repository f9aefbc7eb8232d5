import { randomBytes } from 'node:crypto';

/** A Graph API error body's `error`. */
export interface GraphErrorBody {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_user_title?: string;
  error_user_msg?: string;
  fbtrace_id?: string;
}

/** A Graph error answer; thrown by a route handler, it is answered with its status and `{ error }`. */
export class GraphApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: GraphErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(error.message);
  }
}

/** A Graph error body (type OAuthException for codes Meta reports so, else GraphMethodException). */
export function graphError(code: number, message: string, extra: Partial<GraphErrorBody> = {}): GraphErrorBody {
  const oauth = [1, 2, 4, 10, 17, 32, 102, 190, 200, 613].includes(code) || (code >= 200 && code < 300);
  return {
    message,
    type: oauth ? 'OAuthException' : 'GraphMethodException',
    code,
    ...extra,
    fbtrace_id: randomBytes(8).toString('base64url'),
  };
}
