import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { AgentsService } from './agents/agents.service';
import { CaseHistory } from './case-history';
import { actionTimeProblem, assign, changeStatus, OPEN_STATUSES } from './case-lifecycle';
import { CasePlacementService, withVersionRetry } from './case-placement.service';
import { toCaseRow, toCaseView, type CaseExportRow } from './case-views';
import { CasesRepository, type ReportCaseFilter } from './cases.repository';
import { ListCasesQuery, RecordReplyDto, UpdateCaseDto } from './dto/case.dto';
import type { CaseRow } from '../common/rows';
import { DELIVERY_STATUSES, type DeliveryStatus } from './schemas/case.schema';

export { REOPEN_WINDOW_MS } from './case-lifecycle';
export type { CaseEvent } from './case-events';
export { caseSlaFor, slaClockFor, toCaseRow, toCaseView, type CaseExportRow } from './case-views';

/**
 * The inbox: cases as agents and reports read them, and the agents' actions on one case
 * (assign, resolve, reopen, record a reply). Placing collected messages is CasePlacementService's;
 * the rules are case-lifecycle's.
 */
@Injectable()
export class CasesService {
  constructor(
    private readonly cases: CasesRepository,
    private readonly placement: CasePlacementService,
    private readonly agents: AgentsService,
    private readonly history: CaseHistory,
  ) {}

  private async load(workspaceId: string, id: string) {
    const doc = await this.cases.load(workspaceId, id);
    if (!doc) throw new NotFoundException(`case ${id} not found`);
    return doc;
  }

  async get(workspaceId: string, id: string) {
    const doc = await this.load(workspaceId, id);
    return toCaseView(doc.toObject(), true);
  }

  /** `sent`: what the network answered when Ouvidor sent the reply itself (its web address). */
  async recordReply(workspaceId: string, id: string, dto: RecordReplyDto, sent: { url?: string } = {}) {
    await this.placement.recordReply(workspaceId, id, dto, sent);
    return this.get(workspaceId, id);
  }

  /**
   * Keeps a network's delivery report on the reply it is about (WhatsApp's sent, delivered, read,
   * failed). Reports may arrive out of order: the status only moves forward, except `failed`; the
   * same report twice is kept once. False when no case of the workspace holds that message.
   */
  async recordDeliveryStatus(
    workspaceId: string,
    platform: string,
    externalId: string,
    report: { status: DeliveryStatus; at: Date; error: string | null },
  ): Promise<boolean> {
    return withVersionRetry(async () => {
      const doc = await this.cases.byPost(workspaceId, platform, externalId);
      if (!doc) return false;
      const messages = doc.messages.map((m) => {
        if (m.externalId !== externalId || m.direction !== 'outbound') return m;
        const history = m.delivery?.history ?? [];
        if (history.some((h) => h.status === report.status && h.at.getTime() === report.at.getTime())) return m;
        const rank = (s: DeliveryStatus | undefined) => (s ? DELIVERY_STATUSES.indexOf(s) : -1);
        const advances = report.status === 'failed' || rank(report.status) > rank(m.delivery?.status);
        const current = advances
          ? { status: report.status, at: report.at, error: report.error }
          : { status: m.delivery!.status, at: m.delivery!.at, error: m.delivery!.error };
        return { ...m, delivery: { ...current, history: [...history, report] } };
      });
      doc.set({ messages });
      await this.cases.save(doc);
      return true;
    });
  }

  async update(workspaceId: string, id: string, dto: UpdateCaseDto) {
    if (dto.assigneeId && !(await this.agents.find(workspaceId, dto.assigneeId))) {
      throw new BadRequestException(`assigneeId: agent ${dto.assigneeId} not found in this workspace`);
    }
    if (dto.team) await this.agents.assertTeam(workspaceId, dto.team);
    const changed = await withVersionRetry(async () => {
      const doc = await this.load(workspaceId, id);
      const before = { assignee: doc.assignee, team: doc.team, status: doc.status };
      const at = dto.at ?? new Date();
      const problem = actionTimeProblem(at, doc.openedAt, new Date());
      if (problem) throw new BadRequestException(problem);
      const agentTeam = dto.assigneeId && dto.team === undefined ? (await this.agents.find(workspaceId, dto.assigneeId))?.team : undefined;
      const assigned = assign(doc, { assigneeId: dto.assigneeId, team: dto.team, agentTeam }, at);
      if (assigned) doc.set(assigned);
      if (dto.status) {
        const change = changeStatus(doc, dto.status, at);
        if ('conflict' in change) throw new ConflictException(change.conflict);
        doc.set(change.update);
      }
      await this.cases.save(doc);
      return { before, after: { assignee: doc.assignee, team: doc.team, status: doc.status }, at };
    });
    await this.history.record(workspaceId, id, changed.before, changed.after, changed.at);
    return this.get(workspaceId, id);
  }

