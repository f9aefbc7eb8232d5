import { BadRequestException } from '@nestjs/common';
import { CsvError, parse } from 'csv-parse/sync';
import { IncomingBatch, IncomingRecord, MAX_RECORDS_PER_REQUEST, RejectedRecord } from './record-batch';

/**
 * A CSV upload becomes the same records a JSON array would: the header row names the fields (the
 * JSON field names), an empty cell is an absent field, and numeric columns are read as numbers
 * (a cell that is not a number stays text, so the record's validation names the field).
 */

export type CsvColumnType = 'string' | 'integer' | 'number';

export interface CsvColumn {
  type: CsvColumnType;
  required?: boolean;
}

export type CsvColumns = Record<string, CsvColumn>;

/** Upload size limit; 5,000 rows of these inputs stay well under it. */
export const MAX_CSV_BYTES = 5 * 1024 * 1024;

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Comma, or semicolon / tab when the header uses that instead (spreadsheets in pt-BR export with `;`). */
export function detectDelimiter(text: string): string {
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  if (header.includes(',')) return ',';
  if (header.includes(';')) return ';';
  if (header.includes('\t')) return '\t';
  return ',';
}

/** One parsed CSV row as the plain object the DTO validates. */
export function csvRowToRecord(row: Record<string, string>, columns: CsvColumns): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [name, cell] of Object.entries(row)) {
    if (cell === undefined || cell === '') continue;
    const type = Object.hasOwn(columns, name) ? columns[name].type : 'string';
    record[name] = type !== 'string' && NUMBER.test(cell) ? Number(cell) : cell;
  }
  return record;
}

/**
 * The header's problems, naming the columns; `null` when it is usable. A column is known only as
 * an own property of `columns`: `in` would also accept what every object inherits (`constructor`,
 * `__proto__`, `toString`), and such a cell would then reach the record as that name.
 */
export function headerProblem(header: string[], columns: CsvColumns): string | null {
  const seen = new Set<string>();
  const duplicated = header.filter((h) => (seen.has(h) ? true : (seen.add(h), false)));
  if (duplicated.length) return `the header repeats column(s): ${[...new Set(duplicated)].join(', ')}`;
  const expected = Object.keys(columns);
  const unknown = header.filter((h) => !Object.hasOwn(columns, h));
  if (unknown.length) return `unknown column(s): ${unknown.join(', ')}; the columns are: ${expected.join(', ')}`;
  const missing = expected.filter((name) => columns[name].required && !header.includes(name));
  if (missing.length) return `missing required column(s): ${missing.join(', ')}`;
  return null;
}

/**
 * Parses an uploaded CSV into a batch. The file as a whole is refused (400) when it cannot be read
 * as this input (no header, unknown or missing columns, too many rows); an unreadable row (an
 * unclosed quote, a wrong number of cells) is reported by its line number and the rest kept.
 *
 * csv-parse skips a bad record and carries on, but after a quote error it can swallow the lines
 * that follow without reporting them. So every non-blank line is accounted for: each record and
 * each error covers the lines since the previous one, and lines nothing covers are reported too;
 * no row is ever dropped in silence.
 */
export function batchFromCsv(file: Buffer, columns: CsvColumns): IncomingBatch {
  const text = file.toString('utf8').replace(/^\uFEFF/, '');
  if (!text.trim()) throw new BadRequestException('the CSV file is empty; the first row must name the columns');
  const events: ({ end: number; record: Record<string, string> } | { end: number; error: string })[] = [];
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parse(text, {
      delimiter: detectDelimiter(text),
      trim: true,
      relax_quotes: true,
      skip_empty_lines: true,
      info: true,
      skip_records_with_error: true,
      on_skip: (err: CsvError | undefined) => {
        if (err) events.push({ end: (err as CsvError & { lines?: number }).lines ?? 0, error: csvErrorMessage(err) });
        return undefined;
      },
      columns: (names: string[]) => {
        const header = names.map((n) => String(n).trim());
        const problem = headerProblem(header, columns);
        if (problem) throw new BadRequestException(problem);
        return header;
      },
    }) as unknown as typeof rows;
  } catch (err) {
    if (err instanceof BadRequestException) throw err;
    throw new BadRequestException(`the CSV file cannot be read: ${(err as Error).message}`);
  }
  for (const { record, info } of rows) events.push({ end: info.lines, record });
  events.sort((a, b) => a.end - b.end);

  const lines = text.split(/\r\n|\n|\r/);
  const firstContent = (after: number, upTo: number) => {
    for (let n = after + 1; n <= upTo; n++) if (lines[n - 1]?.trim()) return n;
    return upTo;
  };
  const records: IncomingRecord[] = [];
  const rejected: RejectedRecord[] = [];
  let covered = 1;
  for (const event of events) {
    const line = firstContent(covered, event.end);
    if ('record' in event) records.push({ ref: { line }, raw: csvRowToRecord(event.record, columns) });
    else rejected.push({ line, errors: [event.end > line ? `${event.error} (lines ${line} to ${event.end})` : event.error] });
    covered = Math.max(covered, event.end);
  }
  let last = lines.length;
  while (last > covered && !lines[last - 1].trim()) last--;
  if (last > covered) {
    const from = firstContent(covered, last);
    const where = from === last ? `line ${from}` : `lines ${from} to ${last}`;
    rejected.push({ line: from, errors: [`${where} cannot be read after the error above; check the double quotes`] });
  }

  const total = records.length + rejected.length;
  if (total === 0) throw new BadRequestException('the CSV file has a header but no rows');
  if (total > MAX_RECORDS_PER_REQUEST)
    throw new BadRequestException(`at most ${MAX_RECORDS_PER_REQUEST} rows per file (got ${total}); split the file`);
  return { single: false, records, rejected };
}

function csvErrorMessage(err: CsvError): string {
  switch (err.code) {
    case 'CSV_RECORD_INCONSISTENT_COLUMNS':
      return 'the row does not have as many cells as the header has columns';
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'the row has a misplaced or unclosed double quote';
    default:
      return `the row cannot be read: ${err.message}`;
  }
}
