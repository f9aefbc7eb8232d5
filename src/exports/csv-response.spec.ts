import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import type { Response } from 'express';
import { csvCell, sendCsv } from './csv-response';

describe('csvCell', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', "'\rcmd"],
    ['=1+1', "'=1+1"],
    ['plain text', 'plain text'],
    ['a=b', 'a=b'],
    [' =1', ' =1'],
    ["'already quoted", "'already quoted"],
    ['', ''],
  ])('text %j is written as %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it.each([
    [-5, -5],
    [3.5, 3.5],
    [0, 0],
    [true, true],
    [false, false],
    [null, null],
    [undefined, null],
  ])('%p stays %p (numbers are not text)', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('writes dates as ISO instants and other values as their text, escaped too', () => {
    expect(csvCell(new Date('2026-03-01T12:00:00Z'))).toBe('2026-03-01T12:00:00.000Z');
    expect(csvCell({ toString: () => '=cmd' })).toBe("'=cmd");
  });
});

describe('sendCsv', () => {
  it('streams a file in which no cell starts a formula, and numbers stay numbers', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const headers: Record<string, string> = {};
    const res = Object.assign(out, { status: () => res, setHeader: (k: string, v: string) => (headers[k] = v) }) as unknown as Response;
    async function* rows() {
      yield { text: '=HYPERLINK("http://x","y")', n: -2 };
      yield { text: '@SUM(A1)', n: 7 };
    }
    await sendCsv(
      res,
      'x.csv',
      [
        { header: 'text', value: (r: { text: string; n: number }) => r.text },
        { header: 'n', value: (r) => r.n },
      ],
      rows(),
    );
    const text = Buffer.concat(chunks).toString('utf8');
    const parsed: string[][] = parse(text, { bom: true });
    const cells = parsed.flat();
    expect(cells).toEqual(['text', 'n', `'=HYPERLINK("http://x","y")`, '-2', "'@SUM(A1)", '7']);
    expect(headers['Content-Type']).toBe('text/csv; charset=utf-8');
  });
});
