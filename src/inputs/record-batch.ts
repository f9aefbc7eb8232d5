import { BadRequestException, ServiceUnavailableException } from '@nestjs/common';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';

/**
 * The input endpoints (leads, traffic, support contacts, surveys) take one JSON object, an array
 * of them, or a CSV file. Every record is validated on its own: a bad record in a batch is
 * reported and the good ones are kept; a single bad object is a 400 and stores nothing.
 */

export const MAX_RECORDS_PER_REQUEST = 5000;

/** Where a record came from: its position in a JSON array (from 0), or its line in a CSV file (the header is line 1). */
export type RecordRef = { index: number } | { line: number };

/** `retry`: the record was valid and not stored because the database failed; sending it again is safe. */
export type RejectedRecord = RecordRef & { errors: string[]; retry?: true };
export type AcceptedRecord = RecordRef & { id: string; status: 'stored' | 'updated' };

export interface IngestReport {
  /** Records stored for the first time. */
  stored: number;
  /** Records that replaced one stored earlier (same key), in this request or before. */
  updated: number;
  rejected: RejectedRecord[];
  /** The id each kept record is stored under, in input order. */
  records: AcceptedRecord[];
}

export interface IncomingRecord {
  ref: RecordRef;
  raw: unknown;
}

export interface IncomingBatch {
  /** One JSON object rather than an array or a file: any error is a 400. */
  single: boolean;
  records: IncomingRecord[];
  /** Records refused before validation (unreadable CSV lines). */
  rejected: RejectedRecord[];
}

export interface ValidRecord<T> {
  ref: RecordRef;
  value: T;
}

export function batchFromJson(body: unknown): IncomingBatch {
  if (Array.isArray(body)) {
    if (body.length === 0) throw new BadRequestException('send one record or a non-empty array of records');
    if (body.length > MAX_RECORDS_PER_REQUEST) {
      throw new BadRequestException(`at most ${MAX_RECORDS_PER_REQUEST} records per request (got ${body.length}); split the batch`);
    }
    return { single: false, records: (body as unknown[]).map((raw, index) => ({ ref: { index }, raw })), rejected: [] };
  }
  if (body === null || typeof body !== 'object') throw new BadRequestException('the body must be a JSON object or an array of objects');
  return { single: true, records: [{ ref: { index: 0 }, raw: body }], rejected: [] };
}

/** A value of the wrong type fails these; its range checks would only add noise ("must not be less than 0" for "many"). */
const TYPE_CHECKS = ['isInt', 'isNumber', 'isString', 'isBoolean'];

/** Messages naming the field, as the global ValidationPipe words them (`score must be …`, `foo should not exist`). */
export function validationMessages(errors: ValidationError[], parent = ''): string[] {
  const out: string[] = [];
  for (const e of errors) {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const constraints = e.constraints ?? {};
    const wrongType = TYPE_CHECKS.filter((name) => name in constraints);
    const messages = wrongType.length ? wrongType.map((name) => constraints[name]) : Object.values(constraints);
    for (const message of messages) out.push(parent ? `${parent}.${message}` : message);
    if (e.children?.length) out.push(...validationMessages(e.children, path));
  }
  return out;
}

export async function validateRecord<T extends object>(
  cls: ClassConstructor<T>,
  raw: unknown,
): Promise<{ value: T; errors: null } | { value: null; errors: string[] }> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { value: null, errors: ['record must be a JSON object'] };
  const value = plainToInstance(cls, raw, { enableImplicitConversion: false });
  const errors = await validate(value, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return errors.length ? { value: null, errors: validationMessages(errors) } : { value, errors: null };
}

/**
 * Validates every record with the DTO class, then with `check` (rules that need the workspace:
 * its time zone, its mentions), which returns the problems it found, each naming the field.
 */
export async function validateBatch<T extends object>(
  cls: ClassConstructor<T>,
  batch: IncomingBatch,
  check?: (value: T) => Promise<string[]> | string[],
): Promise<{ valid: ValidRecord<T>[]; rejected: RejectedRecord[] }> {
  const valid: ValidRecord<T>[] = [];
  const rejected: RejectedRecord[] = [...batch.rejected];
  for (const { ref, raw } of batch.records) {
    const result = await validateRecord(cls, raw);
    const errors = result.errors ?? (check ? await check(result.value) : []);
    if (errors.length) rejected.push({ ...ref, errors });
    else valid.push({ ref, value: result.value! });
  }
  return { valid, rejected };
}

const refOrder = (ref: RecordRef) => ('line' in ref ? ref.line : ref.index);

/** The answer to an ingestion: counts, rejected records in input order, and the kept records' ids. */
export function ingestReport(accepted: AcceptedRecord[], rejected: RejectedRecord[]): IngestReport {
  let stored = 0;
  for (const a of accepted) if (a.status === 'stored') stored++;
  return {
    stored,
    updated: accepted.length - stored,
    rejected: [...rejected].sort((a, b) => refOrder(a) - refOrder(b)),
    records: [...accepted].sort((a, b) => refOrder(a) - refOrder(b)),
  };
}

/**
 * What the endpoint answers: the report (200) when something was kept; a 400 when the single
 * object was invalid (its messages, as the ValidationPipe would give them) or when every record
 * of a batch was rejected (with the per-record report under `rejected`); a 503 instead of the 400
 * when a record was rejected because the database failed.
 */
export function answerIngest(batch: IncomingBatch, report: IngestReport): IngestReport {
  const databaseFailed = report.rejected.some((r) => r.retry);
  if (batch.single && report.rejected.length) {
    throw databaseFailed ? new ServiceUnavailableException(report.rejected[0].errors) : new BadRequestException(report.rejected[0].errors);
  }
  if (report.stored + report.updated === 0 && report.rejected.length) {
    // Nothing kept because the database failed is not the sender's fault: 503, with the same report.
    throw new (databaseFailed ? ServiceUnavailableException : BadRequestException)({
      message: `no record was stored: all ${report.rejected.length} were rejected`,
      rejected: report.rejected,
    });
  }
  return report;
}
