/**
 * Query parameters that may carry a credential: `access_token` is how the API takes a key on
 * plain links (`AllowQueryToken`); `sig` is a signed link's signature, which opens its export
 * until it expires (`SignedLink`); the others are what clients commonly send by mistake. Their
 * values never reach a log line or a response.
 */
export const SECRET_QUERY_PARAMS = ['access_token', 'sig', 'key', 'api_key', 'apikey', 'token'] as const;

const SECRET_PARAM = new RegExp(`([?&](?:${SECRET_QUERY_PARAMS.join('|')})=)[^&#\\s"']*`, 'gi');

/** The URL (or any text holding one) with each secret query parameter's value replaced by `***`. */
export function redactUrlSecrets(text: string): string {
  return text.replace(SECRET_PARAM, '$1***');
}

/**
 * An error message safe to send back: the request's query string is cut wherever the request URL
 * appears (Nest's 404 says `Cannot GET <url>`), and any secret parameter left is masked.
 */
export function messageWithoutQuery<T>(message: T, requestUrl: string | undefined): T {
  const query = requestUrl?.indexOf('?') ?? -1;
  const clean = (text: string) => {
    const cut = requestUrl && query >= 0 ? text.split(requestUrl).join(requestUrl.slice(0, query)) : text;
    return redactUrlSecrets(cut);
  };
  if (typeof message === 'string') return clean(message) as T;
  if (Array.isArray(message)) return (message as unknown[]).map((m) => (typeof m === 'string' ? clean(m) : m)) as T;
  return message;
}
