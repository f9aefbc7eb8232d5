/** The JSON API under /api/v1, called with the signed-in API key. */

const KEY_STORAGE = 'ouvidor.apiKey';

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export const session = {
  get key() {
    return sessionStorage.getItem(KEY_STORAGE);
  },
  set key(value) {
    if (value) sessionStorage.setItem(KEY_STORAGE, value);
    else sessionStorage.removeItem(KEY_STORAGE);
  },
};

/** `{ a: 1, b: null }` → `?a=1`; empty values are left out so the API applies its defaults. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, v instanceof Date ? v.toISOString() : String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The API's own `message` (a string, or a list from validation) is what the user sees. */
function messageOf(status, body) {
  const m = body && body.message;
  if (Array.isArray(m)) return m.join('; ');
  if (typeof m === 'string' && m) return m;
  return `HTTP ${status}`;
}

async function call(method, path, { params, body, key = session.key } = {}) {
  const url = `/api/v1${path}${query(params)}`;
  let res;
  try {
    res = await fetch(url, {
      method,
      headers: {
        Accept: 'application/json',
        ...(key ? { Authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (err) {
    throw new ApiError(0, err.message || 'network error');
  }
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) throw new ApiError(res.status, messageOf(res.status, json), json);
  return json;
}

export const api = {
  get: (path, params, opts = {}) => call('GET', path, { ...opts, params }),
  post: (path, body) => call('POST', path, { body }),
  patch: (path, body) => call('PATCH', path, { body }),
  put: (path, body) => call('PUT', path, { body }),
  delete: (path) => call('DELETE', path),

  /** EventSource cannot send headers: the stream takes the key as ?access_token=. */
  streamUrl(path, params) {
    return `/api/v1${path}${query({ ...params, access_token: session.key })}`;
  },

  /** CSV exports are plain links, so they carry the key as ?access_token= too. */
  exportUrl(name, params) {
    return `/api/v1/exports/${name}.csv${query({ ...params, access_token: session.key })}`;
  },
};
