import { Inject, Injectable, type Logger } from '@nestjs/common';
import { PLATFORM_NAMES } from '../../common/platform';
import { Settings, SETTINGS } from '../../config/settings';
import type { TopicView } from '../../topics/topics.service';
import type { CollectedBatch } from '../collected';
import type { CollectContext, Collector, MetricsLookup } from '../collector';
import { CollectorStateService } from '../collector-state.service';
import { resolveOwnedAccounts, type OwnedAccountLookup, type OwnedAccountRef } from '../owned-accounts';
import { MetaGraphClient } from './graph-client';
import { hooksFor } from './meta-streams';

/** Graph's answer for an object that does not exist, or that the token cannot see: error 100, subcode 33. */
const isNotFound = (err: unknown) => err instanceof Error && /error 100\/33\b/.test(err.message);

/**
 * What the Facebook and Instagram collectors share: one Graph client and token (`META_ACCESS_TOKEN`,
 * `META_APP_SECRET`), the owned accounts looked up at the start of a run, objects read again by id
 * for a replay, and the channel's stopped state.
 */
@Injectable()
export abstract class MetaCollector implements Collector {
  abstract readonly platform: 'facebook' | 'instagram';
  protected abstract readonly logger: Logger;

  constructor(
    protected readonly graph: MetaGraphClient,
    protected readonly state: CollectorStateService,
    @Inject(SETTINGS) protected readonly settings: Settings,
  ) {}

  get configured(): boolean {
    return this.graph.configured;
  }

  abstract collect(ctx: CollectContext): Promise<void>;

  abstract reread(topic: TopicView, stream: string, ids: string[]): Promise<{ batch: CollectedBatch; found: string[] }>;

  /**
   * The topic's owned accounts on this network, each looked up by `lookup`; an account Graph does
   * not know (or the token cannot read) is logged as `what` and passed over. None, with a warning,
   * when Meta is not configured.
   */
  protected async ownedAccounts(
    ctx: CollectContext,
    what: string,
    lookup: (handle: string) => Promise<OwnedAccountLookup | null>,
  ): Promise<OwnedAccountRef[]> {
    const name = PLATFORM_NAMES[this.platform];
    if (!this.graph.configured) {
      this.logger.warn(
        { topicId: ctx.topic.id },
        `Topic lists ${name}, but META_ACCESS_TOKEN and META_APP_SECRET are not set; skipping ${name}`,
      );
      return [];
    }
    return resolveOwnedAccounts(ctx, this.platform, async (handle) => {
      try {
        return await lookup(handle);
      } catch (err) {
        if (isNotFound(err)) {
          this.logger.warn({ topicId: ctx.topic.id, handle }, `${what} not found, or the token cannot read it`);
          return null;
        }
        throw err;
      }
    });
  }

  /** An object by id, or null when Graph says it does not exist (error 100, subcode 33). */
  protected async readById(id: string, fields: string): Promise<unknown> {
    try {
      return await this.graph.get(id, { fields }, hooksFor(null, this.platform));
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /** Objects by id for a replay, counted as reads: those Graph still answers (`raw`), and their ids (`found`). */
  protected async readAllById(ids: string[], fields: string, workspaceId: string | null): Promise<{ raw: unknown[]; found: string[] }> {
    const raw: unknown[] = [];
    const found: string[] = [];
    for (const id of ids) {
      const item = await this.readById(id, fields);
      if (item === null) continue;
      found.push(id);
      raw.push(item);
    }
    await this.state.countReads(this.platform, raw.length, workspaceId);
    return { raw, found };
  }

  /** `stopped`: why the channel is stopped (Graph refused the token, 190), until META_ACCESS_TOKEN is renewed. */
  networkStatus(): Record<string, unknown> {
    const stopped = this.graph.stoppedBecause();
    return {
      stopped: stopped
        ? { reason: stopped.message, code: stopped.graphError.code ?? null, subcode: stopped.graphError.error?.error_subcode ?? null }
        : null,
    };
  }

  /** Own posts' metrics are read again by every run (the whole window); mentions' are not tracked. */
  async lookupMetrics(): Promise<MetricsLookup[]> {
    return [];
  }
}
