import { BadRequestException, Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { isPrivateChannel } from '../common/visibility';
import { MentionsService, type MentionView } from '../mentions/mentions.service';
import { ALL_TOPICS } from '../mentions/schemas/mention-rollup.schema';
import { TopicsService } from '../topics/topics.service';
import { WorkspacesService } from '../workspaces/workspaces.service';
import type { ExplainQuery, ThemesQuery } from './dto/themes-query.dto';
import { extractPhrases } from './phrases';
import { langKey, themeRows } from './theme-counting';
import { ThemeRollupsRepository } from './theme-rollups.repository';
import { coverRange, explainShift, rankThemes, sumRows, type LabelFilter, type PeriodTotals, type ThemeStats } from './themes-report';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MAX_RANGE_MS = 400 * DAY_MS;
/**
 * Examples come from the newest mentions of the period's last hours (a short indexed range, so
 * the newest-first sort never covers a whole period); a theme none of them has gets its own small
 * query over the last rollup span that counted it.
 */
const EXAMPLE_SAMPLE = 200;
const EXAMPLE_WINDOW_MS = 6 * HOUR_MS;
const EXAMPLES = 3;

export interface ThemeExample {
  id: string;
  text: string;
  url: string;
  platform: string;
  createdAt: Date;
}

export type ThemeView = ThemeStats & { examples: ThemeExample[]; mentionsLink: string };

interface Scope {
  workspaceId: string;
  topic?: string;
  platform?: string;
  lang?: string;
}

const example = (m: MentionView): ThemeExample => ({ id: m.id, text: m.text, url: m.url, platform: m.platform, createdAt: m.createdAt });

/**
 * Themes of a period and explanations of a window (issue #19), read from the theme rollups;
 * mention rows are read only for a few examples.
 */
@Injectable()
export class ThemesService {
  constructor(
    private readonly rollups: ThemeRollupsRepository,
    private readonly mentions: MentionsService,
    private readonly topics: TopicsService,
    private readonly workspaces: WorkspacesService,
  ) {}

  async themes(workspaceId: string, q: ThemesQuery, now = new Date()) {
    const ws = await this.workspaces.get(workspaceId);
    const to = q.to ?? now;
    const from = q.from ?? new Date(to.getTime() - 7 * DAY_MS);
    await this.checkRange(workspaceId, from, to, q.topic);
    const prevFrom = new Date(from.getTime() - (to.getTime() - from.getTime()));
    const scope: Scope = { workspaceId, topic: q.topic, platform: q.platform, lang: q.lang };
    const filter: LabelFilter = { sentiment: q.sentiment, intent: q.intent };
    const [current, previous] = await Promise.all([this.totals(scope, from, to, filter), this.totals(scope, prevFrom, from, filter)]);
    const { top, emerging } = rankThemes(current, previous, q.limit ?? 20);
    const shown = [...new Map([...top, ...emerging].map((t) => [t.phrase, t])).values()];
    const examples = await this.examples(scope, filter, from, to, current, shown);
    const view = (t: ThemeStats): ThemeView => ({
      ...t,
      examples: examples.get(t.phrase) ?? [],
      mentionsLink: this.mentionsLink(t.phrase, from, to, scope, filter),
    });
    return {
      range: { from, to, tz: q.tz ?? ws.timezone, topic: q.topic ?? null, platform: q.platform ?? null, lang: q.lang ?? null },
      previous: { from: prevFrom, to: from, mentions: previous.mentions },
      mentions: current.mentions,
      themes: top.map(view),
      emerging: emerging.map(view),
    };
  }

  /**
   * What the window [from, to) talked about more and less than the `baselineDays` before it, by
   * share of mentions; the spike alerts attach the same for their hour.
   */
  async explain(workspaceId: string, q: ExplainQuery, now = new Date()) {
    const to = q.to ?? now;
    const from = q.from ?? new Date(to.getTime() - HOUR_MS);
    await this.checkRange(workspaceId, from, to, q.topic);
    const baselineFrom = new Date(from.getTime() - (q.baselineDays ?? 7) * DAY_MS);
    const scope: Scope = { workspaceId, topic: q.topic, platform: q.platform };
    const filter: LabelFilter = { sentiment: q.sentiment };
    const [window, baseline] = await Promise.all([this.totals(scope, from, to, filter), this.totals(scope, baselineFrom, from, filter)]);
    const { grew, shrank } = explainShift(window, baseline, q.limit ?? 10);
    const link = <T extends { phrase: string }>(s: T) => ({ ...s, mentionsLink: this.mentionsLink(s.phrase, from, to, scope, filter) });
    return {
      window: { from, to, mentions: window.mentions },
      baseline: { from: baselineFrom, to: from, mentions: baseline.mentions },
      topic: q.topic ?? null,
      sentiment: q.sentiment ?? null,
      grew: grew.map(link),
      shrank: shrank.map(link),
    };
  }

  private async checkRange(workspaceId: string, from: Date, to: Date, topic?: string): Promise<void> {
    if (from >= to) throw new BadRequestException('from: must be before to');
    if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw new BadRequestException('from: the range may span at most 400 days');
    if (topic) await this.topics.get(workspaceId, topic); // 404 for another workspace's topic
  }

  /**
   * The period's totals: stored hour and day rows for its whole hours and days, and its partial
   * hours at the edges counted from their mentions by the same code (`themeRows`), so [from, to)
   * is exact to the millisecond.
   */
  private async totals(scope: Scope, from: Date, to: Date, filter: LabelFilter): Promise<PeriodTotals> {
    const topicId = scope.topic ? new Types.ObjectId(scope.topic) : ALL_TOPICS;
    const { spans, edges } = coverRange(from, to);
    const [stored, ...edgeMentions] = await Promise.all([
      this.rollups.rows(new Types.ObjectId(scope.workspaceId), topicId, spans, { platform: scope.platform, lang: scope.lang }),
      // Only the filter's labels: the cells sumRows would drop anyway are not counted at all.
      ...edges.map((e) => this.mentions.themeMentions(scope.workspaceId, { ...scope, ...filter }, e.from, e.to)),
    ]);
    const counted = themeRows(edgeMentions.flat().filter((m) => !scope.lang || langKey(m.lang) === scope.lang));
    const rows = [...stored, ...counted];
    // Private care messages (WhatsApp) are not listening: counted only when their channel is asked for.
    return sumRows(scope.platform ? rows : rows.filter((r) => !isPrivateChannel(r.platform)), filter);
  }

  /**
   * Up to three example mentions per theme: from the period's newest mentions where they have it,
   * else from a query of the last rollup span that counted it (an indexed range, at most a day).
   */
  private async examples(scope: Scope, filter: LabelFilter, from: Date, to: Date, totals: PeriodTotals, themes: ThemeStats[]) {
    const base = { topic: scope.topic, platform: scope.platform, lang: scope.lang, sentiment: filter.sentiment, intent: filter.intent };
    const out = new Map<string, ThemeExample[]>(themes.map((t) => [t.phrase, []]));
    const recent = new Date(Math.max(from.getTime(), to.getTime() - EXAMPLE_WINDOW_MS));
    const newest = await this.mentions.list(scope.workspaceId, { ...base, from: recent, to, limit: EXAMPLE_SAMPLE });
    for (const m of newest.data) {
      for (const phrase of extractPhrases(m.text, m.lang)) {
        const list = out.get(phrase);
        if (list && list.length < EXAMPLES) list.push(example(m));
      }
    }
    const missing = themes.filter((t) => (out.get(t.phrase)?.length ?? 0) === 0 && totals.phrases.has(t.phrase));
    await Promise.all(
      missing.map(async (t) => {
        const span = totals.phrases.get(t.phrase)!;
        const page = await this.mentions.list(scope.workspaceId, {
          ...base,
          phrase: t.phrase,
          from: new Date(Math.max(from.getTime(), span.lastStart)),
          to: new Date(Math.min(to.getTime(), span.lastEnd)),
          limit: EXAMPLES,
        });
        out.set(t.phrase, page.data.map(example));
      }),
    );
    return out;
  }

  private mentionsLink(phrase: string, from: Date, to: Date, scope: Scope, filter: LabelFilter): string {
    const params = new URLSearchParams({ phrase, from: from.toISOString(), to: to.toISOString() });
    for (const [k, v] of Object.entries({ topic: scope.topic, platform: scope.platform, lang: scope.lang, ...filter }))
      if (v) params.set(k, v);
    return `/api/v1/mentions?${params.toString()}`;
  }
}
