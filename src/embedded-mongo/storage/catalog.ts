import type { Document } from 'bson';
import type { ChangeEntry, ChangeLog } from './change-log';
import { CollectionStore } from './collection-store';
import { CommandError, ErrorCode } from '../errors';
import { pathValues } from '../query/index-key';

const INVALID_COLLECTION_NAME = /^$|\$|\0/;

export function assertValidCollectionName(db: string, name: unknown): asserts name is string {
  if (typeof name !== 'string' || INVALID_COLLECTION_NAME.test(name) || name.startsWith('system.')) {
    throw new CommandError(ErrorCode.InvalidNamespace, `Invalid namespace specified '${db}.${String(name)}'`);
  }
}

/** All databases and their collections, and the one place state changes are reported to the journal. */
export class Catalog {
  private readonly databases = new Map<string, Map<string, CollectionStore>>();
  private changeLog: ChangeLog | null = null;

  /** While replaying the journal, changes must not be journaled again. */
  setChangeLog(log: ChangeLog | null): void {
    this.changeLog = log;
  }

  private readonly currentLog = (): ChangeLog | null => this.changeLog;

  databaseNames(): string[] {
    return [...this.databases.keys()];
  }

  collections(db: string): CollectionStore[] {
    return [...(this.databases.get(db)?.values() ?? [])];
  }

  collection(db: string, name: string): CollectionStore | undefined {
    return this.databases.get(db)?.get(name);
  }

  /** The collection, created implicitly (as an insert or createIndexes does) when missing. */
  obtain(db: string, name: string): { collection: CollectionStore; created: boolean } {
    const existing = this.collection(db, name);
    if (existing) return { collection: existing, created: false };
    return { collection: this.create(db, name, {}), created: true };
  }

  create(db: string, name: string, options: Document): CollectionStore {
    assertValidCollectionName(db, name);
    if (this.collection(db, name)) {
      throw new CommandError(ErrorCode.NamespaceExists, `Collection ${db}.${name} already exists.`);
    }
    let colls = this.databases.get(db);
    if (!colls) {
      colls = new Map();
      this.databases.set(db, colls);
    }
    const store = new CollectionStore(db, name, options, this.currentLog);
    colls.set(name, store);
    this.changeLog?.record({ op: 'createCollection', db, coll: name, options });
    return store;
  }

  drop(db: string, name: string): CollectionStore | undefined {
    const colls = this.databases.get(db);
    const store = colls?.get(name);
    if (!colls || !store) return undefined;
    colls.delete(name);
    if (colls.size === 0) this.databases.delete(db);
    this.changeLog?.record({ op: 'dropCollection', db, coll: name });
    return store;
  }

  dropDatabase(db: string): void {
    if (!this.databases.delete(db)) return;
    this.changeLog?.record({ op: 'dropDatabase', db });
  }

  /** Re-applies a journal or snapshot entry. */
  apply(entry: ChangeEntry): void {
    switch (entry.op) {
      case 'put':
        this.obtain(entry.db, entry.coll).collection.restore(entry.doc);
        return;
      case 'del':
        this.collection(entry.db, entry.coll)?.removeById(entry.id);
        return;
      case 'createCollection':
        if (!this.collection(entry.db, entry.coll)) this.create(entry.db, entry.coll, entry.options);
        return;
      case 'dropCollection':
        this.drop(entry.db, entry.coll);
        return;
      case 'dropDatabase':
        this.dropDatabase(entry.db);
        return;
      case 'createIndex': {
        const { collection } = this.obtain(entry.db, entry.coll);
        if (!collection.getIndex(entry.spec.name)) collection.createIndex(entry.spec, { trusted: true });
        return;
      }
      case 'dropIndex':
        if (this.collection(entry.db, entry.coll)?.getIndex(entry.name)) this.collection(entry.db, entry.coll)!.dropIndex(entry.name);
        return;
    }
  }

  /**
   * Deletes documents whose TTL index date is older than `expireAfterSeconds`, as MongoDB's TTL
   * monitor does (an array of dates expires on its earliest). Returns how many were removed.
   */
  expireDocuments(now = Date.now()): number {
    let removed = 0;
    for (const db of this.databaseNames()) {
      for (const collection of this.collections(db)) {
        for (const index of collection.indexList()) {
          const seconds = index.spec.expireAfterSeconds;
          if (typeof seconds !== 'number' || index.fields.length !== 1) continue;
          const cutoff = now - seconds * 1000;
          const path = index.fields[0].split('.');
          const expired: number[] = [];
          for (const [rid, doc] of collection.records()) {
            const dates = pathValues(doc, path).filter((v): v is Date => v instanceof Date);
            if (dates.length && Math.min(...dates.map((d) => d.getTime())) < cutoff) expired.push(rid);
          }
          for (const rid of expired) collection.remove(rid);
          removed += expired.length;
        }
      }
    }
    return removed;
  }
}
