import type { DigestContent } from '../content';
import { formatChange, formatDateTime, formatPeriod, formatValue } from './format';
import { say } from './strings';

/** The plain-text part: the same content, for clients that show no HTML and for screen readers. */
export function renderText(c: DigestContent): string {
  const period = formatPeriod(c.from, c.to, c.tz, c.lang);
  const out: string[] = [c.name, say(c.lang, 'intro', { frequency: say(c.lang, c.frequency), workspace: c.workspace, period, tz: c.tz })];
  if (c.late) out.push('', say(c.lang, 'late', { due: formatDateTime(c.dueAt, c.tz, c.lang) }));
  for (const scope of c.scopes) {
    out.push('', `== ${scope.label} ==`, `${say(c.lang, 'openDashboard')}: ${scope.dashboardUrl}`);
    for (const s of scope.sections) {
      out.push('', `-- ${s.title} --`);
      for (const k of s.kpis) {
        const status = k.status ? `; ${say(c.lang, 'target')} ${say(c.lang, k.status)}` : '';
        out.push(
          `${k.label}: ${formatValue(k.value, k.display, c.lang, c.currency)} (${say(c.lang, 'previous').toLowerCase()} ${formatValue(k.previous, k.display, c.lang, c.currency)}, ${formatChange(k.change, k.display, c.lang, c.currency)}${status})`,
        );
        if (k.csvUrl) out.push(`  ${say(c.lang, 'csv')}: ${k.csvUrl}`);
      }
      if (s.itemsTitle) {
        out.push('', `${s.itemsTitle}:`);
        if (!s.items.length) out.push(`  ${s.emptyNote ?? ''}`);
        for (const i of s.items) out.push(`  - ${i.title} · ${i.detail}${i.url ? ` <${i.url}>` : ''}`);
      }
    }
  }
  out.push('', `${say(c.lang, 'openDashboard')}: ${c.dashboardUrl}`, say(c.lang, 'footer'));
  return out.join('\n') + '\n';
}
