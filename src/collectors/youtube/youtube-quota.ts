import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Model } from 'mongoose';

/**
 * YouTube's quota: units per project per day, the day ending at midnight Pacific time (when
 * Google resets it). Each call costs units (search.list 100, comments.insert 50, the reads used
 * here 1), counted before the call; collection pauses before the day's budget would be passed, or
 * when YouTube answers `403 quotaExceeded`, until the next midnight Pacific.
 */
export const YOUTUBE_COSTS = { search: 100, insert: 50, read: 1 } as const;

const PACIFIC = 'America/Los_Angeles';
const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: PACIFIC, year: 'numeric', month: '2-digit', day: '2-digit' });
const hourFormat = new Intl.DateTimeFormat('en-US', { timeZone: PACIFIC, hour: 'numeric', hourCycle: 'h23' });

/** The quota day (`YYYY-MM-DD` in Pacific time) an instant falls in. */
export const pacificDay = (at: Date): string => dayFormat.format(at);

/** The next midnight Pacific time after `at` (PST is UTC−8, PDT UTC−7). */
export function nextPacificMidnight(at: Date): Date {
  const [y, m, d] = pacificDay(at).split('-').map(Number);
  for (const offsetHours of [8, 7]) {
    const candidate = new Date(Date.UTC(y, m - 1, d + 1, offsetHours));
    if (Number(hourFormat.format(candidate)) === 0 && pacificDay(candidate) !== pacificDay(at)) return candidate;
  }
  return new Date(Date.UTC(y, m - 1, d + 1, 8));
}

@Schema({ collection: 'youtube_quota', versionKey: false })
export class YouTubeQuotaDay {
  /** `YYYY-MM-DD`, Pacific time */
  @Prop({ required: true, unique: true }) day!: string;
  @Prop({ default: 0 }) units!: number;
  /** set when YouTube answered quotaExceeded: nothing more is called until then */
  @Prop({ type: Date, default: null }) exhaustedUntil!: Date | null;
  @Prop({ type: String, default: null }) reason!: string | null;
}
export const YouTubeQuotaDaySchema = SchemaFactory.createForClass(YouTubeQuotaDay);

/** Collection paused for the rest of the quota day: the budget is spent, or YouTube said so. */
export class YouTubeQuotaPausedError extends Error {
  constructor(
    readonly until: Date,
    readonly reason: string,
  ) {
    super(`YouTube quota: ${reason}; collection paused until ${until.toISOString()} (midnight Pacific time)`);
    this.name = 'YouTubeQuotaPausedError';
  }
}

export interface YouTubeQuotaStatus {
  day: string;
  used: number;
  limit: number;
  pausedUntil: Date | null;
  reason: string | null;
}

@Injectable()
export class YouTubeQuota implements OnModuleInit {
  /** the day as last read or written here, for the collectors' status (which is read synchronously) */
  private last: { day: string; units: number; exhaustedUntil: Date | null; reason: string | null } | null = null;

  constructor(@InjectModel(YouTubeQuotaDay.name) private readonly days: Model<YouTubeQuotaDay>) {}

  async onModuleInit(): Promise<void> {
    await this.refresh().catch(() => undefined);
  }

  /** Reads today's counts again (another instance may have spent units). */
  async refresh(now = new Date()): Promise<void> {
    const day = pacificDay(now);
    const doc = await this.days.findOne({ day }).lean();
    this.last = { day, units: doc?.units ?? 0, exhaustedUntil: doc?.exhaustedUntil ?? null, reason: doc?.reason ?? null };
  }

  /** Today's quota as last known: units spent, the limit, and until when collection is paused. */
  snapshot(limit: number, now = new Date()): YouTubeQuotaStatus {
    const day = pacificDay(now);
    const last = this.last?.day === day ? this.last : { units: 0, exhaustedUntil: null, reason: null };
    const pausedUntil = last.exhaustedUntil ?? (last.units >= limit ? nextPacificMidnight(now) : null);
    return { day, used: last.units, limit, pausedUntil, reason: last.reason ?? (pausedUntil ? 'YOUTUBE_DAILY_QUOTA spent' : null) };
  }

  /**
   * Counts `cost` units for today before a call, or throws YouTubeQuotaPausedError when the day is
   * paused or the call would pass `limit` (the units are then not counted).
   */
  async spend(cost: number, limit: number, now = new Date()): Promise<void> {
    const day = pacificDay(now);
    const until = nextPacificMidnight(now);
    const doc = await this.days.findOneAndUpdate(
      { day, units: { $lte: limit - cost }, exhaustedUntil: null },
      { $inc: { units: cost } },
      { returnDocument: 'after' },
    );
    if (doc) {
      this.last = { day, units: doc.units, exhaustedUntil: null, reason: null };
      return;
    }
    const current = await this.days.findOne({ day }).lean();
    if (!current) {
      if (cost > limit) throw new YouTubeQuotaPausedError(until, `a call of ${cost} units is more than YOUTUBE_DAILY_QUOTA (${limit})`);
      // first call of the day: create the day (a concurrent creator wins the unique index; retry once)
      try {
        await this.days.create({ day, units: cost });
        this.last = { day, units: cost, exhaustedUntil: null, reason: null };
        return;
      } catch {
        return this.spend(cost, limit, now);
      }
    }
    this.last = { day, units: current.units, exhaustedUntil: current.exhaustedUntil, reason: current.reason };
    if (current.exhaustedUntil)
      throw new YouTubeQuotaPausedError(current.exhaustedUntil, current.reason ?? 'YouTube answered quotaExceeded');
    throw new YouTubeQuotaPausedError(
      until,
      `${current.units} of YOUTUBE_DAILY_QUOTA's ${limit} units spent today, the next call needs ${cost}`,
    );
  }

  /** YouTube answered `403 quotaExceeded`: no call until midnight Pacific. */
  async exhausted(message: string, now = new Date()): Promise<Date> {
    const until = nextPacificMidnight(now);
    const reason = `YouTube answered quotaExceeded: ${message}`;
    await this.days.updateOne({ day: pacificDay(now) }, { $set: { exhaustedUntil: until, reason } }, { upsert: true });
    await this.refresh(now);
    return until;
  }

  /** Today's quota read from the database. */
  async status(limit: number, now = new Date()): Promise<YouTubeQuotaStatus> {
    await this.refresh(now);
    return this.snapshot(limit, now);
  }
}
