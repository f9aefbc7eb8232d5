import { formatChange, formatDuration, formatPeriod, formatValue } from './format';

describe('formatValue', () => {
  it.each<[number | null, Parameters<typeof formatValue>[1], 'en' | 'pt', string]>([
    [1234, 'count', 'en', '1,234'],
    [1234, 'count', 'pt', '1.234'],
    [12.345, 'percent', 'en', '12.3%'],
    [12.345, 'percent', 'pt', '12,3%'],
    [-20, 'score', 'en', '-20'],
    [35.5, 'score', 'en', '+35.5'],
    [0.5, 'decimal2', 'en', '0.50'],
    [3, 'decimal1', 'pt', '3,0'],
    [1500, 'money', 'en', 'R$1,500.00'],
    [45, 'duration', 'en', '45 s'],
    [754, 'duration', 'en', '13 min'],
    [11_100, 'duration', 'en', '3 h 05 min'],
    [190_800, 'duration', 'en', '2 d 5 h'],
    [null, 'count', 'en', '—'],
  ])('%p as %s (%s) is %p', (value, display, lang, expected) => {
    expect(formatValue(value, display, lang, 'BRL')).toBe(expected);
  });
});

describe('formatChange', () => {
  it('shows the percentage when there is one', () => {
    expect(formatChange({ absolute: 5, percent: 25 }, 'count', 'en')).toBe('+25%');
    expect(formatChange({ absolute: -1, percent: -12.5 }, 'count', 'pt')).toBe('-12,5%');
  });
  it('falls back to the absolute change when the previous value was 0, in points for a share', () => {
    expect(formatChange({ absolute: 7, percent: null }, 'count', 'en')).toBe('+7');
    expect(formatChange({ absolute: -2.5, percent: null }, 'percent', 'en')).toBe('−2.5 p.p.');
  });
  it('is a dash when either period is unknown', () => {
    expect(formatChange({ absolute: null, percent: null }, 'count', 'en')).toBe('—');
  });
  it('formats a duration change in time units', () => {
    expect(formatDuration(-90)).toBe('2 min');
  });
});

describe('formatPeriod', () => {
  it('names the last day of the week, not the exclusive end, in the digest’s zone', () => {
    expect(formatPeriod(new Date('2026-11-23T03:00:00Z'), new Date('2026-11-30T03:00:00Z'), 'America/Sao_Paulo', 'en')).toBe(
      'Nov 23 – Nov 29, 2026',
    );
  });
  it('names a single day once', () => {
    expect(formatPeriod(new Date('2026-11-29T03:00:00Z'), new Date('2026-11-30T03:00:00Z'), 'America/Sao_Paulo', 'en')).toBe(
      'Nov 29, 2026',
    );
  });
});
