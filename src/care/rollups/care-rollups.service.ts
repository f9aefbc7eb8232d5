import { SingleFlight } from '../../common/single-flight';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { Types } from 'mongoose';
import {
  addCareCounts,
  addOpening,
  addResolution,
  type CareCounts,
  type CareRollupRow,
  type CareRollupSettings,
  emptyCareCounts,
} from '../../common/care-rollup';
import { ROLLUP_SLOT_MS, ROLLUP_SPAN_MS, rollupCover, startOfRollupSlot, startOfRollupSpan } from '../../common/time-buckets';
import { Settings, SETTINGS } from '../../config/settings';
import { ALL_TOPICS } from '../../mentions/schemas/mention-rollup.schema';
import { PendingCounts } from '../../report-freshness/pending-counts';
import { ReportVersionsRepository } from '../../report-freshness/report-versions.repository';
import { WorkspacesService, type WorkspaceView } from '../../workspaces/workspaces.service';
import { slaClockFor, toCaseRow } from '../case-views';
import { CasesRepository, type CaseLean } from '../cases.repository';
import { CaseRollupsRepository, type CaseRollupEntry, type CaseSpanEntry } from './case-rollups.repository';

const DEFAULT_ABANDONMENT_SECONDS = 24 * 3600;
/**
 * How long a case change waits for others to share its recount (a group commit, as the mention
 * rollups' outbox does): the changes stored meanwhile are recounted together, each slot, hour and
 * day once. A collection placing a page of messages, or a desk answering cases, changes the same
 * few slots many times in a row; recounting each change alone cost about 25 engine commands, and
 * the demo's first collection spent most of its 140 s on them. Readers of the rollups in this
 * process, API writes and a graceful stop recount at once (`flushRecounts`); a crash before the
 * recount leaves the slots to the rebuild at the next start, as a crash after a case write always did.
 */
export const CARE_RECOUNT_DELAY_MS = 100;

/** The SLA settings a workspace's care rollups are counted with, and a key that changes with them. */
export function careRollupSettings(ws: WorkspaceView): { settings: CareRollupSettings; key: string } {
  const bh = ws.settings.businessHours;
  const settings: CareRollupSettings = {
    clock: slaClockFor(ws),
    firstResponseTargetSeconds: ws.settings.sla.firstResponseSeconds,
    abandonmentWindowSeconds: ws.settings.sla.abandonmentSeconds ?? DEFAULT_ABANDONMENT_SECONDS,
  };
  const key = JSON.stringify([
    // Bumped when what the rollups hold changes (2: hour and day rows; 3: wall-clock first
    // responses, `frWall`), so every workspace is rebuilt once.
    3,
    ws.timezone,
    bh?.enabled ? bh : null,
    settings.firstResponseTargetSeconds,
    settings.abandonmentWindowSeconds,
  ]);
  return { settings, key };
}

/** The distinct slots of some openings and resolutions (before and after a change). */
export function slotsOf(times: (Date | null | undefined)[]): Date[] {
  const slots = new Map<number, Date>();
  for (const t of times) {
    if (!t) continue;
    const slot = startOfRollupSlot(t);
    slots.set(slot.getTime(), slot);
  }
  return [...slots.values()];
}

/** The rows of some cases, counted per scope (ALL_TOPICS and each topic), platform and slot. */
export function careRollupEntries(cases: readonly CaseLean[], s: CareRollupSettings, inSlots?: Set<number>): CaseRollupEntry[] {
  const entries = new Map<string, CaseRollupEntry>();
  const countsAt = (topicId: Types.ObjectId, platform: string, slot: Date): CareCounts => {
    const id = `${String(topicId)}|${slot.getTime()}|${platform}`;
    let e = entries.get(id);
    if (!e) entries.set(id, (e = { topicId, platform, slot, counts: emptyCareCounts() }));
    return e.counts;
  };
  for (const c of cases) {
    const row = toCaseRow(c);
    const scopes = [ALL_TOPICS, ...(c.topicIds ?? [])];
    const opened = startOfRollupSlot(row.openedAt);
    if (!inSlots || inSlots.has(opened.getTime())) for (const t of scopes) addOpening(countsAt(t, row.platform, opened), row, s);
    if (row.status === 'resolved' && row.resolvedAt) {
      const resolved = startOfRollupSlot(row.resolvedAt);
      if (!inSlots || inSlots.has(resolved.getTime())) for (const t of scopes) addResolution(countsAt(t, row.platform, resolved), row, s);
    }
  }
  return [...entries.values()];
}

