import { CasesExportQuery, CorrectionsExportQuery, ExportRangeQuery, MentionsExportQuery } from './dto/export-query.dto';

/**
 * Every CSV export, by the name in its path (`/api/v1/exports/<name>.csv`), with the query class
 * its GET validates; a signed link's query is validated against the same class when it is made.
 */
export const EXPORT_QUERIES = {
  mentions: MentionsExportQuery,
  cases: CasesExportQuery,
  posts: ExportRangeQuery,
  leads: ExportRangeQuery,
  corrections: CorrectionsExportQuery,
} as const;

export type ExportName = keyof typeof EXPORT_QUERIES;
export const EXPORT_NAMES = Object.keys(EXPORT_QUERIES) as ExportName[];

export const exportPath = (name: ExportName) => `/api/v1/exports/${name}.csv`;
