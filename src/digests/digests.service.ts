import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { Types } from 'mongoose';
import { TopicsService } from '../topics/topics.service';
import { WorkspacesService, WorkspaceView } from '../workspaces/workspaces.service';
import { DigestClock } from './digest-clock';
import { DigestContentBuilder } from './digest-content.builder';
import { DigestDelivery } from './digest-delivery.service';
import { cadenceOf } from './digest-scheduler';
import { DigestRunsRepository, RunLean } from './digest-runs.repository';
import { DigestSchedulesRepository, ScheduleFields, ScheduleLean } from './digest-schedules.repository';
import { CreateDigestDto, UpdateDigestDto } from './dto/digest.dto';
import { renderPreviewHtml } from './render';
import { latestDue, nextDue } from './schedule';

/** At most this many blocks (topics × networks) in one digest: each is a whole overview. */
export const MAX_SCOPES = 6;

const CADENCE_FIELDS = ['frequency', 'time', 'weekday', 'monthDay', 'tz'] as const;

export interface DigestView {
  id: string;
  name: string;
  recipients: { emails: string[]; slack: boolean };
  frequency: string;
  time: string;
  weekday: number | null;
  monthDay: number | null;
  tz: string;
  language: string;
  topics: string[];
  networks: string[];
  sections: string[];
  enabled: boolean;
  nextRunAt: Date | null;
  createdAt?: Date;
  updatedAt?: Date;
}

/** Schedules' rules: validation across fields, defaults from the workspace, preview and send-now. */
@Injectable()
export class DigestsService {
  constructor(
    private readonly schedules: DigestSchedulesRepository,
    private readonly runs: DigestRunsRepository,
    private readonly workspaces: WorkspacesService,
    private readonly topics: TopicsService,
    private readonly builder: DigestContentBuilder,
    private readonly delivery: DigestDelivery,
    private readonly clock: DigestClock,
  ) {}

  async create(workspaceId: string, dto: CreateDigestDto): Promise<DigestView> {
    const ws = await this.workspaces.get(workspaceId);
    const fields: ScheduleFields = {
      name: dto.name,
      emails: dto.recipients.emails ?? [],
      slack: dto.recipients.slack ?? false,
      frequency: dto.frequency,
      time: dto.time,
      weekday: dto.frequency === 'weekly' ? (dto.weekday ?? null) : null,
      monthDay: dto.frequency === 'monthly' ? (dto.monthDay ?? null) : null,
      tz: dto.tz ?? ws.timezone,
      language: dto.language ?? 'en',
      topics: (dto.topics ?? []).map((t) => new Types.ObjectId(t)),
      networks: dto.networks ?? [],
      sections: dto.sections,
      enabled: dto.enabled ?? true,
      activeFrom: this.clock.now(),
    };
    await this.check(ws, fields, dto);
    return this.view(await this.schedules.create(workspaceId, fields));
  }

  async update(workspaceId: string, id: string, dto: UpdateDigestDto): Promise<DigestView> {
    const ws = await this.workspaces.get(workspaceId);
    const current = await this.find(workspaceId, id);
    const frequency = dto.frequency ?? current.frequency;
    const fields: ScheduleFields = {
      name: dto.name ?? current.name,
      emails: dto.recipients ? (dto.recipients.emails ?? []) : current.emails,
      slack: dto.recipients ? (dto.recipients.slack ?? false) : current.slack,
      frequency,
      time: dto.time ?? current.time,
      weekday: frequency === 'weekly' ? (dto.weekday ?? current.weekday) : null,
      monthDay: frequency === 'monthly' ? (dto.monthDay ?? current.monthDay) : null,
      tz: dto.tz ?? current.tz,
      language: dto.language ?? current.language,
      topics: dto.topics ? dto.topics.map((t) => new Types.ObjectId(t)) : current.topics,
      networks: dto.networks ?? current.networks,
      sections: dto.sections ?? current.sections,
      enabled: dto.enabled ?? current.enabled,
      activeFrom: current.activeFrom,
    };
    await this.check(ws, fields, dto);
    // A new cadence starts from now: moving 08:00 to 07:00 at 07:30 must not send at once.
    if (CADENCE_FIELDS.some((f) => fields[f] !== current[f]) || (fields.enabled && !current.enabled)) fields.activeFrom = this.clock.now();
    const updated = await this.schedules.update(workspaceId, id, fields);
    if (!updated) throw new NotFoundException(`digest ${id} not found`);
    return this.view(updated);
  }

  async list(workspaceId: string): Promise<DigestView[]> {
    return (await this.schedules.list(workspaceId)).map((s) => this.view(s));
  }

