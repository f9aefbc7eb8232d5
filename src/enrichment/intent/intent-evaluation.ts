import { Intent, INTENTS } from '../enrichment.types';
import { IntentExample, needsReply } from './intent-data';

export interface IntentReport {
  /** Rows with a gold intent. */
  n: number;
  accuracy: number | null;
  perIntent: Record<Intent, { precision: number | null; recall: number | null; support: number }>;
  /** confusion[gold][predicted], INTENTS order. */
  confusion: number[][];
  /** Posts that need a reply (support, complaint, question, or expect "reply") given one. */
  reply: { n: number; recall: number | null };
  /** Praise and chatter (praise, other, or expect "no-support") called support or complaint. */
  falseSupport: { n: number; rate: number | null };
  /** Praise and chatter given any case-opening intent (question included). */
  falseCase: { n: number; rate: number | null };
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

/** Per-intent precision and recall, the confusion matrix and the two figures a support desk needs. */
export function intentReport(rows: Pick<IntentExample, 'intent' | 'expect'>[], predicted: Intent[]): IntentReport {
  const K = INTENTS.length;
  const confusion = INTENTS.map(() => new Array<number>(K).fill(0));
  let n = 0;
  let correct = 0;
  let replyN = 0;
  let replyHit = 0;
  let quietN = 0;
  let quietSupport = 0;
  let quietCase = 0;
  rows.forEach((row, i) => {
    const p = predicted[i];
    const opensCase = p === 'support' || p === 'complaint' || p === 'question';
    if (row.intent) {
      n++;
      if (row.intent === p) correct++;
      confusion[INTENTS.indexOf(row.intent)][INTENTS.indexOf(p)]++;
    }
    const reply = needsReply(row);
    if (reply === true) {
      replyN++;
      if (opensCase) replyHit++;
    } else if (reply === false && row.intent !== 'lead') {
      quietN++;
      if (p === 'support' || p === 'complaint') quietSupport++;
      if (opensCase) quietCase++;
    }
  });
  const perIntent = {} as IntentReport['perIntent'];
  INTENTS.forEach((intent, k) => {
    const tp = confusion[k][k];
    const goldK = confusion[k].reduce((a, b) => a + b, 0);
    const predK = confusion.reduce((a, row) => a + row[k], 0);
    perIntent[intent] = { precision: ratio(tp, predK), recall: ratio(tp, goldK), support: goldK };
  });
  return {
    n,
    accuracy: ratio(correct, n),
    perIntent,
    confusion,
    reply: { n: replyN, recall: ratio(replyHit, replyN) },
    falseSupport: { n: quietN, rate: ratio(quietSupport, quietN) },
    falseCase: { n: quietN, rate: ratio(quietCase, quietN) },
  };
}

const pct = (x: number | null) => (x === null ? '  n/a' : `${(x * 100).toFixed(1)}%`);

/** The report as printed by eval:intent and train:intent. */
export function formatIntentReport(title: string, r: IntentReport): string {
  const lines = [title];
  lines.push(
    `  needs a reply: ${pct(r.reply.recall)} of ${r.reply.n} open a case (support, complaint or question)`,
    `  praise and chatter called support or complaint: ${pct(r.falseSupport.rate)} of ${r.falseSupport.n}` +
      ` (any case-opening intent: ${pct(r.falseCase.rate)})`,
  );
  if (r.n > 0) {
    lines.push(`  ${r.n} rows with an intent, accuracy ${pct(r.accuracy)}`);
    lines.push(`  ${'intent'.padEnd(10)}${'precision'.padStart(10)}${'recall'.padStart(10)}${'n'.padStart(7)}`);
    for (const intent of INTENTS) {
      const m = r.perIntent[intent];
      lines.push(`  ${intent.padEnd(10)}${pct(m.precision).padStart(10)}${pct(m.recall).padStart(10)}${String(m.support).padStart(7)}`);
    }
    lines.push('  confusion (rows gold, columns predicted):');
    lines.push(`  ${''.padEnd(10)}${INTENTS.map((l) => l.padStart(10)).join('')}`);
    INTENTS.forEach((intent, k) => {
      lines.push(`  ${intent.padEnd(10)}${r.confusion[k].map((c) => String(c).padStart(10)).join('')}`);
    });
  }
  return lines.join('\n');
}
