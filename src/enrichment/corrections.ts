import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import { unguardFormulaCell } from '../common/csv-formula-guard';
import { Intent, INTENTS, SENTIMENT_LABELS, SentimentLabel } from './enrichment.types';

/** One corrected mention from `GET /api/v1/exports/corrections.csv`: the labels an agent set. */
export interface CorrectionRow {
  text: string;
  lang: string | null;
  sentiment: SentimentLabel | null;
  intent: Intent | null;
}

export interface CorrectionsFile {
  path: string;
  name: string;
  sha256: string;
  rows: CorrectionRow[];
}

/**
 * Reads a workspace's corrections export (a header row with at least `text`, `lang`,
 * `sentiment`, `intent`; a label cell is empty where the agent did not correct it). A bad row
 * stops the training with its line number rather than teaching the model a typo.
 */
export function readCorrectionsFile(path: string): CorrectionsFile {
  const content = readFileSync(path, 'utf8');
  let records: Record<string, string>[];
  try {
    records = parse<Record<string, string>>(content, { columns: true, skip_empty_lines: true, bom: true, trim: false });
  } catch (error) {
    throw new Error(`${path}: not a CSV file (${(error as Error).message})`, { cause: error });
  }
  if (records.length > 0) {
    const missing = ['text', 'lang', 'sentiment', 'intent'].filter((column) => !(column in records[0]));
    if (missing.length > 0) throw new Error(`${path}: missing column(s) ${missing.join(', ')}`);
  }
  const rows = records.map((record, i) => {
    const line = i + 2;
    const sentiment = record.sentiment.trim();
    const intent = record.intent.trim();
    if (sentiment && !(SENTIMENT_LABELS as readonly string[]).includes(sentiment)) {
      throw new Error(`${path}:${line}: sentiment must be one of ${SENTIMENT_LABELS.join(', ')} or empty (got "${sentiment}")`);
    }
    if (intent && !(INTENTS as readonly string[]).includes(intent)) {
      throw new Error(`${path}:${line}: intent must be one of ${INTENTS.join(', ')} or empty (got "${intent}")`);
    }
    if (!record.text.trim()) throw new Error(`${path}:${line}: empty text`);
    return {
      // the export guards cells that would start a spreadsheet formula with a quote
      text: unguardFormulaCell(record.text),
      lang: record.lang.trim() || null,
      sentiment: (sentiment || null) as SentimentLabel | null,
      intent: (intent || null) as Intent | null,
    };
  });
  return { path, name: basename(path), sha256: createHash('sha256').update(content).digest('hex'), rows };
}
