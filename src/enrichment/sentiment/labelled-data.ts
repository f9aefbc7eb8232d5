import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { SENTIMENT_LABELS } from '../enrichment.types';
import type { LabelledText } from './sentiment-training';
import type { LexiconLanguage } from './lexicon-analyzer';

const Row = z.object({ text: z.string(), label: z.enum(SENTIMENT_LABELS) });

export interface LabelledFile {
  path: string;
  name: string;
  sha256: string;
  rows: LabelledText[];
  /** 'en' or 'pt' when the file name starts with it (en-dev.jsonl), else undefined. */
  language?: LexiconLanguage;
}

/**
 * Hands each non-blank line of JSONL `content` (read from `path`) to `visit`, parsed, with its
 * 1-based line number so that the caller's schema errors can name it too; a line that is not
 * JSON stops the read with `path:line`.
 */
export function forEachJsonLine(path: string, content: string, visit: (parsed: unknown, lineNumber: number) => void): void {
  content.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new Error(`${path}:${i + 1}: not JSON`);
    }
    visit(parsed, i + 1);
  });
}

/** 'en' or 'pt' when a data file's name starts with it (en-dev.jsonl, pt_train.jsonl), else undefined. */
export function fileNameLanguage(name: string): LexiconLanguage | undefined {
  return /^(en|pt)[-_.]/.exec(name)?.[1] as LexiconLanguage | undefined;
}

/** Reads a `{ "text", "label" }` JSONL file; a bad line stops with its line number. */
export function readLabelledFile(path: string): LabelledFile {
  const content = readFileSync(path, 'utf8');
  const rows: LabelledText[] = [];
  forEachJsonLine(path, content, (parsed, line) => {
    const row = Row.safeParse(parsed);
    if (!row.success) throw new Error(`${path}:${line}: expected { text, label: negative|neutral|positive }`);
    rows.push(row.data);
  });
  const name = basename(path);
  return { path, name, sha256: createHash('sha256').update(content).digest('hex'), rows, language: fileNameLanguage(name) };
}
