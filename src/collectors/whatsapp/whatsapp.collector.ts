import { Injectable } from '@nestjs/common';
import { NetworkTargets } from '../../config/network-targets';
import { type CollectContext, type Collector, type MetricsLookup } from '../collector';

/**
 * WhatsApp Business (Cloud API) as a private care channel. There is nothing to read: the Cloud API
 * has no endpoint that lists messages, so customers' messages arrive by webhook only (see
 * src/webhooks/meta). Replies go out through `WhatsAppPublisher`.
 */
@Injectable()
export class WhatsAppCollector implements Collector {
  readonly platform = 'whatsapp' as const;

  constructor(private readonly targets: NetworkTargets) {}

  get configured(): boolean {
    return this.targets.configured('whatsapp');
  }

  async collect(_ctx: CollectContext): Promise<void> {
    // Messages are pushed by webhook; a run has nothing to read.
  }

  async lookupMetrics(): Promise<MetricsLookup[]> {
    return [];
  }
}
