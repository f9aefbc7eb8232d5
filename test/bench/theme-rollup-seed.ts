import type { Model, Types } from 'mongoose';
import type { Intent, SentimentLabel } from '../../src/common/labels';
import { extractPhrases } from '../../src/themes/phrases';
import type { ThemeRollup } from '../../src/themes/schemas/theme-rollup.schema';
import { labelCell, langKey, SPAN_MS } from '../../src/themes/theme-counting';

type Cells = Record<string, number>;

/**
 * The theme rollups ingestion would keep for bench-seeded mentions (bench:reports bulk-inserts
 * mentions without the ingestion path): the same phrases and label cells as `themeIncrements`,
 * summed per hour, then per UTC day (the spans ingestion keeps).
 */
export class ThemeRollupSeed {
  private readonly hours = new Map<string, { start: number; lang: string; m: Cells; p: Record<string, Cells> }>();
  private readonly phrasesOf = new Map<string, string[]>();

  add(m: { text: string; createdAt: Date; lang: string; sentiment: SentimentLabel; intent: Intent }): void {
    const k = `${m.lang}|${m.text}`;
    let phrases = this.phrasesOf.get(k);
    if (!phrases) this.phrasesOf.set(k, (phrases = extractPhrases(m.text, m.lang)));
    const start = Math.floor(m.createdAt.getTime() / SPAN_MS.hour) * SPAN_MS.hour;
    const lang = langKey(m.lang);
    const id = `${start}|${lang}`;
    let s = this.hours.get(id);
    if (!s) this.hours.set(id, (s = { start, lang, m: {}, p: {} }));
    const cell = labelCell(m.sentiment, m.intent);
    s.m[cell] = (s.m[cell] ?? 0) + 1;
    for (const ph of phrases) {
      const cells = (s.p[ph] ??= {});
      cells[cell] = (cells[cell] ?? 0) + 1;
    }
  }

  /** Inserts the hour and day rows for each scope (the whole workspace and the topic alike). */
  async insert(model: Model<ThemeRollup>, workspaceId: Types.ObjectId, topics: Types.ObjectId[], platform: string): Promise<number> {
    const rows: { span: 'hour' | 'day'; start: number; lang: string; m: Cells; p: Record<string, Cells> }[] = [];
    for (const span of ['hour', 'day'] as const) {
      const merged = new Map<string, (typeof rows)[number]>();
      for (const s of this.hours.values()) {
        const start = Math.floor(s.start / SPAN_MS[span]) * SPAN_MS[span];
        const id = `${start}|${s.lang}`;
        let r = merged.get(id);
        if (!r) merged.set(id, (r = { span, start, lang: s.lang, m: {}, p: {} }));
        for (const [c, n] of Object.entries(s.m)) r.m[c] = (r.m[c] ?? 0) + n;
        for (const [ph, cells] of Object.entries(s.p)) {
          const into = (r.p[ph] ??= {});
          for (const [c, n] of Object.entries(cells)) into[c] = (into[c] ?? 0) + n;
        }
      }
      rows.push(...merged.values());
    }
    const docs = topics.flatMap((topicId) =>
      rows.map((r) => ({ workspaceId, topicId, span: r.span, start: new Date(r.start), platform, lang: r.lang, m: r.m, p: r.p })),
    );
    for (let i = 0; i < docs.length; i += 5000) await model.collection.insertMany(docs.slice(i, i + 5000), { ordered: false });
    // Inserted: the seed holds nothing more (the timed calls then run on a heap without it).
    this.hours.clear();
    this.phrasesOf.clear();
    return docs.length;
  }
}
