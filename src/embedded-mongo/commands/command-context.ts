import type { Document } from 'bson';
import type { Catalog } from '../storage/catalog';
import type { CursorRegistry } from './cursor-registry';
import { CommandError, ErrorCode } from '../errors';
import { isDocumentValue } from '../query/index-key';

/** What the server tells clients about itself (hello, buildInfo, serverStatus). */
export interface ServerState {
  readonly version: string;
  readonly startedAt: Date;
  readonly host: string;
  port: number;
  connections: { current: number; totalCreated: number };
}

export interface CommandContext {
  /** The command's `$db`. */
  db: string;
  catalog: Catalog;
  cursors: CursorRegistry;
  connectionId: number;
  server: ServerState;
}

/** A reply body already encoded as BSON (cursor batches are assembled from per-document bytes). */
export class RawReply {
  constructor(readonly bytes: Uint8Array) {}
}

export type CommandResult = Document | RawReply;
export type CommandHandler = (cmd: Document, ctx: CommandContext) => CommandResult;

export function badValue(message: string): CommandError {
  return new CommandError(ErrorCode.BadValue, message);
}

export function typeMismatch(field: string, expected: string, value: unknown): CommandError {
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return new CommandError(ErrorCode.TypeMismatch, `BSON field '${field}' is the wrong type '${actual}', expected type '${expected}'`);
}

export function optionalDocument(cmd: Document, field: string): Document | undefined {
  const v = cmd[field];
  if (v === undefined || v === null) return undefined;
  if (!isDocumentValue(v)) throw typeMismatch(field, 'object', v);
  return v;
}

export function optionalNumber(cmd: Document, field: string): number | undefined {
  const v = cmd[field];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Number((v as { valueOf(): unknown })?.valueOf?.());
  if (!Number.isFinite(n)) throw typeMismatch(field, 'number', v);
  return Math.trunc(n);
}

export function documentArray(cmd: Document, field: string): Document[] {
  const v = cmd[field];
  if (!Array.isArray(v)) throw typeMismatch(field, 'array', v);
  for (const d of v) if (!isDocumentValue(d)) throw typeMismatch(`${field}.item`, 'object', d);
  return v as Document[];
}

/** The collection a command names in its first field. */
export function targetCollectionName(cmd: Document, commandName: string): string {
  const name = cmd[commandName];
  if (typeof name !== 'string' || name.length === 0) {
    throw new CommandError(ErrorCode.InvalidNamespace, `collection name has invalid type ${name === null ? 'null' : typeof name}`);
  }
  return name;
}
