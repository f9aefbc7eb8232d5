import { BadRequestException, ServiceUnavailableException } from '@nestjs/common';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { answerIngest, batchFromJson, IncomingBatch, ingestReport, validateBatch, validateRecord } from './record-batch';

class Rating {
  @IsIn(['csat', 'nps']) type!: string;
  @IsInt() @Min(1) @Max(5) score!: number;
  @IsOptional() @IsString() note?: string;
}

function status400(fn: () => unknown): { message: unknown; rejected?: unknown } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestException);
    return (err as BadRequestException).getResponse() as { message: unknown };
  }
  throw new Error('expected a 400');
}

describe('batchFromJson', () => {
  it('takes one object as a single record, an array as a batch indexed from 0', () => {
    expect(batchFromJson({ a: 1 })).toEqual({ single: true, records: [{ ref: { index: 0 }, raw: { a: 1 } }], rejected: [] });
    expect(batchFromJson([{ a: 1 }, 'x'])).toEqual({
      single: false,
      records: [
        { ref: { index: 0 }, raw: { a: 1 } },
        { ref: { index: 1 }, raw: 'x' },
      ],
      rejected: [],
    });
  });

  it('refuses an empty array, more than 5,000 records, and a body that is not an object', () => {
    expect(status400(() => batchFromJson([])).message).toMatch(/non-empty array/);
    expect(status400(() => batchFromJson(Array.from({ length: 5001 }, () => ({})))).message).toMatch(
      /at most 5000 records per request \(got 5001\)/,
    );
    expect(status400(() => batchFromJson('hello')).message).toMatch(/JSON object or an array/);
    expect(status400(() => batchFromJson(null)).message).toMatch(/JSON object or an array/);
  });
});

describe('validateRecord', () => {
  it('names each bad field and refuses unknown ones', async () => {
    const result = await validateRecord(Rating, { type: 'ces', score: 9, extra: true });
    expect(result.value).toBeNull();
    expect(result.errors).toEqual(
      expect.arrayContaining([
        'type must be one of the following values: csat, nps',
        'score must not be greater than 5',
        'property extra should not exist',
      ]),
    );
  });

  it('refuses a record that is not an object', async () => {
    expect((await validateRecord(Rating, 42)).errors).toEqual(['record must be a JSON object']);
    expect((await validateRecord(Rating, [1])).errors).toEqual(['record must be a JSON object']);
  });

  it('returns the typed value of a good record', async () => {
    const result = await validateRecord(Rating, { type: 'csat', score: 4 });
    expect(result.errors).toBeNull();
    expect(result.value).toBeInstanceOf(Rating);
    expect(result.value).toMatchObject({ type: 'csat', score: 4 });
  });
});

describe('validateBatch', () => {
  it('keeps the good records, reports the bad ones by position, and runs the workspace check only on valid ones', async () => {
    const batch: IncomingBatch = batchFromJson([
      { type: 'csat', score: 5 },
      { type: 'csat', score: 0 },
      { type: 'nps', score: 2, note: 'late' },
    ]);
    const checked: unknown[] = [];
    const { valid, rejected } = await validateBatch(Rating, batch, (r) => {
      checked.push(r.score);
      return r.note === 'late' ? ['note is not allowed here'] : [];
    });
    expect(valid.map((v) => v.ref)).toEqual([{ index: 0 }]);
    expect(rejected).toEqual([
      { index: 1, errors: ['score must not be less than 1'] },
      { index: 2, errors: ['note is not allowed here'] },
    ]);
    expect(checked).toEqual([5, 2]);
  });
});

describe('ingestReport and answerIngest', () => {
  const kept = ingestReport(
    [
      { index: 2, id: 'b', status: 'updated' },
      { index: 0, id: 'a', status: 'stored' },
    ],
    [{ index: 1, errors: ['score must not be less than 1'] }],
  );

  it('counts stored and updated records and lists everything in input order', () => {
    expect(kept).toEqual({
      stored: 1,
      updated: 1,
      rejected: [{ index: 1, errors: ['score must not be less than 1'] }],
      records: [
        { index: 0, id: 'a', status: 'stored' },
        { index: 2, id: 'b', status: 'updated' },
      ],
    });
  });

  it('answers the report when anything was kept, even if only updated', () => {
    expect(answerIngest(batchFromJson([{}, {}]), kept)).toBe(kept);
    const allUpdates = ingestReport([{ index: 0, id: 'a', status: 'updated' }], []);
    expect(answerIngest(batchFromJson({}), allUpdates)).toBe(allUpdates);
  });

  it('is a 400 with the messages when the single object is invalid', () => {
    const report = ingestReport([], [{ index: 0, errors: ['score must not be less than 1'] }]);
    expect(status400(() => answerIngest(batchFromJson({}), report)).message).toEqual(['score must not be less than 1']);
  });

  it('is a 400 with the per-record report when every record of a batch was rejected', () => {
    const report = ingestReport(
      [],
      [
        { line: 2, errors: ['x'] },
        { line: 3, errors: ['y'] },
      ],
    );
    const body = status400(() => answerIngest(batchFromJson([{}, {}]), report));
    expect(body.message).toBe('no record was stored: all 2 were rejected');
    expect(body.rejected).toEqual(report.rejected);
  });

  it('is a 503, not a 400, when nothing was kept because the database failed', () => {
    const failed = ingestReport(
      [],
      [
        { index: 0, errors: ['bad'] },
        { index: 1, errors: ['database'], retry: true },
      ],
    );
    const batch = () => answerIngest(batchFromJson([{}, {}]), failed);
    expect(batch).toThrow(ServiceUnavailableException);
    expect(caught(batch).getResponse()).toMatchObject({ message: 'no record was stored: all 2 were rejected', rejected: failed.rejected });
    const single = ingestReport([], [{ index: 0, errors: ['database'], retry: true }]);
    expect(() => answerIngest(batchFromJson({}), single)).toThrow(ServiceUnavailableException);
    const partly = ingestReport([{ index: 0, id: 'a', status: 'stored' }], [{ index: 1, errors: ['database'], retry: true }]);
    expect(answerIngest(batchFromJson([{}, {}]), partly)).toBe(partly);
  });
});

function caught(fn: () => unknown): ServiceUnavailableException {
  try {
    fn();
  } catch (err) {
    return err as ServiceUnavailableException;
  }
  throw new Error('did not throw');
}

describe('validationMessages', () => {
  it('names only the type problem of a value of the wrong type, not its range', async () => {
    expect((await validateRecord(Rating, { type: 'csat', score: 'many' })).errors).toEqual(['score must be an integer number']);
    expect((await validateRecord(Rating, { type: 'csat', score: 9 })).errors).toEqual(['score must not be greater than 5']);
  });
});
