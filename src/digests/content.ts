import type { KpiBetter, KpiDisplay } from '../reports/kpis/catalogue';
import type { KpiTarget, TargetStatus } from '../reports/kpis';
import type { DigestLanguage } from './schemas/digest-schedule.schema';
import type { Frequency } from './schedule';

/** Everything a digest says, once: the HTML, the plain text and the Slack message all render this. */
export interface DigestContent {
  workspace: string;
  name: string;
  frequency: Frequency;
  lang: DigestLanguage;
  tz: string;
  currency: string;
  from: Date;
  to: Date;
  dueAt: Date;
  late: boolean;
  dashboardUrl: string;
  scopes: DigestScope[];
  charts: DigestChart[];
}

/** One overview's worth of numbers: the whole workspace, or one topic and/or network. */
export interface DigestScope {
  label: string;
  topic: string | null;
  platform: string | null;
  dashboardUrl: string;
  sections: DigestSectionBlock[];
}

export interface DigestSectionBlock {
  id: string;
  title: string;
  kpis: KpiLine[];
  /** Content-id of the section's chart among `DigestContent.charts`, if it has one. */
  chartCid: string | null;
  /** Records worth a look: the longest-waiting cases, emerging themes. */
  items: DigestItem[];
  itemsTitle: string | null;
  /** Said when `itemsTitle` is set and there are no items. */
  emptyNote: string | null;
}

export interface KpiLine {
  name: string;
  label: string;
  display: KpiDisplay;
  better: KpiBetter;
  value: number | null;
  previous: number | null;
  change: { absolute: number | null; percent: number | null };
  target: KpiTarget | null;
  status: TargetStatus;
  csvUrl: string | null;
}

export interface DigestItem {
  title: string;
  detail: string;
  url: string | null;
}

export interface DigestChart {
  cid: string;
  title: string;
  png: Buffer;
}
