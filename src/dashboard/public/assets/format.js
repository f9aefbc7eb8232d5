/**
 * How numbers read on screen. The API sends full precision (percentages 0-100, durations in
 * seconds); rounding happens only here. A missing value (a ratio over zero) shows as an em dash.
 */
import { DateTime } from './vendor/luxon.mjs';
import { locale, t } from './i18n.js';

export const MISSING = '—';

const cache = new Map();
function nf(options) {
  const key = `${locale()}|${JSON.stringify(options)}`;
  if (!cache.has(key)) cache.set(key, new Intl.NumberFormat(locale(), options));
  return cache.get(key);
}

const missing = (v) => v === null || v === undefined || Number.isNaN(v);

export function count(v) {
  return missing(v) ? MISSING : nf({ maximumFractionDigits: 0 }).format(v);
}

export function decimal(v, digits = 1) {
  return missing(v) ? MISSING : nf({ maximumFractionDigits: digits }).format(v);
}

/** A percentage given as 0-100. */
export function percent(v, digits = 1) {
  return missing(v) ? MISSING : nf({ style: 'percent', maximumFractionDigits: digits }).format(v / 100);
}

/** Scores that run from −100 to 100 (net sentiment, NPS): always signed. */
export function score(v, digits = 1) {
  return missing(v) ? MISSING : nf({ maximumFractionDigits: digits, signDisplay: 'exceptZero' }).format(v);
}

export function money(v, currency) {
  return missing(v) ? MISSING : nf({ style: 'currency', currency: currency || 'USD' }).format(v);
}

/** Seconds as the unit a person would say: 45 s, 12 min, 3 h 20 min, 2 d 4 h. */
export function duration(seconds) {
  if (missing(seconds)) return MISSING;
  const sign = seconds < 0 ? '−' : '';
  const s = Math.abs(seconds);
  const n = (x) => count(x);
  if (s < 60) return `${sign}${n(Math.round(s))} s`;
  if (s < 3600) return `${sign}${n(Math.round(s / 60))} min`;
  if (s < 86400) {
    let hours = Math.floor(s / 3600);
    let minutes = Math.round((s - hours * 3600) / 60);
    if (minutes === 60) ((hours += 1), (minutes = 0));
    return minutes ? `${sign}${n(hours)} h ${n(minutes)} min` : `${sign}${n(hours)} h`;
  }
  let days = Math.floor(s / 86400);
  let hours = Math.round((s - days * 86400) / 3600);
  if (hours === 24) ((days += 1), (hours = 0));
  return hours ? `${sign}${n(days)} d ${n(hours)} h` : `${sign}${n(days)} d`;
}

export function dateTime(iso, tz) {
  if (!iso) return MISSING;
  return DateTime.fromISO(typeof iso === 'string' ? iso : new Date(iso).toISOString(), { zone: tz })
    .setLocale(locale())
    .toLocaleString(DateTime.DATETIME_SHORT);
}

export function hourLabel(iso, tz) {
  if (!iso) return MISSING;
  const d = DateTime.fromISO(iso, { zone: tz }).setLocale(locale());
  return `${d.toLocaleString({ weekday: 'short', day: 'numeric', month: 'short' })} ${d.toFormat('HH:mm')}`;
}

/** Axis labels for a chart bucket. */
export function bucketLabel(iso, interval, tz) {
  const d = DateTime.fromISO(iso, { zone: tz }).setLocale(locale());
  if (interval === 'hour') return `${d.toLocaleString({ day: 'numeric', month: 'short' })} ${d.toFormat('HH:mm')}`;
  return d.toLocaleString({ day: '2-digit', month: 'short' });
}

/** Formats a KPI value by its kind (see kpis.js). */
export function byKind(kind, value, ctx = {}) {
  switch (kind) {
    case 'count':
      return count(value);
    case 'percent':
      return percent(value);
    case 'score':
      return score(value);
    case 'decimal1':
      return decimal(value, 1);
    case 'decimal2':
      return decimal(value, 2);
    case 'duration':
      return duration(value);
    case 'money':
      return money(value, ctx.currency);
    default:
      return decimal(value, 2);
  }
}

/** A change against the previous period: percent when it exists, else the absolute difference. */
export function change(kind, trend, ctx = {}) {
  const c = trend?.change;
  if (!c || c.absolute === null || c.absolute === undefined) return null;
  // Past ±1000 % a percentage says less than the difference itself (a week against a quiet one).
  if (c.percent !== null && c.percent !== undefined && Math.abs(c.percent) < 1000 && kind !== 'percent' && kind !== 'score') {
    return nf({ style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(c.percent / 100);
  }
  const abs = c.absolute;
  const sign = abs > 0 ? '+' : abs < 0 ? '−' : '';
  // Percentages and scores change by points, not by a percentage of themselves.
  if (kind === 'percent') return `${sign}${decimal(Math.abs(abs), 1)} ${t('unit.pp')}`;
  if (kind === 'score') return `${sign}${decimal(Math.abs(abs), 1)} ${t('unit.points')}`;
  return `${sign}${byKind(kind, Math.abs(abs), ctx)}`;
}

/** "2 minutes ago", in the page's language. */
export function ago(iso, now = Date.now()) {
  if (!iso) return MISSING;
  return (
    DateTime.fromISO(iso)
      .setLocale(locale())
      .toRelative({ base: DateTime.fromMillis(now) }) ?? MISSING
  );
}
