import { ForbiddenException, Inject, Injectable, Logger, OnModuleInit, UnauthorizedException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { emptyBatch, type CollectedBatch } from '../../collectors/collected';
import { CollectionService } from '../../collectors/collection.service';
import { CasesService } from '../../care/cases.service';
import { NetworkTargets } from '../../config/network-targets';
import type { JobEngine } from '../../jobs/job-queue';
import { JOB_ENGINE } from '../../jobs/jobs.module';
import { TopicsService, type TopicView } from '../../topics/topics.service';
import { MetaGraphClient } from '../../collectors/meta/graph-client';
import { readInstagramMention } from './instagram-mention-items';
import { verifyMetaSignature } from './meta-signature';
import { instagramCommentItem, pageCommentItem, whatsappItem } from './meta-webhook-items';
import { parseMetaDelivery, type MetaWebhookEvent, type WhatsAppStatusEvent } from './meta-webhook-payload';

interface DeliveryJob {
  /** the raw body as received (the signed bytes), parsed by the worker */
  body: string;
  receivedAt: string;
}

/** What one delivery stored, for the log and the tests. */
export interface DeliveryOutcome {
  stored: number;
  known: number;
  statuses: number;
  unrouted: number;
  problems: number;
}

/**
 * Meta's webhooks: the verification handshake, the signature check on each delivery, and the
 * processing, queued so Meta gets its 200 at once (it retries a slow or failed delivery, and
 * disables a subscription that keeps failing). Processing is idempotent: items are stored by
 * their network id, the same key the collectors use, so a retried delivery, or an item read later
 * by a collector, is stored once.
 */
@Injectable()
export class MetaWebhooksService implements OnModuleInit {
  private readonly logger = new Logger('MetaWebhooks');

  constructor(
    private readonly targets: NetworkTargets,
    @Inject(JOB_ENGINE) private readonly jobs: JobEngine,
    private readonly topics: TopicsService,
    private readonly collection: CollectionService,
    private readonly cases: CasesService,
    private readonly graph: MetaGraphClient,
  ) {}

  onModuleInit() {
    this.jobs.define({
      queue: 'meta-webhooks',
      attempts: 4,
      backoffMs: 1_000,
      concurrency: 1,
      process: (data) => this.process(data as DeliveryJob),
    });
  }

  /** Meta's subscription check: echoes the challenge when the verify token matches. */
  verifySubscription(mode: string | undefined, token: string | undefined, challenge: string | undefined): string {
    const expected = this.targets.get('meta')?.webhookVerifyToken ?? this.targets.get('whatsapp')?.webhookVerifyToken;
    if (!expected) throw new ForbiddenException('META_WEBHOOK_VERIFY_TOKEN is not set on this installation');
    if (mode !== 'subscribe') throw new ForbiddenException('hub.mode: must be subscribe');
    if (token !== expected) throw new ForbiddenException('hub.verify_token: does not match META_WEBHOOK_VERIFY_TOKEN');
    if (!challenge) throw new ForbiddenException('hub.challenge: missing');
    return challenge;
  }

  /** Checks the signature and queues the delivery; nothing is read from a body that fails the check. */
  async accept(rawBody: Buffer | undefined, signature: string | undefined): Promise<{ deliveryId: string }> {
    // one app secret normally; the demo's local WhatsApp may sign with its own beside a real app's
    const secrets = [
      ...new Set([this.targets.get('meta')?.appSecret, this.targets.get('whatsapp')?.appSecret].filter((s): s is string => !!s)),
    ];
    if (!secrets.length)
      throw new UnauthorizedException('META_APP_SECRET is not set on this installation: webhook deliveries cannot be verified');
    const checks = secrets.map((secret) => verifyMetaSignature(secret, rawBody, signature));
    const check = checks.find((c) => c.ok) ?? checks[0];
    if (!check.ok) {
      this.logger.warn({ reason: check.reason }, 'Refused a Meta webhook delivery with a bad signature');
      throw new UnauthorizedException(
        `X-Hub-Signature-256: ${check.reason === 'missing' ? 'missing' : check.reason === 'malformed' ? 'must be sha256=<64 hex digits>' : 'does not match the body signed with META_APP_SECRET'}`,
      );
    }
    const body = rawBody!.toString('utf8');
    // The same delivery queued twice while one waits is queued once; after that, storage is idempotent.
    const deliveryId = createHash('sha256').update(body).digest('hex').slice(0, 32);
    await this.jobs.enqueue<DeliveryJob>('meta-webhooks', { body, receivedAt: new Date().toISOString() }, { jobId: `meta:${deliveryId}` });
    return { deliveryId };
  }

  /** Stores what a delivery announces, in the workspaces whose topics own the Page, account or number. */
  async process(job: DeliveryJob): Promise<DeliveryOutcome> {
    const deliveryId = createHash('sha256').update(job.body).digest('hex').slice(0, 32);
    let parsed;
    try {
      parsed = parseMetaDelivery(JSON.parse(job.body), new Date(job.receivedAt));
    } catch (err) {
      // Signed by Meta but not a delivery: retrying cannot help.
      this.logger.warn({ deliveryId, err: (err as Error).message }, 'A signed Meta delivery is not a webhook payload; ignored');
      return { stored: 0, known: 0, statuses: 0, unrouted: 0, problems: 1 };
    }
    for (const p of parsed.problems)
      this.logger.warn(
        { deliveryId, platform: p.platform, field: p.field, itemId: p.itemId, problem: p.problem },
        'A Meta webhook change does not have the documented shape; quarantined',
      );
    const out: DeliveryOutcome = { stored: 0, known: 0, statuses: 0, unrouted: 0, problems: parsed.problems.length };
    const topics = await this.topics.listActive();
    const batches = new Map<string, CollectedBatch>();
    const statuses: { event: WhatsAppStatusEvent; topics: TopicView[] }[] = [];
    const mentionReads: Record<string, Awaited<ReturnType<typeof readInstagramMention>>> = {};
    for (const event of parsed.events) {
      const owners = this.ownersOf({ platform: platformOf(event), account: accountOf(event) }, topics);
      if (owners.length === 0) {
        out.unrouted++;
        this.logger.warn(
          { deliveryId, kind: event.kind, account: accountOf(event) },
          'No topic owns the account of a Meta webhook event; skipped',
        );
        continue;
      }
      if (event.kind === 'whatsapp-status') {
        statuses.push({ event, topics: owners });
        continue;
      }
      for (const topic of owners) {
        const batch = batches.get(topic.id) ?? { ...emptyBatch(), stream: `${platformOf(event)}:webhook` };
        batches.set(topic.id, batch);
        if (event.kind === 'whatsapp-message') batch.mentions.push(whatsappItem(event));
        else if (event.kind === 'page-comment' || event.kind === 'instagram-comment') {
          const item = event.kind === 'page-comment' ? pageCommentItem(event) : instagramCommentItem(event);
          if (!item) continue;
          if ('mention' in item) batch.mentions.push(item.mention);
          else batch.replies.push(item.reply);
        } else {
          // Read once per event (not per topic); a Graph failure throws and the queue retries the delivery.
          const read = (mentionReads[`${event.accountId}:${event.mediaId}:${event.commentId}`] ??= await readInstagramMention(
            this.graph,
            event,
          ));
          if (read.gone)
            this.logger.warn(
              { deliveryId, accountId: event.accountId, mediaId: event.mediaId, commentId: event.commentId },
              'Graph no longer shows the Instagram mention a webhook announced (deleted or edited); skipped',
            );
          batch.mentions.push(...read.mentions);
          batch.rejected.push(...read.rejected);
        }
      }
    }
    // A malformed change goes to quarantine with the topics that own its account, the rest is stored.
    for (const p of parsed.problems) {
      const owners = this.ownersOf(
        { platform: p.platform, account: p.account ?? this.targets.get('whatsapp')?.phoneNumberId ?? '' },
        topics,
      );
      for (const topic of owners) {
        const batch = batches.get(topic.id) ?? { ...emptyBatch(), stream: `${p.platform}:webhook` };
        batches.set(topic.id, batch);
        batch.rejected.push({
          platform: p.platform,
          externalId: p.itemId,
          reason: 'invalid_payload',
          problem: `${p.field}: ${p.problem}`,
          payload: p.value,
        });
      }
    }
    for (const [topicId, batch] of batches) {
      if (batch.mentions.length + batch.replies.length + batch.rejected.length === 0) continue;
      const o = await this.collection.storePushed(topicId, batch, deliveryId);
      out.stored += o.mentions + o.replies;
      out.known += o.known;
    }
    let pending = 0;
    for (const { event, topics: owners } of statuses) {
      let kept = false;
      for (const ws of new Set(owners.map((t) => t.workspaceId))) {
        kept =
          (await this.cases.recordDeliveryStatus(ws, 'whatsapp', event.messageId, {
            status: event.status,
            at: event.at,
            error: event.error,
          })) || kept;
      }
      if (kept) out.statuses++;
      else pending++;
    }
    this.logger.log({ deliveryId, ...out, pending }, 'Meta webhook delivery processed');
    // A status can overtake the reply it reports on (sent, then reported before it is recorded): retry later.
    if (pending) throw new Error(`${pending} WhatsApp status report(s) about messages no case holds yet`);
    return out;
  }

  /** The active topics that own the Page, Instagram account or WhatsApp number. */
  private ownersOf(
    { platform, account }: { platform: 'facebook' | 'instagram' | 'whatsapp'; account: string },
    topics: TopicView[],
  ): TopicView[] {
    const phoneNumberId = this.targets.get('whatsapp')?.phoneNumberId;
    return topics.filter((t) => {
      if (!t.platforms.includes(platform)) return false;
      const owned = t.ownedAccounts.filter((a) => a.platform === platform);
      if (owned.some((a) => a.handle === account || a.externalId === account)) return true;
      // WhatsApp: the installation's number belongs to every topic on WhatsApp that names no other.
      return platform === 'whatsapp' && owned.length === 0 && account === phoneNumberId;
    });
  }
}

function platformOf(e: MetaWebhookEvent): 'facebook' | 'instagram' | 'whatsapp' {
  return e.kind === 'page-comment' ? 'facebook' : e.kind.startsWith('instagram') ? 'instagram' : 'whatsapp';
}

function accountOf(e: MetaWebhookEvent): string {
  return e.kind === 'page-comment'
    ? e.pageId
    : e.kind === 'instagram-comment' || e.kind === 'instagram-mention'
      ? e.accountId
      : e.phoneNumberId;
}
