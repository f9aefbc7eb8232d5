import { guardFormulaCell, unguardFormulaCell } from './csv-formula-guard';

describe('CSV formula guard', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
    ['@acme my card', `'@acme my card`],
    ['-2+3', `'-2+3`],
    ['+55 11 9999', `'+55 11 9999`],
    ['\tcmd', `'\tcmd`],
    ['plain text', 'plain text'],
    ["'quoted already", "'quoted already"],
  ])('%j is exported as %j and read back as it was', (text, cell) => {
    expect(guardFormulaCell(text)).toBe(cell);
    expect(unguardFormulaCell(cell)).toBe(text);
  });
});
