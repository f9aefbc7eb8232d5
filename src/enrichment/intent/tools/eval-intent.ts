/**
 * Measures intent on labelled posts through the service's own enrich() (language detection,
 * sentiment and the rules included).
 *
 *   npm run eval:intent -- src/enrichment/intent/posts/pt-intent-dev.jsonl [more.jsonl ...] [--rules-only]
 *   npm run eval:intent -- ../shared/data/intent/en-clinc150.jsonl          # CLINC150 val + oos_val, mapped
 *
 * Rows: `{ "text", "intent" }` (support, complaint, question, lead, praise, other) or
 * `{ "text", "expect": "reply" | "no-support" }`; an optional `lang` is passed as the platform's
 * language (files named en-… / pt-… give it to every row). CLINC150 rows are mapped by
 * clinc-mapping.ts and only its held-out splits are scored (`--split` picks others).
 * Prints per-intent precision and recall, the confusion matrix, the share of posts that need a
 * reply and open a case, and the share of praise and chatter called support or complaint. Warns
 * when a file's rows were training rows of the committed model (use train:intent's CV figures).
 */
import { resolve } from 'node:path';
import { createEnrichmentService } from '../../enrichment.factory';
import { Intent } from '../../enrichment.types';
import { CLINC_DEV_SPLITS } from '../clinc-mapping';
import { readIntentFile } from '../intent-data';
import { formatIntentReport, intentReport } from '../intent-evaluation';
import { defaultIntentModel } from '../intent-model';

function parseArgs(argv: string[]) {
  const files: string[] = [];
  let rulesOnly = false;
  let splits = CLINC_DEV_SPLITS;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--rules-only') rulesOnly = true;
    else if (arg === '--split') splits = argv[++i].split(',');
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: eval-intent [--rules-only] [--split val,oos_val] file.jsonl ...');
      process.exit(0);
    } else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else files.push(resolve(arg));
  }
  if (files.length === 0) throw new Error('give at least one .jsonl file (see --help)');
  return { files, rulesOnly, splits };
}

function main() {
  const { files, rulesOnly, splits } = parseArgs(process.argv.slice(2));
  const service = createEnrichmentService(rulesOnly ? { intentModel: null } : {});
  const provenance = defaultIntentModel().json.provenance as { files?: { file: string; sha256: string; use: string }[] };
  for (const path of files) {
    const file = readIntentFile(path);
    const isClinc = file.rows.some((r) => r.split !== undefined);
    const rows = isClinc ? file.rows.filter((r) => r.split !== undefined && splits.includes(r.split)) : file.rows;
    const start = process.hrtime.bigint();
    const predicted: Intent[] = rows.map((r) => service.enrich({ text: r.text, platformLang: r.lang }).intent);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const title =
      `${file.name}${isClinc ? ` (splits ${splits.join(', ')}; intents mapped, ${file.unmapped} rows of unmapped intents dropped)` : ''}` +
      `${rulesOnly ? ', keyword rules only' : ''}: ${rows.length} rows, ${Math.round(rows.length / seconds).toLocaleString('en-US')} posts/s`;
    console.log(formatIntentReport(title, intentReport(rows, predicted)));
    const trained = (provenance.files ?? []).find((f) => f.sha256 === file.sha256);
    if (trained && !rulesOnly && !(isClinc && splits.every((s) => CLINC_DEV_SPLITS.includes(s)))) {
      console.log(
        `  WARNING: the committed model was trained on ${trained.file} (${trained.use}); these figures are in-sample.` +
          ' Held-out figures: the k-fold CV printed by npm run train:intent (and in intent/model/PROVENANCE.md).',
      );
    }
    console.log('');
  }
}

main();
