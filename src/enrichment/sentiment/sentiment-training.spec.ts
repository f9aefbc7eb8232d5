import { LexiconAnalyzer } from './lexicon-analyzer';
import { DEFAULT_TRAINING_CONFIG, LabelledText, trainLanguageModel } from './sentiment-training';

describe('trainLanguageModel', () => {
  const analyzer = new LexiconAnalyzer();
  const rows: LabelledText[] = [];
  const fill = (label: LabelledText['label'], texts: string[]) => texts.forEach((text) => rows.push({ text, label }));
  for (let i = 0; i < 6; i++) {
    fill('positive', [`love the new update ${i}`, `great service today ${i}`, `thanks, works perfectly ${i}`]);
    fill('negative', [`worst app ever ${i}`, `still broken, terrible ${i}`, `i hate waiting ${i}`]);
    fill('neutral', [`store opens at ${i} pm`, `new version out on monday ${i}`, `game tonight at ${i}`]);
  }

  it('picks the penalties from its grid by inner cross-validation on its own rows and records them', () => {
    const config = { ...DEFAULT_TRAINING_CONFIG.en, search: { l2: [5, 50], l2Dense: [0.3, 3], folds: 3 } };
    const model = trainLanguageModel(analyzer, 'en', rows, config);
    expect(model.penalties?.tried).toHaveLength(4);
    const best = Math.max(...(model.penalties?.tried ?? []).map((t) => t.macroF1));
    const picked = model.penalties?.tried.find((t) => t.l2 === model.penalties?.l2 && t.l2Dense === model.penalties?.l2Dense);
    expect(picked?.macroF1).toBe(best);
  });

  it('uses the fixed penalties when there is no grid', () => {
    const model = trainLanguageModel(analyzer, 'en', rows, { ...DEFAULT_TRAINING_CONFIG.en, search: undefined });
    expect(model.penalties).toBeUndefined();
    expect(model.buckets.length).toBeGreaterThan(0);
  });
});
