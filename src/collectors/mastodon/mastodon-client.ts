import { Inject, Injectable } from '@nestjs/common';
import { createRestAPIClient, type mastodon } from 'masto';
import { Settings, SETTINGS } from '../../config/settings';

export interface MastodonTarget {
  /** the instance, e.g. https://mastodon.social */
  url: string;
  /** an access token with the `read` scope */
  accessToken: string;
}

/**
 * The Mastodon instance the collector reads (`MASTODON_URL` with `MASTODON_ACCESS_TOKEN`), through
 * one `masto` REST client reused across runs. The token is never logged.
 */
@Injectable()
export class MastodonClients {
  private target: MastodonTarget | null;
  private client: mastodon.rest.Client | null = null;

  constructor(@Inject(SETTINGS) settings: Settings) {
    const { url, accessToken } = settings.mastodon;
    this.target = url && accessToken ? { url, accessToken } : null;
  }

  get configured(): boolean {
    return this.target !== null;
  }

  /** Points the collector at another instance (an emulator). */
  useTarget(target: MastodonTarget): void {
    this.target = target;
    this.client = null;
  }

  get(): mastodon.rest.Client {
    if (!this.target) throw new Error('Mastodon is not configured: set MASTODON_URL and MASTODON_ACCESS_TOKEN');
    this.client ??= createRestAPIClient({ url: this.target.url, accessToken: this.target.accessToken, timeout: 30_000 });
    return this.client;
  }
}
