import type { DigestLanguage } from '../schemas/digest-schedule.schema';

/** The digest's own words (KPI and section labels come from the KPI catalogue), in pt and en. */
const STRINGS = {
  en: {
    subject: '{name}: {period}',
    intro: 'Your {frequency} digest for {workspace}, {period} ({tz}).',
    late: 'Sent late: the service was down when this digest was due ({due}).',
    whole: 'Whole workspace',
    allNetworks: 'all networks',
    kpi: 'KPI',
    value: 'This period',
    previous: 'Previous',
    change: 'Change',
    target: 'Target',
    met: 'met',
    missed: 'missed',
    csv: 'CSV',
    openDashboard: 'Open in the dashboard',
    waiting: 'Longest-waiting open cases',
    waitingFor: 'waiting {duration}',
    noWaiting: 'No open case is waiting for a reply.',
    footer: 'Sent by Ouvidor. CSV links ask for your API key, as the dashboard does.',
    themeDetail: '{mentions} mentions ({change})',
    noThemes: 'No emerging theme this period.',
    voiceDetail: '{share} of mentions ({mentions})',
    noVoices: 'No topic to compare: add competitor topics.',
    forecastDetail: '{expected} expected (80%: {lower}–{upper})',
    daily: 'daily',
    weekly: 'weekly',
    monthly: 'monthly',
  },
  pt: {
    subject: '{name}: {period}',
    intro: 'Seu resumo {frequency} de {workspace}, {period} ({tz}).',
    late: 'Enviado com atraso: o serviço estava fora do ar quando este resumo era devido ({due}).',
    whole: 'Workspace inteiro',
    allNetworks: 'todas as redes',
    kpi: 'KPI',
    value: 'Este período',
    previous: 'Anterior',
    change: 'Variação',
    target: 'Meta',
    met: 'atingida',
    missed: 'não atingida',
    csv: 'CSV',
    openDashboard: 'Abrir no painel',
    waiting: 'Casos abertos esperando há mais tempo',
    waitingFor: 'esperando há {duration}',
    noWaiting: 'Nenhum caso aberto está esperando resposta.',
    footer: 'Enviado pelo Ouvidor. Os links de CSV pedem a sua chave de API, como o painel.',
    themeDetail: '{mentions} menções ({change})',
    noThemes: 'Nenhum tema em alta neste período.',
    voiceDetail: '{share} das menções ({mentions})',
    noVoices: 'Nenhum tema para comparar: adicione temas de concorrentes.',
    forecastDetail: '{expected} esperadas (80%: {lower}–{upper})',
    daily: 'diário',
    weekly: 'semanal',
    monthly: 'mensal',
  },
} as const;

export type DigestString = keyof (typeof STRINGS)['en'];

export function say(lang: DigestLanguage, key: DigestString, vars: Record<string, string> = {}): string {
  return STRINGS[lang][key].replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
}
