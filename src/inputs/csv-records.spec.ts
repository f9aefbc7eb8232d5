import { BadRequestException } from '@nestjs/common';
import { batchFromCsv, csvRowToRecord, CsvColumns, detectDelimiter, headerProblem } from './csv-records';

const COLUMNS: CsvColumns = {
  occurredAt: { type: 'string', required: true },
  utmSource: { type: 'string' },
  value: { type: 'number' },
  count: { type: 'integer' },
};

const csv = (...lines: string[]) => Buffer.from(lines.join('\n'), 'utf8');

function badRequest(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestException);
    return String((err as BadRequestException).message);
  }
  throw new Error('expected a 400');
}

describe('csvRowToRecord', () => {
  it('reads numeric columns as numbers, leaves text alone and drops empty cells', () => {
    expect(csvRowToRecord({ occurredAt: '2026-03-01T00:00:00Z', utmSource: '007', value: '19.90', count: '3' }, COLUMNS)).toEqual({
      occurredAt: '2026-03-01T00:00:00Z',
      utmSource: '007',
      value: 19.9,
      count: 3,
    });
    expect(csvRowToRecord({ occurredAt: 'x', utmSource: '', value: '' }, COLUMNS)).toEqual({ occurredAt: 'x' });
  });

  it('keeps a cell that is not a number as text, so validation names the field', () => {
    expect(csvRowToRecord({ occurredAt: 'x', value: '19,90', count: 'three' }, COLUMNS)).toEqual({
      occurredAt: 'x',
      value: '19,90',
      count: 'three',
    });
  });
});

describe('headerProblem', () => {
  it('accepts the known columns in any order, optional ones left out', () => {
    expect(headerProblem(['value', 'occurredAt'], COLUMNS)).toBeNull();
  });
  it('names unknown, missing and repeated columns', () => {
    expect(headerProblem(['occurredAt', 'utm_source'], COLUMNS)).toMatch(
      /unknown column\(s\): utm_source; the columns are: occurredAt, utmSource, value, count/,
    );
    expect(headerProblem(['utmSource'], COLUMNS)).toBe('missing required column(s): occurredAt');
    expect(headerProblem(['occurredAt', 'value', 'value'], COLUMNS)).toBe('the header repeats column(s): value');
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'])(
    'reports %s, which every object inherits, as an unknown column',
    (name) => {
      expect(headerProblem(['occurredAt', name], COLUMNS)).toBe(
        `unknown column(s): ${name}; the columns are: occurredAt, utmSource, value, count`,
      );
    },
  );
});

describe('detectDelimiter', () => {
  it('uses the header to tell comma, semicolon and tab apart', () => {
    expect(detectDelimiter('a,b\n1;2')).toBe(',');
    expect(detectDelimiter('\uFEFFa;b\n1,5;2')).toBe(';');
    expect(detectDelimiter('a\tb')).toBe('\t');
    expect(detectDelimiter('a\n1')).toBe(',');
  });
});

describe('batchFromCsv', () => {
  it.each(['__proto__', 'constructor', 'toString'])('refuses a file whose header names %s, storing nothing', (name) => {
    expect(badRequest(() => batchFromCsv(csv(`occurredAt,${name}`, '2026-03-01T00:00:00Z,{"polluted":true}'), COLUMNS))).toMatch(
      new RegExp(`^unknown column\\(s\\): ${name};`),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('numbers each record by its line (header = line 1), skipping blank lines', () => {
    const batch = batchFromCsv(csv('occurredAt,value', '2026-03-01T00:00:00Z,10', '', '2026-03-02T00:00:00Z,'), COLUMNS);
    expect(batch.single).toBe(false);
    expect(batch.rejected).toEqual([]);
    expect(batch.records).toEqual([
      { ref: { line: 2 }, raw: { occurredAt: '2026-03-01T00:00:00Z', value: 10 } },
      { ref: { line: 4 }, raw: { occurredAt: '2026-03-02T00:00:00Z' } },
    ]);
  });

  it('reports unreadable lines by number and keeps the others', () => {
    const batch = batchFromCsv(csv('occurredAt,utmSource,value', 'a,b,1', 'a,b,1,extra', 'c,d,2', 'e,"f,3'), COLUMNS);
    expect(batch.records.map((r) => r.ref)).toEqual([{ line: 2 }, { line: 4 }]);
    expect(batch.rejected).toEqual([
      { line: 3, errors: ['the row does not have as many cells as the header has columns'] },
      { line: 5, errors: ['the row has a misplaced or unclosed double quote'] },
    ]);
  });

  it('never drops a line in silence after a quote error', () => {
    // csv-parse resumes after `"b"x` without reporting the next rows; they are reported here.
    const batch = batchFromCsv(csv('occurredAt,utmSource,value', 'a,"b"x,1', 'c,d,2', 'e,f,3', ''), COLUMNS);
    expect(batch.records).toEqual([]);
    expect(batch.rejected).toEqual([
      { line: 2, errors: ['the row has a misplaced or unclosed double quote'] },
      { line: 3, errors: ['lines 3 to 4 cannot be read after the error above; check the double quotes'] },
    ]);
  });

  it('numbers a record spanning lines (a quoted line break) by its first line, and keeps a stray quote inside a cell', () => {
    const batch = batchFromCsv(csv('occurredAt,utmSource,value', 'a,"two', 'lines",1', 'b,say "hi",2'), COLUMNS);
    expect(batch.rejected).toEqual([]);
    expect(batch.records).toEqual([
      { ref: { line: 2 }, raw: { occurredAt: 'a', utmSource: 'two\nlines', value: 1 } },
      { ref: { line: 4 }, raw: { occurredAt: 'b', utmSource: 'say "hi"', value: 2 } },
    ]);
  });

  it('reads a quoted cell with a comma, a byte-order mark and semicolons', () => {
    const batch = batchFromCsv(Buffer.from('\uFEFFoccurredAt;utmSource\n2026-03-01T00:00:00Z;"a;b"\n', 'utf8'), COLUMNS);
    expect(batch.records).toEqual([{ ref: { line: 2 }, raw: { occurredAt: '2026-03-01T00:00:00Z', utmSource: 'a;b' } }]);
  });

  it('refuses the whole file when the header is wrong, the file is empty or has no rows', () => {
    expect(badRequest(() => batchFromCsv(csv('occurredAt,campaign', 'a,b'), COLUMNS))).toMatch(/unknown column\(s\): campaign/);
    expect(badRequest(() => batchFromCsv(csv('value', '1'), COLUMNS))).toMatch(/missing required column\(s\): occurredAt/);
    expect(badRequest(() => batchFromCsv(csv(''), COLUMNS))).toMatch(/empty/);
    expect(badRequest(() => batchFromCsv(csv('occurredAt,value'), COLUMNS))).toMatch(/no rows/);
  });

  it('refuses more than 5,000 rows', () => {
    const rows = Array.from({ length: 5001 }, () => '2026-03-01T00:00:00Z');
    expect(badRequest(() => batchFromCsv(csv('occurredAt', ...rows), COLUMNS))).toMatch(/at most 5000 rows per file \(got 5001\)/);
  });
});