  /** Every case matching the list filters, newest first, streamed from a cursor (CSV export). */
  async *exportRows(workspaceId: string, q: ListCasesQuery): AsyncGenerator<CaseExportRow> {
    for await (const c of this.cases.exportCursor(this.cases.listFilter(workspaceId, q))) {
      yield {
        ...toCaseRow(c),
        customer: c.customer.handle,
        intent: c.intent,
        sentiment: c.sentiment,
        firstResponseDueAt: c.firstResponseDueAt,
        breached: !!c.breachedAt,
      };
    }
  }

  async list(workspaceId: string, q: ListCasesQuery) {
    const filter = this.cases.listFilter(workspaceId, q);
    const sort: Record<string, 1 | -1> =
      q.sort === 'waiting' ? { awaitingReplySince: 1, openedAt: 1 } : q.sort === 'due' ? { firstResponseDueAt: 1 } : { openedAt: -1 };
    if (q.sort === 'waiting') filter.awaitingReplySince = { $ne: null };
    if (q.sort === 'due') filter.firstResponseAt = null;
    const { rows, total } = await this.cases.page(filter, sort, q.offset ?? 0, q.limit ?? 50);
    const now = Date.now();
    return {
      data: rows.map((c) => ({
        ...toCaseView(c),
        waitingSeconds:
          c.awaitingReplySince && OPEN_STATUSES.includes(c.status) ? Math.round((now - c.awaitingReplySince.getTime()) / 1000) : null,
      })),
      total,
    };
  }

  /** Open cases whose last message is the customer's, longest wait first. */
  async unanswered(workspaceId: string, limit = 200) {
    const rows = await this.cases.awaiting(workspaceId, limit);
    const now = Date.now();
    return rows.map((c) => ({
      ...toCaseView(c),
      waitingSince: c.awaitingReplySince,
      waitingSeconds: Math.round((now - c.awaitingReplySince!.getTime()) / 1000),
    }));
  }

  /**
   * Cases a report over [from, to) needs: opened or resolved in range, plus the open ones —
   * every open case for the per-agent tables, or only those awaiting a reply (the live
   * `unanswered` count) for the overview, which keeps that query small.
   */
  async rowsForReport(workspaceId: string, from: Date, to: Date, filter: ReportCaseFilter = {}): Promise<CaseRow[]> {
    return (await this.cases.forReport(workspaceId, from, to, filter)).map(toCaseRow);
  }

  /** Care cases opened in [from, to) (of a topic, on a network): the rows of public care, which counts openings only. */
  async rowsOpenedIn(workspaceId: string, from: Date, to: Date, filter: { topic?: string; platform?: string } = {}): Promise<CaseRow[]> {
    return (await this.cases.openedIn(workspaceId, from, to, filter)).map(toCaseRow);
  }

  /** Which of these authors have a case open now: `platform:authorId` → the id of their latest open case. */
  async openCaseOf(workspaceId: string, authors: { platform: string; authorId: string }[]): Promise<Map<string, string>> {
    const rows = await this.cases.openOfCustomers(workspaceId, authors);
    return new Map(rows.map((c) => [`${c.platform}:${c.customer.externalId}`, String(c._id)]));
  }

  /**
   * Whether a case's first-response breach still holds: an earlier message or a response in time,
   * collected since the alert was raised, can clear it (alerts do not deliver a cleared breach).
   */
  breachHolds(workspaceId: string, caseId: string): Promise<boolean> {
    return this.cases.isBreached(workspaceId, caseId);
  }

  /** Cases whose first-response SLA was breached since `since`, every workspace (alerts). */
  async breachedSince(since: Date) {
    return (await this.cases.breachedSince(since)).map((c) => ({
      workspaceId: String(c.workspaceId),
      caseId: String(c._id),
      breachedAt: c.breachedAt!,
      customer: c.customer.handle,
      platform: c.platform,
      team: c.team,
      assignee: c.assignee,
    }));
  }

  /** See CasePlacementService.retimeOutOfOrder (run at start-up). */
  retimeOutOfOrder(): Promise<number> {
    return this.placement.retimeOutOfOrder();
  }
}
