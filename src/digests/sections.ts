import { KPIS, KpiSection, Labels, SECTION_LABELS, type KpiDefinition } from '../reports/kpis/catalogue';

/**
 * The sections a digest may include. The first six are the KPI catalogue's sections (their KPIs
 * with a trend: previous period, change, target status); each is built by the content builder from
 * the overview. A section is added here and in DigestContentBuilder's registry, nowhere else.
 */
export const KPI_DIGEST_SECTIONS = [
  'listening',
  'engagement',
  'leads',
  'deflection',
  'care',
  'surveys',
] as const satisfies readonly KpiSection[];

/** Sections read from their own modules: emerging themes, share of voice, the inbound forecast. */
export const OTHER_DIGEST_SECTIONS = ['themes', 'shareOfVoice', 'forecast'] as const;

/** Every section id a schedule may name, in the order a digest shows them. */
export const DIGEST_SECTION_IDS: readonly string[] = [...KPI_DIGEST_SECTIONS, ...OTHER_DIGEST_SECTIONS];
export type DigestSectionId = (typeof KPI_DIGEST_SECTIONS)[number] | (typeof OTHER_DIGEST_SECTIONS)[number];

export const DIGEST_SECTION_LABELS: Record<DigestSectionId, Labels> = {
  ...SECTION_LABELS,
  themes: { en: 'Emerging themes', pt: 'Temas em alta' },
  shareOfVoice: { en: 'Share of voice', pt: 'Share of voice' },
  forecast: { en: 'Inbound support forecast, next 7 days', pt: 'Previsão de suporte recebido, próximos 7 dias' },
};

/**
 * The KPIs a section reports: those of the catalogue's section that have a trend. Mentions per
 * network are left out: a digest narrowed to networks has a block per network instead.
 */
export function sectionKpis(section: KpiSection): KpiDefinition[] {
  return KPIS.filter((k) => k.section === section && k.target && !k.name.startsWith('volume.byPlatform.'));
}
