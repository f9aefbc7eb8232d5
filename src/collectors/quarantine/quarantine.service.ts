import { Injectable, Logger } from '@nestjs/common';
import { CollectionService } from '../collection.service';
import { QuarantineRepository, type QuarantinedRow, type QuarantineSelection } from './quarantine.repository';

export interface ReplayReport {
  /** quarantined items the selection matched (at most the replay's limit) */
  selected: number;
  /** what the replay stored for the first time */
  stored: { mentions: number; posts: number; replies: number };
  /** items stored meanwhile by a collection run */
  alreadyKnown: number;
  /** items the network answers but that are no longer posts of their stream (a repost, the brand's own) */
  notPosts: number;
  /** items that left quarantine (stored, known, or no longer posts) */
  released: number;
  /** items still faulty, with the latest problem; they stay in quarantine */
  stillRejected: { id: string; externalId: string | null; reason: string; problem: string }[];
  /** items that could not be read again; they stay in quarantine */
  unreadable: { id: string; externalId: string | null; why: string }[];
}

/** The rules of quarantine replays: which items, one topic at a time, and what leaves quarantine. */
@Injectable()
export class QuarantineService {
  private readonly logger = new Logger('Quarantine');

  constructor(
    private readonly repo: QuarantineRepository,
    private readonly collection: CollectionService,
  ) {}

  list(workspaceId: string, selection: QuarantineSelection, page: { cursor?: string; limit: number }) {
    return this.repo.list(workspaceId, selection, page);
  }

  async replay(workspaceId: string, selection: QuarantineSelection, limit: number): Promise<ReplayReport> {
    const rows = await this.repo.select(workspaceId, selection, limit);
    const report: ReplayReport = {
      selected: rows.length,
      stored: { mentions: 0, posts: 0, replies: 0 },
      alreadyKnown: 0,
      notPosts: 0,
      released: 0,
      stillRejected: [],
      unreadable: [],
    };
    const byTopic = new Map<string, QuarantinedRow[]>();
    for (const r of rows) byTopic.set(String(r.topicId), [...(byTopic.get(String(r.topicId)) ?? []), r]);
    for (const [topicId, items] of byTopic) {
      const outcome = await this.collection.replayQuarantined(topicId, items).catch((err: unknown) => {
        if ((err as { status?: number }).status === 404) return null;
        throw err;
      });
      if (!outcome) {
        for (const r of items) report.unreadable.push({ id: String(r._id), externalId: r.externalId, why: 'its topic no longer exists' });
        continue;
      }
      report.stored.mentions += outcome.stored.mentions;
      report.stored.posts += outcome.stored.posts;
      report.stored.replies += outcome.stored.replies;
      report.alreadyKnown += outcome.alreadyKnown;
      report.notPosts += outcome.notPosts;
      report.released += await this.repo.remove(outcome.resolved.map((r) => r._id));
      const latest = new Map(
        (await this.repo.select(workspaceId, { ids: outcome.stillRejected.map((r) => String(r._id)) }, limit)).map((r) => [
          String(r._id),
          r,
        ]),
      );
      for (const r of outcome.stillRejected) {
        const now = latest.get(String(r._id)) ?? r;
        report.stillRejected.push({ id: String(r._id), externalId: r.externalId, reason: now.reason, problem: now.problem });
      }
      for (const { row, why } of outcome.unreadable) report.unreadable.push({ id: String(row._id), externalId: row.externalId, why });
    }
    this.logger.log(
      {
        workspaceId,
        selected: report.selected,
        stored: report.stored,
        released: report.released,
        stillRejected: report.stillRejected.length,
        unreadable: report.unreadable.length,
      },
      'Quarantine replayed',
    );
    return report;
  }
}
