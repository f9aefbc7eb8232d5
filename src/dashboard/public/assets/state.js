/**
 * Where the user is and what they look at lives in the URL hash (`#/mentions?range=7d&sentiment=negative`),
 * so every view, filter and drill-down is a link that can be shared, bookmarked or opened again.
 */
import { DateTime } from './vendor/luxon.mjs';

/** Filters every view shares; the rest of the query belongs to the view. */
export const GLOBAL_KEYS = ['topic', 'platform', 'range', 'from', 'to', 'tz'];

/** The networks the collectors read, as the API names them. */
export const PLATFORMS = [
  ['x', 'X'],
  ['bluesky', 'Bluesky'],
  ['mastodon', 'Mastodon'],
  ['facebook', 'Facebook'],
  ['instagram', 'Instagram'],
  ['whatsapp', 'WhatsApp'],
  ['reddit', 'Reddit'],
  ['youtube', 'YouTube'],
];
export const PRESETS = { '24h': 24, '7d': 7 * 24, '30d': 30 * 24 };
export const DEFAULT_RANGE = '7d';

/** What the signed-in key can see: filled once at sign-in. */
export const workspace = { info: null, topics: [], agents: [], teams: [] };

export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#\/?/, '');
  const [path, qs = ''] = raw.split('?');
  const [view = 'overview', id = null] = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { view: view || 'overview', id, params: Object.fromEntries(new URLSearchParams(qs)) };
}

export function globals(params = parseHash().params) {
  const out = {};
  for (const k of GLOBAL_KEYS) if (params[k]) out[k] = params[k];
  return out;
}

/** A link to a view: the current shared filters, then the view's own. `null` values remove a key. */
export function href(view, params = {}, { id = null, keepGlobals = true } = {}) {
  const merged = { ...(keepGlobals ? globals() : {}), ...params };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(merged)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return `#/${view}${id ? `/${encodeURIComponent(id)}` : ''}${s ? `?${s}` : ''}`;
}

export function navigate(view, params, opts) {
  const next = href(view, params, opts);
  if (next === location.hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = next;
}

/** Replaces shared filters in place, keeping the current view and its own filters. */
export function setGlobals(patch) {
  const { view, id, params } = parseHash();
  navigate(view, { ...params, ...patch }, { id, keepGlobals: false });
}

export function timezone(params = parseHash().params) {
  return params.tz || workspace.info?.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * The range `[from, to)` the user asked for. A preset ends now, so it is worked out at each call;
 * a custom range is fixed in the URL as two instants.
 */
export function resolveRange(params = parseHash().params) {
  const tz = timezone(params);
  const preset = params.range || DEFAULT_RANGE;
  if (preset === 'custom' && params.from && params.to) {
    const from = new Date(params.from);
    const to = new Date(params.to);
    if (!Number.isNaN(from.getTime()) && !Number.isNaN(to.getTime())) return { preset, from, to, tz, live: to.getTime() >= Date.now() };
  }
  const hours = PRESETS[preset] ?? PRESETS[DEFAULT_RANGE];
  // Now, rounded up to the next whole second: every chart of a page (and every colleague's page
  // opened in the same second) asks the same range, so the server's report cache answers them
  // once, and nothing written before the page opened is left out.
  const to = new Date(Math.ceil(Date.now() / 1000) * 1000);
  return { preset: PRESETS[preset] ? preset : DEFAULT_RANGE, from: new Date(to.getTime() - hours * 3600_000), to, tz, live: true };
}

/** Query parameters the report endpoints take for the current filters. */
export function reportParams(params = parseHash().params) {
  const r = resolveRange(params);
  return {
    topic: params.topic || undefined,
    platform: params.platform || undefined,
    from: r.from.toISOString(),
    to: r.to.toISOString(),
    tz: r.tz,
  };
}

/** Bucket size that keeps a chart readable: hours up to two days, days up to a quarter, then weeks. */
export function intervalFor(from, to) {
  const hours = (to - from) / 3600_000;
  if (hours <= 48) return 'hour';
  if (hours <= 24 * 92) return 'day';
  return 'week';
}

/** `<input type="datetime-local">` value for an instant, as wall-clock time in `tz`. */
export function toLocalInput(date, tz) {
  return DateTime.fromJSDate(date, { zone: tz }).toFormat("yyyy-LL-dd'T'HH:mm");
}

export function fromLocalInput(value, tz) {
  const d = DateTime.fromISO(value, { zone: tz });
  return d.isValid ? d.toJSDate() : null;
}

export function agentName(id) {
  return workspace.agents.find((a) => a.id === id)?.name ?? id;
}
