/**
 * The plain rows the KPI functions read live in src/common/rows.ts, so ingestion (mentions, cases)
 * can produce them without importing reports.
 */
export * from '../../common/rows';
