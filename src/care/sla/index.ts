export * from './sla-clock';
export * from './first-response-sla';
