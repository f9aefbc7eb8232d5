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

  /** A CSV export's address with its filters and no credential (what a CSV link shows). */
  exportPath(name, params) {
    return `/api/v1/exports/${name}.csv${query(params)}`;
  },

  /**
   * Downloads a CSV export: the API signs a short-lived link for exactly this export and query
   * (POST /exports/links, with the key in the header), and the browser fetches that link. The
   * key is never in a URL, so it stays out of history and proxies' logs.
   */
  async downloadExport(name, params) {
    const { url } = await call('POST', '/exports/links', {
      body: { export: name, query: Object.fromEntries(new URLSearchParams(query(params))) },
    });
    const a = document.createElement('a');
    a.href = url;
    a.download = `${name}.csv`;
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
  },
};

const RECONNECT_MS = 3_000;

/**
 * Server-sent events read through fetch, so the API key goes in the Authorization header: an
 * EventSource can only carry it in the URL, where proxies and access logs keep it (the API's
 * streams take no key in the URL). Calls `onEvent(type, data)` for each event whose data is JSON,
 * `onOpen()` when the stream is up and `onError()` when it drops; reconnects after a drop until
 * `signal` aborts, and stops for good on a 4xx other than 429 (a revoked key gets no retries). The framing is SSE's (events split by a blank line, `event:` and `data:`
 * fields); a library would be welcome, but eventsource-parser ships as several ES modules and the
 * dashboard has no bundler.
 */
export function followStream(path, params, { onEvent, onOpen, onError, signal }) {
  const connect = async () => {
    while (!signal.aborted) {
      try {
        const res = await fetch(`/api/v1${path}${query(params)}`, {
          headers: { Accept: 'text/event-stream', ...(session.key ? { Authorization: `Bearer ${session.key}` } : {}) },
          signal,
        });
        // a refused key (revoked, or signed out) or a bad request is not retried; 429 and 5xx are
        if (res.status >= 400 && res.status < 500 && res.status !== 429) {
          onError?.();
          return;
        }
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        onOpen?.();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          const blocks = buffer.split(/\r?\n\r?\n/);
          buffer = blocks.pop() ?? '';
          for (const block of blocks) dispatch(block, onEvent);
        }
      } catch {
        if (signal.aborted) return;
      }
      if (signal.aborted) return;
      onError?.();
      await new Promise((r) => setTimeout(r, RECONNECT_MS));
    }
  };
  void connect();
}

function dispatch(block, onEvent) {
  let type = 'message';
  const data = [];
  for (const line of block.split(/\r?\n/)) {
    if (!line || line.startsWith(':')) continue;
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
    if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return;
  let parsed;
  try {
    parsed = JSON.parse(data.join('\n'));
  } catch {
    return; // not JSON: nothing the dashboard reads
  }
  onEvent(type, parsed);
}
