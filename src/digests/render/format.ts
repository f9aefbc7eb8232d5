import { DateTime } from 'luxon';
import type { KpiDisplay } from '../../reports/kpis/catalogue';
import type { DigestLanguage } from '../schemas/digest-schedule.schema';

const LOCALES: Record<DigestLanguage, string> = { en: 'en-US', pt: 'pt-BR' };

/** A duration in words a reader scans: `45 s`, `12 min`, `3 h 05 min`, `2 d 4 h`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(Math.abs(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86_400) {
    const h = Math.floor(s / 3600);
    const m = Math.round((s % 3600) / 60);
    return `${h} h ${String(m).padStart(2, '0')} min`;
  }
  const d = Math.floor(s / 86_400);
  return `${d} d ${Math.round((s % 86_400) / 3600)} h`;
}

/** A KPI value as the digest shows it; `—` for `null` (a zero denominator, or nothing to measure). */
export function formatValue(value: number | null, display: KpiDisplay, lang: DigestLanguage, currency = 'BRL'): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const locale = LOCALES[lang];
  switch (display) {
    case 'count':
      return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);
    case 'percent':
      return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value / 100);
    case 'score':
      return new Intl.NumberFormat(locale, { maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(value);
    case 'decimal1':
      return new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
    case 'decimal2':
      return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
    case 'duration':
      return formatDuration(value);
    case 'money':
      return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(value);
    default:
      return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
  }
}

/**
 * The change from the previous period: the percentage when there is one, else the absolute
 * difference in the KPI's own unit (percentage points for a share), `—` when either is unknown.
 */
export function formatChange(
  change: { absolute: number | null; percent: number | null },
  display: KpiDisplay,
  lang: DigestLanguage,
  currency?: string,
): string {
  const locale = LOCALES[lang];
  if (change.percent !== null) {
    return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(
      change.percent / 100,
    );
  }
  if (change.absolute === null) return '—';
  const sign = change.absolute > 0 ? '+' : change.absolute < 0 ? '−' : '';
  const abs = formatValue(Math.abs(change.absolute), display === 'percent' ? 'decimal1' : display, lang, currency);
  return `${sign}${abs}${display === 'percent' ? ' p.p.' : ''}`;
}

/** `23 Nov – 29 Nov 2026` in the reader's language and the digest's time zone (the end is exclusive). */
export function formatPeriod(from: Date, to: Date, tz: string, lang: DigestLanguage): string {
  const locale = LOCALES[lang];
  const start = DateTime.fromJSDate(from, { zone: tz }).setLocale(locale);
  const lastDay = DateTime.fromJSDate(to, { zone: tz }).minus({ milliseconds: 1 }).setLocale(locale);
  if (start.hasSame(lastDay, 'day')) return start.toLocaleString(DateTime.DATE_MED);
  return `${start.toLocaleString({ day: 'numeric', month: 'short' })} – ${lastDay.toLocaleString(DateTime.DATE_MED)}`;
}

export function formatDateTime(at: Date, tz: string, lang: DigestLanguage): string {
  return DateTime.fromJSDate(at, { zone: tz }).setLocale(LOCALES[lang]).toLocaleString(DateTime.DATETIME_MED);
}
