import type { Document } from 'bson';
import type { IndexSpec } from './ordered-index';

/**
 * A change to the stored state, as the journal records it. Every entry sets state rather than
 * describing a delta (`put` carries the whole document after the write), so replay is a plain
 * re-application in order.
 */
export type ChangeEntry =
  | { op: 'put'; db: string; coll: string; doc: Document }
  | { op: 'del'; db: string; coll: string; id: unknown }
  | { op: 'createCollection'; db: string; coll: string; options: Document }
  | { op: 'dropCollection'; db: string; coll: string }
  | { op: 'dropDatabase'; db: string }
  | { op: 'createIndex'; db: string; coll: string; spec: IndexSpec }
  | { op: 'dropIndex'; db: string; coll: string; name: string };

/** Receives every change once it has been applied in memory. */
export interface ChangeLog {
  record(entry: ChangeEntry): void;
}
