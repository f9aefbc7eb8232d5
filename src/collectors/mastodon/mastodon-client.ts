import { Injectable } from '@nestjs/common';
import { createRestAPIClient, type mastodon } from 'masto';
import { NetworkTargets, type MastodonTarget } from '../../config/network-targets';

export type { MastodonTarget } from '../../config/network-targets';

/**
 * The Mastodon instance the collector reads, as configured (`MASTODON_URL` with
 * `MASTODON_ACCESS_TOKEN`, see `NetworkTargets`), through one `masto` REST client reused across runs
 * and made again when the target changes. The token is never logged.
 */
@Injectable()
export class MastodonClients {
  private client: { target: MastodonTarget; api: mastodon.rest.Client } | null = null;

  constructor(private readonly targets: NetworkTargets) {}

  get configured(): boolean {
    return this.targets.configured('mastodon');
  }

  get(): mastodon.rest.Client {
    const target = this.targets.get('mastodon');
    if (!target) throw new Error('Mastodon is not configured: set MASTODON_URL and MASTODON_ACCESS_TOKEN');
    if (this.client?.target !== target) {
      this.client = { target, api: createRestAPIClient({ url: target.url, accessToken: target.accessToken, timeout: 30_000 }) };
    }
    return this.client.api;
  }
}
