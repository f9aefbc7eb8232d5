import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => unknown;
}

const cell = (v: unknown): string | number | boolean | null => {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  return String(v);
};

/**
 * Streams rows as CSV (RFC 4180, via csv-stringify) with back-pressure: the rows come from a
 * database cursor and are never all in memory.
 */
export async function sendCsv<T>(res: Response, filename: string, columns: CsvColumn<T>[], rows: AsyncIterable<T>): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  async function* records() {
    for await (const row of rows) yield columns.map((c) => cell(c.value(row)));
  }
  await pipeline(Readable.from(records()), stringify({ header: true, columns: columns.map((c) => c.header), bom: true }), res);
}
