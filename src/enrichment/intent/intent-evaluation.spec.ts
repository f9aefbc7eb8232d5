import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Intent } from '../enrichment.types';
import { readIntentFile } from './intent-data';
import { intentReport } from './intent-evaluation';

describe('intentReport', () => {
  it('counts reply recall over intents and "reply" rows, false support over praise, other and "no-support" rows', () => {
    const rows = [
      { intent: 'support' as Intent, expect: null },
      { intent: 'complaint' as Intent, expect: null },
      { intent: 'question' as Intent, expect: null },
      { intent: null, expect: 'reply' as const },
      { intent: 'praise' as Intent, expect: null },
      { intent: 'other' as Intent, expect: null },
      { intent: null, expect: 'no-support' as const },
      { intent: 'lead' as Intent, expect: null },
    ];
    const predicted: Intent[] = ['complaint', 'support', 'lead', 'question', 'support', 'question', 'other', 'question'];
    const r = intentReport(rows, predicted);
    // Replies: support->complaint, complaint->support, question->lead (missed), reply->question: 3 of 4.
    expect(r.reply).toEqual({ n: 4, recall: 0.75 });
    // Praise->support counts, other->question opens a case but is not support, no-support->other is fine; lead is neither.
    expect(r.falseSupport).toEqual({ n: 3, rate: 1 / 3 });
    expect(r.falseCase).toEqual({ n: 3, rate: 2 / 3 });
    expect(r.n).toBe(6);
    expect(r.accuracy).toBe(0);
    expect(r.perIntent.support).toEqual({ precision: 0, recall: 0, support: 1 });
    expect(r.perIntent.question).toEqual({ precision: 0, recall: 0, support: 1 });
    expect(r.confusion[0][1]).toBe(1); // support called complaint
  });

  it('gives null, not 0, for a ratio with nothing to count', () => {
    const r = intentReport([{ intent: 'praise', expect: null }], ['praise']);
    expect(r.reply.recall).toBeNull();
    expect(r.perIntent.support.precision).toBeNull();
    expect(r.perIntent.praise).toEqual({ precision: 1, recall: 1, support: 1 });
  });
});

describe('readIntentFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'intent-'));

  it('maps CLINC150 rows, drops intents the mapping leaves out, and takes the language from the file name', () => {
    const path = join(dir, 'en-clinc.jsonl');
    writeFileSync(
      path,
      [
        { text: 'my card got declined', intent: 'card_declined', domain: 'credit_cards', split: 'train' },
        { text: 'set an alarm', intent: 'alarm', domain: 'utility', split: 'val' },
        { text: 'change my insurance', intent: 'insurance_change', domain: 'work', split: 'train' },
        { text: 'what is my balance', intent: 'balance', domain: 'banking', split: 'test' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const file = readIntentFile(path);
    expect(file.unmapped).toBe(1);
    expect(file.rows.map((r) => [r.intent, r.split, r.lang])).toEqual([
      ['support', 'train', 'en'],
      ['other', 'val', 'en'],
      ['question', 'test', 'en'],
    ]);
  });

  it('names the line of an intent it does not know', () => {
    const path = join(dir, 'bad.jsonl');
    writeFileSync(path, '{"text":"hi","intent":"praise"}\n{"text":"yo","intent":"chit-chat"}\n');
    expect(() => readIntentFile(path)).toThrow(/bad\.jsonl:2: intent must be one of/);
  });
});
