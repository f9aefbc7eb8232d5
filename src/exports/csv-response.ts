import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { guardFormulaCell } from '../common/csv-formula-guard';

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => unknown;
}

/** One value as a CSV cell: numbers and booleans as they are, text made safe to open. */
export function csvCell(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- ids (ObjectId) and other values print through their own toString
  const text = v instanceof Date ? v.toISOString() : String(v);
  return guardFormulaCell(text);
}

/**
 * Streams rows as CSV (RFC 4180, via csv-stringify) with back-pressure: the rows come from a
 * database cursor and are never all in memory. Every export goes through here, so every cell
 * (and header) passes `csvCell` and none can become a spreadsheet formula.
 */
export async function sendCsv<T>(res: Response, filename: string, columns: CsvColumn<T>[], rows: AsyncIterable<T>): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  async function* records() {
    for await (const row of rows) yield columns.map((c) => csvCell(c.value(row)));
  }
  const header = columns.map((c) => String(csvCell(c.header)));
  await pipeline(Readable.from(records()), stringify({ header: true, columns: header, bom: true }), res);
}
