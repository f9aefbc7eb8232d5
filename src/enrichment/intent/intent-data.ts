import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { Intent, INTENTS } from '../enrichment.types';
import { fileNameLanguage, forEachJsonLine } from '../sentiment/labelled-data';
import { mapClincIntent } from './clinc-mapping';

/**
 * A labelled post for the intent model: its intent, or only what it must get
 * (`reply`: support, complaint or question; `no-support`: anything but support or complaint).
 */
export interface IntentExample {
  text: string;
  intent: Intent | null;
  expect: 'reply' | 'no-support' | null;
  /** The language the post is written in, when known (the platform would send it). */
  lang: string | null;
  /** CLINC150 rows: their split (train, val, test, oos_*) and original intent. */
  split?: string;
  source?: string;
  /** Weight in the training loss (default 1). */
  weight?: number;
}

export interface IntentFile {
  path: string;
  name: string;
  sha256: string;
  rows: IntentExample[];
  /** Rows of CLINC150 intents that the mapping leaves out. */
  unmapped: number;
}

const Row = z
  .object({
    text: z.string(),
    intent: z.string().optional(),
    expect: z.enum(['reply', 'no-support']).optional(),
    lang: z.string().optional(),
    domain: z.string().optional(),
    split: z.string().optional(),
  })
  .refine((r) => r.intent !== undefined || r.expect !== undefined);

/**
 * Reads `{ text, intent }` or `{ text, expect: "reply" | "no-support" }` JSONL. Rows of CLINC150
 * (`{ text, intent, domain, split }`) have their intent mapped to ours (`clinc-mapping.ts`);
 * intents the mapping leaves out are dropped and counted. A file named `en-…` or `pt-…` gives
 * its rows that language unless a row says otherwise.
 */
export function readIntentFile(path: string): IntentFile {
  const content = readFileSync(path, 'utf8');
  const name = basename(path);
  const fileLang = fileNameLanguage(name) ?? null;
  const rows: IntentExample[] = [];
  let unmapped = 0;
  forEachJsonLine(path, content, (parsed, line) => {
    const row = Row.safeParse(parsed);
    if (!row.success) throw new Error(`${path}:${line}: expected { text, intent } or { text, expect: "reply" | "no-support" }`);
    const r = row.data;
    let intent: Intent | null = null;
    if (r.intent !== undefined) {
      if ((INTENTS as readonly string[]).includes(r.intent)) intent = r.intent as Intent;
      else if (r.domain !== undefined) {
        intent = mapClincIntent(r.intent);
        if (intent === null) {
          unmapped++;
          return;
        }
      } else throw new Error(`${path}:${line}: intent must be one of ${INTENTS.join(', ')} (got "${r.intent}")`);
    }
    rows.push({
      text: r.text,
      intent,
      expect: r.expect ?? null,
      lang: r.lang ?? fileLang,
      ...(r.split !== undefined ? { split: r.split, source: r.intent } : {}),
    });
  });
  return { path, name, sha256: createHash('sha256').update(content).digest('hex'), rows, unmapped };
}

/** Whether a post with this gold label must open a case. */
export function needsReply(row: Pick<IntentExample, 'intent' | 'expect'>): boolean | null {
  if (row.intent) return row.intent === 'support' || row.intent === 'complaint' || row.intent === 'question';
  return row.expect === 'reply' ? true : row.expect === 'no-support' ? false : null;
}
