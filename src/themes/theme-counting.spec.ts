import { Types } from 'mongoose';
import { prng } from '../common/prng';
import { extractPhrases } from './phrases';
import { labelCell, langKey, spanStart, themeIncrements, themeRows, type ThemeMention } from './theme-counting';

/** The plain computation: every mention added to each of its rows (scope × span), one by one. */
function reference(
  entries: { row: ThemeMention; topics: Types.ObjectId[] }[],
  delta: number,
  spans: readonly ('hour' | 'day')[] = ['hour', 'day'],
): Map<string, Record<string, number>> {
  const rows = new Map<string, Record<string, number>>();
  for (const { row, topics } of entries) {
    const cell = labelCell(row.sentiment.label, row.intent);
    const phrases = extractPhrases(row.text ?? '', row.lang).filter((p) => p !== 'constructor' && p !== 'prototype');
    for (const span of spans)
      for (const topic of topics) {
        const id = `${String(topic)}|${span}|${spanStart(span, row.createdAt).getTime()}|${row.platform}|${langKey(row.lang)}`;
        const inc = rows.get(id) ?? {};
        rows.set(id, inc);
        for (const path of [`m.${cell}`, ...phrases.map((p) => `p.${p}.${cell}`)]) inc[path] = (inc[path] ?? 0) + delta;
      }
  }
  return rows;
}

const TEXTS = [
  'meu cartão foi bloqueado, preciso de ajuda',
  'my lumi card was charged twice, please help',
  'quero contratar o plano da lumi',
  'Adoro a Lumi, atendimento excelente!',
  'the lumi app keeps crashing when I open my statement',
  'the constructor of the prototype is broken',
];

describe('themeIncrements', () => {
  const ws = new Types.ObjectId();
  const all = new Types.ObjectId();
  const topics = [new Types.ObjectId(), new Types.ObjectId()];

  /** `n` mentions over four hours across a UTC midnight, in one or both scopes. */
  const randomEntries = (seed: number, n: number) => {
    const rand = prng(seed);
    const start = Date.UTC(2026, 2, 2, 22, 0);
    return Array.from({ length: n }, () => {
      const scopes = seed === 2 && rand() < 0.3 ? [topics[Math.floor(rand() * 2)]] : [all, topics[0]];
      const row: ThemeMention = {
        workspaceId: ws,
        platform: rand() < 0.8 ? 'x' : 'bluesky',
        createdAt: new Date(start + Math.floor(rand() * 4 * 3600_000)),
        lang: rand() < 0.5 ? 'pt' : 'en',
        text: TEXTS[Math.floor(rand() * TEXTS.length)],
        sentiment: { label: (['negative', 'neutral', 'positive'] as const)[Math.floor(rand() * 3)] },
        intent: (['support', 'complaint', 'question', 'lead', 'praise', 'other'] as const)[Math.floor(rand() * 6)],
      };
      return { row, topics: scopes };
    });
  };

  it.each([
    ['one page of one topic (both scopes)', 1, 100, 1],
    ['mixed scopes: stored and linked mentions', 2, 300, 1],
    ['a correction taking counts out', 3, 5, -1],
  ])('%s: equal to adding each mention to each of its rows', (_name, seed, n, delta) => {
    const entries = randomEntries(seed, n);
    const got = themeIncrements(entries, delta);
    const want = reference(entries, delta);
    expect(got).toHaveLength(want.size);
    for (const { key, inc } of got) {
      const id = `${String(key.topicId)}|${key.span}|${key.start.getTime()}|${key.platform}|${key.lang}`;
      expect({ id, inc }).toEqual({ id, inc: want.get(id) });
      expect(key.workspaceId).toBe(ws);
    }
  });

  it('gives the same keys in the same order for the same mention under other labels (a correction merges them by index)', () => {
    const row: ThemeMention = {
      workspaceId: ws,
      platform: 'x',
      createdAt: new Date('2026-03-02T23:50:00Z'),
      lang: 'pt',
      text: TEXTS[0],
      sentiment: { label: 'negative' },
      intent: 'support',
    };
    const out = themeIncrements([{ row, topics: [all, topics[0]] }], -1);
    const into = themeIncrements([{ row: { ...row, sentiment: { label: 'positive' }, intent: 'praise' }, topics: [all, topics[0]] }]);
    expect(into.map((r) => r.key)).toEqual(out.map((r) => r.key));
  });

  it('counts only hours and days: no 15-minute rows are kept', () => {
    expect(new Set(themeIncrements(randomEntries(1, 50)).map((i) => i.key.span))).toEqual(new Set(['hour', 'day']));
  });

  it('themeRows: the hour rows of one scope, nested as the repository reads them', () => {
    const entries = randomEntries(4, 200).map((e) => ({ ...e, topics: [all] }));
    const want = reference(entries, 1, ['hour']);
    const got = themeRows(entries.map((e) => e.row));
    expect(got).toHaveLength(want.size);
    for (const r of got) {
      const flat: Record<string, number> = {};
      for (const [cell, n] of Object.entries(r.m)) flat[`m.${cell}`] = n;
      for (const [phrase, cells] of Object.entries(r.p)) for (const [cell, n] of Object.entries(cells)) flat[`p.${phrase}.${cell}`] = n;
      expect(r.span).toBe('hour');
      expect(flat).toEqual(want.get(`${String(all)}|hour|${r.start.getTime()}|${r.platform}|${r.lang}`));
    }
  });
});
