/**
 * Measures the sentiment scorer on human-labelled posts, through the service's own enrichment
 * pipeline (language detection included).
 *
 *   npm run eval:sentiment -- ../shared/data/sentiment/en-dev.jsonl [more.jsonl ...] [--baseline]
 *   npm run eval:sentiment -- --cv 5 --files ../shared/data/sentiment/pt-train.jsonl ../shared/data/sentiment/pt-dev.jsonl --baseline
 *   npm run eval:sentiment -- --rules-only file.jsonl     # lexicon + rules, learned layer off
 *
 * Input: one `{ "text", "label" }` JSON object a line, label negative | neutral | positive.
 * Plain mode scores each file with the committed model and warns when the file was among its
 * training files (in-sample figures say nothing; use --cv). --cv K retrains the learned layer
 * on K-1 folds and scores the held-out fold, K times, over all the files given.
 */
import { resolve } from 'node:path';
import { createEnrichmentService } from '../../enrichment.factory';
import { SENTIMENT_LABELS } from '../../enrichment.types';
import { baselineLabels, crossValidate, evaluateWithService, EvaluationResult, EvaluationRow } from '../../sentiment-evaluation';
import { ClassificationReport, classificationReport } from '../classification-metrics';
import { LabelledFile, readLabelledFile } from '../labelled-data';
import { defaultSentimentModel } from '../sentiment-scorer';

interface Args {
  files: string[];
  folds: number;
  baseline: boolean;
  rulesOnly: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { files: [], folds: 0, baseline: false, rulesOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--cv') args.folds = Number(argv[++i]);
    else if (arg === '--files') continue;
    else if (arg === '--baseline') args.baseline = true;
    else if (arg === '--rules-only') args.rulesOnly = true;
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: eval-sentiment [--baseline] [--rules-only] [--cv K] [--files] file.jsonl ...');
      process.exit(0);
    } else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else args.files.push(resolve(arg));
  }
  if (args.files.length === 0) throw new Error('give at least one .jsonl file (see --help)');
  if (args.folds && (!Number.isInteger(args.folds) || args.folds < 2)) throw new Error('--cv needs an integer >= 2');
  return args;
}

const f4 = (x: number) => x.toFixed(4);

function printReport(title: string, result: EvaluationResult, baselines?: { name: string; report: ClassificationReport }[]) {
  const r = result.report;
  console.log(`\n${title}`);
  console.log(`  n=${r.n}  accuracy=${f4(r.accuracy)}  macro-F1=${f4(r.macroF1)}  macro-recall=${f4(r.macroRecall)}`);
  console.log(
    `  speed: ${Math.round(result.textsPerSecond).toLocaleString('en-US')} texts/s (enrich() after a warm-up pass, one thread; ` +
      'test/bench/bench-enrichment.ts measures it properly)',
  );
  console.log('  confusion (rows gold, columns predicted):');
  console.log(`  ${''.padEnd(10)}${SENTIMENT_LABELS.map((l) => l.padStart(10)).join('')}`);
  SENTIMENT_LABELS.forEach((label, i) => {
    console.log(`  ${label.padEnd(10)}${r.confusion[i].map((c) => String(c).padStart(10)).join('')}`);
  });
  console.log(`  per class F1: ${SENTIMENT_LABELS.map((l) => `${l} ${f4(r.perClass[l].f1)}`).join(', ')}`);
  if (baselines?.length) {
    console.log('  side by side (same rows):');
    console.log(`    ${'scorer'.padEnd(34)}${'macro-F1'.padStart(10)}${'recall'.padStart(10)}${'accuracy'.padStart(10)}`);
    const rows = [{ name: 'ouvidor (this service)', report: r }, ...baselines];
    for (const b of rows) {
      console.log(
        `    ${b.name.padEnd(34)}${f4(b.report.macroF1).padStart(10)}${f4(b.report.macroRecall).padStart(10)}${f4(b.report.accuracy).padStart(10)}`,
      );
    }
    const diff = (x: number) => (x >= 0 ? '+' : '') + f4(x);
    console.log(
      `    macro-F1 difference: ${diff(r.macroF1 - baselines[0].report.macroF1)} vs AFINN-165 alone, ` +
        `${diff(r.macroF1 - baselines[1].report.macroF1)} vs AFINN-165 / pt AFINN translation`,
    );
  }
}

function baselineReports(rows: { text: string; label: (typeof SENTIMENT_LABELS)[number] }[]) {
  const gold = rows.map((r) => r.label);
  const b = baselineLabels(rows);
  return [
    { name: 'sentiment (AFINN-165) alone', report: classificationReport(gold, b.afinn) },
    { name: 'AFINN-165 / pt AFINN translation', report: classificationReport(gold, b.afinnByLanguage) },
  ];
}

function trainingFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const provenance = defaultSentimentModel().json.provenance as { files?: { file: string; sha256: string }[] };
  for (const f of provenance.files ?? []) files.set(f.sha256, f.file);
  return files;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const loaded: LabelledFile[] = args.files.map(readLabelledFile);

  if (args.folds) {
    const rows: EvaluationRow[] = loaded.flatMap((f) => f.rows.map((r) => ({ ...r, language: f.language })));
    const result = crossValidate(rows, args.folds);
    printReport(
      `${args.folds}-fold cross-validation over ${loaded.map((f) => f.name).join(' + ')} (learned layer retrained per fold)`,
      result,
      args.baseline ? baselineReports(rows) : undefined,
    );
    console.log(`  per fold macro-F1: ${result.folds.map((r) => f4(r.macroF1)).join(', ')}`);
    return;
  }

  const service = createEnrichmentService(args.rulesOnly ? { sentimentModel: null } : {});
  const seen = args.rulesOnly ? new Map<string, string>() : trainingFiles();
  for (const file of loaded) {
    const result = evaluateWithService(service, file.rows);
    printReport(
      `${file.name}${args.rulesOnly ? ' (lexicon and rules only)' : ''}`,
      result,
      args.baseline ? baselineReports(file.rows) : undefined,
    );
    const trainedOn = seen.get(file.sha256);
    if (trainedOn) {
      console.log(
        `  WARNING: the committed model was trained on this file (${trainedOn}); these figures are in-sample.` +
          ` For held-out figures run: npm run eval:sentiment -- --cv 5 --files ${file.path}`,
      );
    }
  }
}

main();