  async get(workspaceId: string, id: string): Promise<DigestView> {
    return this.view(await this.find(workspaceId, id));
  }

  async remove(workspaceId: string, id: string): Promise<void> {
    if (!(await this.schedules.remove(workspaceId, id))) throw new NotFoundException(`digest ${id} not found`);
    await this.runs.removeFor(workspaceId, id);
  }

  async runsOf(workspaceId: string, id: string) {
    await this.find(workspaceId, id);
    return (await this.runs.list(workspaceId, id)).map(runView);
  }

  /** The digest of the latest complete period, as it would be sent now, with its images inline. */
  async preview(workspaceId: string, id: string) {
    const schedule = await this.find(workspaceId, id);
    const ws = await this.workspaces.get(workspaceId);
    const now = this.clock.now();
    const p = latestDue(cadenceOf(schedule), now);
    const content = await this.builder.build(ws, schedule, { from: p.from, to: p.to, dueAt: p.dueAt, late: false }, now);
    return { ...renderPreviewHtml(content), from: p.from, to: p.to };
  }

  /** Queues the latest complete period's digest now, as a run of its own (the scheduled one still goes out). */
  async sendNow(workspaceId: string, id: string) {
    const schedule = await this.find(workspaceId, id);
    if (!schedule.emails.length && !schedule.slack) throw new BadRequestException('recipients: the digest has no recipient');
    const now = this.clock.now();
    const p = latestDue(cadenceOf(schedule), now);
    const period = `manual:${now.toISOString()}`;
    await this.delivery.enqueue({
      scheduleId: id,
      period,
      from: p.from.toISOString(),
      to: p.to.toISOString(),
      dueAt: now.toISOString(),
      late: false,
      manual: true,
    });
    return { queued: true, period, from: p.from, to: p.to };
  }

  private async find(workspaceId: string, id: string): Promise<ScheduleLean> {
    const s = await this.schedules.get(workspaceId, id);
    if (!s) throw new NotFoundException(`digest ${id} not found`);
    return s;
  }

  /** The rules across fields; each failure is a 400 naming the field, and nothing is stored. */
  private async check(ws: WorkspaceView, f: ScheduleFields, dto: UpdateDigestDto) {
    if (f.frequency === 'weekly' && f.weekday === null)
      throw new BadRequestException('weekday: required for a weekly digest (1 = Monday … 7 = Sunday)');
    if (f.frequency === 'monthly' && f.monthDay === null) throw new BadRequestException('monthDay: required for a monthly digest (1 … 31)');
    if (dto.weekday !== undefined && f.frequency !== 'weekly') throw new BadRequestException('weekday: only for a weekly digest');
    if (dto.monthDay !== undefined && f.frequency !== 'monthly') throw new BadRequestException('monthDay: only for a monthly digest');
    if (!f.emails.length && !f.slack) throw new BadRequestException('recipients: at least one email address, or slack: true');
    if (f.slack && !ws.settings.webhook?.url) {
      throw new BadRequestException(
        'recipients.slack: the workspace has no webhook; set settings.webhook.url first (PATCH /api/v1/workspaces/current)',
      );
    }
    const scopes = Math.max(f.topics.length, 1) * Math.max(f.networks.length, 1);
    if (scopes > MAX_SCOPES)
      throw new BadRequestException(`topics: topics × networks may make at most ${MAX_SCOPES} blocks (this makes ${scopes})`);
    for (const t of f.topics) {
      try {
        await this.topics.get(ws.id, String(t));
      } catch {
        throw new BadRequestException(`topics: no topic ${String(t)} in this workspace`);
      }
    }
  }

  private view(s: ScheduleLean): DigestView {
    return {
      id: String(s._id),
      name: s.name,
      recipients: { emails: s.emails, slack: s.slack },
      frequency: s.frequency,
      time: s.time,
      weekday: s.weekday,
      monthDay: s.monthDay,
      tz: s.tz,
      language: s.language,
      topics: s.topics.map(String),
      networks: s.networks,
      sections: s.sections,
      enabled: s.enabled,
      nextRunAt: s.enabled ? nextDue(cadenceOf(s), new Date(Math.max(this.clock.now().getTime(), s.activeFrom.getTime()))).dueAt : null,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
    };
  }
}

function runView(r: RunLean) {
  return {
    id: String(r._id),
    period: r.period,
    from: r.from,
    to: r.to,
    dueAt: r.dueAt,
    late: r.late,
    manual: r.manual,
    status: r.status,
    subject: r.subject,
    recipients: r.recipients.map(({ kind, address, status, error, attempts, sentAt }) => ({
      kind,
      address,
      status,
      error,
      attempts,
      sentAt,
    })),
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
  };
}
