import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCorrectionsFile } from './corrections';

describe('readCorrectionsFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'corrections-'));
  const write = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('reads the corrected labels, empty cells as not corrected, quoted commas and newlines kept', () => {
    const path = write(
      'ok.csv',
      'mentionId,text,lang,sentiment,intent,correctedBy\n' +
        'm1,"meu pix sumiu, e agora?",pt,negative,support,agent-1\n' +
        'm2,"great app\nlove it",en,,praise,agent-2\n' +
        'm3,just watching tv,,neutral,,agent-1\n',
    );
    expect(readCorrectionsFile(path).rows).toEqual([
      { text: 'meu pix sumiu, e agora?', lang: 'pt', sentiment: 'negative', intent: 'support' },
      { text: 'great app\nlove it', lang: 'en', sentiment: null, intent: 'praise' },
      { text: 'just watching tv', lang: null, sentiment: 'neutral', intent: null },
    ]);
  });

  it('takes off the quote the export puts before a cell that would start a formula', () => {
    const path = write(
      'guarded.csv',
      "text,lang,sentiment,intent\n'@acmebank my card never arrived,en,negative,support\n'=1+1 lol,en,neutral,other\n",
    );
    expect(readCorrectionsFile(path).rows.map((r) => r.text)).toEqual(['@acmebank my card never arrived', '=1+1 lol']);
  });

  it('names the line of a label it does not know, and a missing column', () => {
    expect(() => readCorrectionsFile(write('bad.csv', 'text,lang,sentiment,intent\nhi,en,positive,praise\nyo,en,happy,\n'))).toThrow(
      /bad\.csv:3: sentiment must be one of/,
    );
    expect(() => readCorrectionsFile(write('cols.csv', 'text,lang,intent\nhi,en,praise\n'))).toThrow(/missing column\(s\) sentiment/);
  });
});
