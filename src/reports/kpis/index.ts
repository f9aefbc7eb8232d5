/** KPI calculators, one file per section of docs/KPIS.md (see ./catalogue.ts): pure functions over plain rows. */
export * from './rows';
export * from './statistics';
export * from './buckets';
export * from './cases';
export * from './listening';
export * from './engagement';
export * from './leads';
export * from './deflection';
export * from './care';
export * from './care-rollups';
export * from './agents';
export * from './surveys';
export * from './trends';
export * from './spikes';
export * from './catalogue';