/** Slot (or hour) rows summed into the `span` rows that contain them, per scope and network; sketches bucket by bucket. */
export function careSpanEntries(rows: readonly CaseRollupEntry[], span: 'hour' | 'day'): CaseSpanEntry[] {
  const out = new Map<string, CaseSpanEntry>();
  for (const r of rows) {
    const start = startOfRollupSpan(span, r.slot);
    const id = `${String(r.topicId)}|${start.getTime()}|${r.platform}`;
    let e = out.get(id);
    if (!e) out.set(id, (e = { topicId: r.topicId, platform: r.platform, slot: start, span, counts: emptyCareCounts() }));
    addCareCounts(e.counts, r.counts);
  }
  return [...out.values()];
}

/**
 * Keeps the care rollups (src/common/care-rollup.ts) current: every stored case change recounts
 * the slots the case counted in before and counts in now, from the cases stored there (so a retry
 * or a replay never counts twice, and a change another process made meanwhile is counted too); a
 * rebuild recounts a workspace from its cases (at start, when the SLA settings changed, or when a
 * recount failed). Reports read the slots only while they are whole (`rowsForReport`).
 */
@Injectable()
export class CareRollupsService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('CareRollups');
  /**
   * Recounts per workspace slot, one at a time: a change made while one runs queues one more after
   * it, which every further change joins until it starts (it reads what they stored).
   */
  private readonly recounts = new Map<string, { tail: Promise<void>; waiting: Promise<void> | null }>();
  private readonly rebuilds = new SingleFlight<void>();
  /** Per workspace day: the hours whose slots were recounted since its last span recount started. */
  private readonly dirtyHours = new Map<string, Set<number>>();
  /** Per workspace, the slots changed since the last group recount started. */
  private readonly queued = new Map<string, { workspaceId: Types.ObjectId; slots: Map<number, Date> }>();
  private timer: NodeJS.Timeout | null = null;
  /** The group recounts, one after another. */
  private recounting: Promise<void> = Promise.resolve();
  private readonly flushAll = () => this.flushRecounts();

  constructor(
    private readonly cases: CasesRepository,
    private readonly rollups: CaseRollupsRepository,
    private readonly workspaces: WorkspacesService,
    @Inject(SETTINGS) private readonly appSettings: Settings,
    @Optional() private readonly reportVersions?: ReportVersionsRepository,
    // Optional: specs that wire the care services alone have no readers to settle.
    @Optional() private readonly pending?: PendingCounts,
  ) {
    cases.onChange((workspaceId, times) => this.queueRecount(workspaceId, times));
    this.pending?.register(this.flushAll);
  }

  /** The recounts queued so far are done before the connection goes. */
  async beforeApplicationShutdown() {
    await this.flushRecounts();
    this.pending?.unregister(this.flushAll);
  }

  onApplicationShutdown() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Queues the slots of these openings and resolutions for the next group recount (within CARE_RECOUNT_DELAY_MS). */
  queueRecount(workspaceId: Types.ObjectId, times: (Date | null | undefined)[]): void {
    const slots = slotsOf(times);
    if (slots.length === 0) return;
    const key = String(workspaceId);
    let q = this.queued.get(key);
    if (!q) this.queued.set(key, (q = { workspaceId, slots: new Map() }));
    for (const slot of slots) q.slots.set(slot.getTime(), slot);
    this.timer ??= setTimeout(this.flushAll, CARE_RECOUNT_DELAY_MS);
  }

  /** Recounts every slot queued before the call; resolves once done (a failure leaves the workspace to a rebuild). */
  flushRecounts(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.queued.size > 0) {
      const group = [...this.queued.values()];
      this.queued.clear();
      this.recounting = this.recounting.then(async () => {
        await Promise.all(group.map((q) => this.caseChanged(q.workspaceId, [...q.slots.values()])));
      });
    }
    return this.recounting;
  }

  onApplicationBootstrap() {
    if (!this.appSettings.worker) return;
    // A process that died between a case write and its recount left a slot behind: recount all,
    // in the background (reports read the cases themselves until a workspace is rebuilt).
    void this.rebuildAll().catch((err: Error) => this.logger.error({ err: err.message }, 'Could not rebuild the care rollups'));
  }

  /** Recounts the slots of these openings and resolutions; a failure leaves the workspace to a rebuild. */
  async caseChanged(workspaceId: Types.ObjectId, times: (Date | null | undefined)[]): Promise<void> {
    const slots = slotsOf(times);
    try {
      await Promise.all(slots.map((slot) => this.recount(workspaceId, slot)));
      await this.reportVersions?.bump(workspaceId);
    } catch (err) {
      this.logger.error({ err: (err as Error).message, workspaceId: String(workspaceId) }, 'Could not recount care rollup slots');
      await this.rollups.invalidate(workspaceId).catch(() => undefined);
    }
  }

  private recount(workspaceId: Types.ObjectId, slot: Date): Promise<void> {
    const day = `${String(workspaceId)}|day|${startOfRollupSpan('day', slot).getTime()}`;
    return this.chained(`${String(workspaceId)}|${slot.getTime()}`, () => this.recountNow(workspaceId, slot)).then(() => {
      // Then its hour and day, one recount of a day at a time: the hours of every slot recounted
      // meanwhile wait in `dirtyHours` for the next one, which every such change joins.
      const hours = this.dirtyHours.get(day) ?? new Set<number>();
      hours.add(startOfRollupSpan('hour', slot).getTime());
      this.dirtyHours.set(day, hours);
      return this.chained(day, () => {
        const todo = this.dirtyHours.get(day) ?? new Set<number>();
        this.dirtyHours.delete(day);
        return this.recountSpansNow(workspaceId, startOfRollupSpan('day', slot), [...todo]);
      });
    });
  }

  private chained(key: string, work: () => Promise<void>): Promise<void> {
    const chain = this.recounts.get(key) ?? { tail: Promise.resolve(), waiting: null };
    if (chain.waiting) return chain.waiting;
    const run = chain.tail
      .catch(() => undefined)
      .then(() => {
        chain.waiting = null;
        return work();
      });
    chain.waiting = run;
    chain.tail = run;
    this.recounts.set(key, chain);
    void run
      .catch(() => undefined)
      .then(() => {
        if (chain.tail === run) this.recounts.delete(key);
      });
    return run;
  }

  private async recountNow(workspaceId: Types.ObjectId, slot: Date): Promise<void> {
    const { settings } = careRollupSettings(await this.workspaces.get(String(workspaceId)));
    const end = new Date(slot.getTime() + ROLLUP_SLOT_MS);
    const cases = await this.cases.forRollupSlots(workspaceId, slot, end);
    await this.rollups.replaceSlots(workspaceId, [slot], careRollupEntries(cases, settings, new Set([slot.getTime()])));
  }

  /** These hours of `day` summed from their slots, then the day from its hours. */
  private async recountSpansNow(workspaceId: Types.ObjectId, day: Date, hours: number[]): Promise<void> {
    for (const ms of hours) {
      const hour = new Date(ms);
      const slots = await this.rollups.slotEntries(workspaceId, hour, new Date(ms + ROLLUP_SPAN_MS.hour));
      await this.rollups.replaceSpans(workspaceId, 'hour', [hour], careSpanEntries(slots, 'hour'));
    }
    const inDay = await this.rollups.spanEntries(workspaceId, 'hour', day, new Date(day.getTime() + ROLLUP_SPAN_MS.day));
    await this.rollups.replaceSpans(workspaceId, 'day', [day], careSpanEntries(inDay, 'day'));
  }

  /** Recounts a workspace's rollups from all its cases; joined when one is running. */
  rebuild(workspaceId: Types.ObjectId): Promise<void> {
    return this.rebuilds.run(String(workspaceId), () => this.rebuildNow(workspaceId));
  }

  private async rebuildNow(workspaceId: Types.ObjectId): Promise<void> {
    const started = Date.now();
    const { settings, key } = careRollupSettings(await this.workspaces.get(String(workspaceId)));
    const cases: CaseLean[] = [];
    for await (const c of this.cases.rollupCursor(workspaceId)) cases.push(c);
    const entries = careRollupEntries(cases, settings);
    await this.rollups.replaceAll(workspaceId, entries);
    await this.rollups.replaceSpans(workspaceId, 'hour', null, careSpanEntries(entries, 'hour'));
    await this.rollups.replaceSpans(workspaceId, 'day', null, careSpanEntries(entries, 'day'));
    await this.rollups.setState(workspaceId, key, new Date());
    await this.reportVersions?.bump(workspaceId);
    this.logger.log(
      { workspaceId: String(workspaceId), cases: cases.length, rows: entries.length, ms: Date.now() - started },
      'Care rollups rebuilt',
    );
  }

  /** The repair: every workspace with cases, one after another. */
  async rebuildAll(): Promise<number> {
    const ids = await this.cases.workspacesWithCases();
    for (const wsId of ids) await this.rebuild(wsId);
    return ids.length;
  }

  /** Whether the workspace's rollups are whole; when not, a rebuild starts in the background. */
  private async whole(ws: WorkspaceView, wsId: Types.ObjectId): Promise<boolean> {
    const state = await this.rollups.state(wsId);
    if (state && state.settingsKey === careRollupSettings(ws).key) return true;
    void this.rebuild(wsId).catch((err: Error) => this.logger.error({ err: err.message }, 'Could not rebuild the care rollups'));
    return false;
  }

  /**
   * The care rollup rows of a report over [from, to), or null while the workspace's rollups are
   * not whole (never built, or counted with other SLA settings): the report then reads the cases
   * and a rebuild starts in the background.
   */
  async rowsForReport(
    ws: WorkspaceView,
    from: Date,
    to: Date,
    opts: { topic?: string; platform?: string; cuts?: Date[] } = {},
  ): Promise<CareRollupRow[] | null> {
    await this.flushRecounts();
    const wsId = new Types.ObjectId(ws.id);
    if (!(await this.whole(ws, wsId))) return null;
    const topicId = opts.topic ? new Types.ObjectId(opts.topic) : ALL_TOPICS;
    const cuts = opts.cuts;
    // With the ranges' bounds: hour and day rows where whole (see MentionsService.rollupRows), each wholly in one range.
    if (cuts && cuts.length >= 2) {
      return this.rollups.coverRows(
        wsId,
        topicId,
        cuts.slice(1).flatMap((end, i) => rollupCover(cuts[i], end)),
        opts.platform,
      );
    }
    return this.rollups.rows(wsId, topicId, startOfRollupSlot(from), to, opts.platform);
  }

  /**
   * Public care's part of the care rollup rows (`opened`, `frWall`) of the slots starting in
   * [from, to) (slot marks), the fewest rows that hold them (`rollupCover`), or null while the
   * workspace's rollups are not whole (as `rowsForReport`).
   */
  async publicCareRows(ws: WorkspaceView, from: Date, to: Date, opts: { topic?: string; platform?: string } = {}) {
    await this.flushRecounts();
    const wsId = new Types.ObjectId(ws.id);
    if (!(await this.whole(ws, wsId))) return null;
    const topicId = opts.topic ? new Types.ObjectId(opts.topic) : ALL_TOPICS;
    return this.rollups.publicCareCoverRows(wsId, topicId, rollupCover(from, to), opts.platform);
  }
}
