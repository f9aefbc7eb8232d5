import { Injectable, NotFoundException } from '@nestjs/common';
import { MentionCorrectionsService } from '../mentions/mention-corrections.service';
import { MentionsService } from '../mentions/mentions.service';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { isSupportRequest } from './case-lifecycle';
import { withVersionRetry } from './case-placement.service';
import { toCaseView } from './case-views';
import { CasesRepository } from './cases.repository';
import { CasesService } from './cases.service';
import { BulkCasesDto, UnansweredQuery } from './dto/triage.dto';
import { priorityRank } from './priority';
import { notSupportByAgent, triageFields } from './triage';
import { VipAuthorsService } from './vip-authors.service';

export type BulkResult = { id: string; ok: true } | { id: string; ok: false; status: number; error: string };

/**
 * The triage list agents work from: open cases awaiting our reply, each with its latest customer
 * message, why it waits, the wait since the message that needs an answer, and its priority
 * (priority.ts); filtered and sorted. And the list's bulk actions, one result per case.
 */
@Injectable()
export class TriageService {
  constructor(
    private readonly cases: CasesRepository,
    private readonly inbox: CasesService,
    private readonly workspaces: WorkspacesService,
    private readonly vips: VipAuthorsService,
    private readonly mentions: MentionsService,
    private readonly corrections: MentionCorrectionsService,
  ) {}

  async unanswered(workspaceId: string, q: UnansweredQuery = {}, limit = 200) {
    const extra: Record<string, unknown> = {};
    if (q.platform) extra.platform = q.platform;
    if (q.team) extra.team = q.team;
    if (q.assignee) extra.assignee = q.assignee === 'none' ? null : q.assignee;
    if (q.intent) extra.intent = q.intent;
    if (q.sentiment) extra.sentiment = q.sentiment;
    if (q.lang) extra.lang = q.lang;
    if (q.breached !== undefined) extra.breachedAt = q.breached ? { $ne: null } : null;
    const [ws, vips] = await Promise.all([this.workspaces.get(workspaceId), this.vips.keys(workspaceId)]);
    // The VIP filter is applied after the read: VIPs are few, and a large read keeps them all in.
    const rows = await this.cases.awaitingForTriage(workspaceId, extra, q.vip === undefined ? limit : 2_000);
    const now = new Date();
    const slaSeconds = ws.settings.sla.firstResponseSeconds;
    // Reach: the followers the network reported on the customer's latest message.
    const latestMention = (c: (typeof rows)[number]) =>
      (c.messages ?? []).filter((m) => m.direction === 'inbound' && m.mentionId).sort((a, b) => b.at.getTime() - a.at.getTime())[0]
        ?.mentionId ?? null;
    const followers = await this.mentions.authorFollowers(
      workspaceId,
      rows.map(latestMention).filter((id): id is string => !!id),
    );
    const list = rows
      .map((c) => {
        const vip = vips.has(`${c.platform}:${c.customer.externalId}`);
        const reach = followers.get(latestMention(c) ?? '') ?? null;
        return { ...toCaseView(c), vip, ...triageFields(c, { slaSeconds, vip, followers: reach, now }) };
      })
      .filter((c) => q.vip === undefined || c.vip === q.vip)
      .slice(0, limit);
    const sort = q.sort ?? 'priority';
    const t = (d: Date | null | undefined) => (d ? d.getTime() : Number.MAX_SAFE_INTEGER);
    list.sort((a, b) => {
      if (sort === 'due') return t(a.firstResponseAt ? null : a.firstResponseDueAt) - t(b.firstResponseAt ? null : b.firstResponseDueAt);
      if (sort === 'priority') {
        const byLevel = priorityRank(a.priority.level) - priorityRank(b.priority.level);
        if (byLevel !== 0) return byLevel;
        if (a.priority.score !== b.priority.score) return b.priority.score - a.priority.score;
      }
      return t(a.waitingSince) - t(b.waitingSince);
    });
    return list;
  }

  /** Applies one action to each case; a case that fails does not stop the others. */
  async bulk(workspaceId: string, by: string, dto: BulkCasesDto): Promise<{ results: BulkResult[] }> {
    const results: BulkResult[] = [];
    for (const id of [...new Set(dto.ids)]) {
      try {
        if (dto.action === 'assign') await this.inbox.update(workspaceId, id, { assigneeId: dto.assigneeId ?? null });
        else if (dto.action === 'team') await this.inbox.update(workspaceId, id, { team: dto.team ?? null });
        else if (dto.action === 'resolve') await this.inbox.update(workspaceId, id, { status: 'resolved' });
        else await this.markNotSupport(workspaceId, id, by);
        results.push({ id, ok: true });
      } catch (err) {
        const e = err as { getStatus?: () => number; message?: string };
        if (typeof e.getStatus !== 'function') throw err;
        results.push({ id, ok: false, status: e.getStatus(), error: e.message ?? 'failed' });
      }
    }
    return { results };
  }

  /**
   * "Not support" is the agent's correction of the case's customer messages: each still read as a
   * support request is corrected to `other` through the correction loop (`PATCH /mentions/:id`'s
   * path), so the rollups and model-quality see it and the case closes as `not_support` by the case
   * rules. A case left open by that (a message without a stored mention) is closed directly.
   */
  private async markNotSupport(workspaceId: string, id: string, by: string) {
    const current = await this.cases.load(workspaceId, id);
    if (!current) throw new NotFoundException(`case ${id} not found`);
    const mentionIds = [
      ...new Set((current.messages ?? []).filter((m) => m.direction === 'inbound' && m.mentionId).map((m) => m.mentionId as string)),
    ];
    const labels = mentionIds.length > 0 ? await this.corrections.labels(workspaceId, mentionIds) : [];
    for (const l of labels) {
      if (isSupportRequest(l.intent)) await this.corrections.correct(workspaceId, l.id, { intent: 'other' }, by);
    }
    await withVersionRetry(async () => {
      const doc = await this.cases.load(workspaceId, id);
      if (!doc) throw new NotFoundException(`case ${id} not found`);
      const update = notSupportByAgent(doc.toObject(), by, new Date());
      if (update) await this.cases.save(doc, update);
    });
  }
}
