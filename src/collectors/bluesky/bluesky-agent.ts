import { Inject, Injectable, Logger } from '@nestjs/common';
import { AtpAgent } from '@atproto/api';
import { Settings, SETTINGS } from '../../config/settings';

export interface BlueskyTarget {
  /** the PDS or entryway */
  service: string;
  identifier: string;
  password: string;
}

/**
 * One logged-in `AtpAgent` for the process, made on first use with the app password from the
 * settings (`BLUESKY_IDENTIFIER`, `BLUESKY_APP_PASSWORD`), or with the demo emulator's. The agent
 * refreshes its own access token when the service says it expired; when the session itself is
 * gone, `relogin()` starts a new one. The password is never logged.
 */
@Injectable()
export class BlueskyAgents {
  private readonly logger = new Logger('Bluesky');
  private agent: Promise<AtpAgent> | null = null;
  private target: BlueskyTarget | null;

  constructor(@Inject(SETTINGS) settings: Settings) {
    const { identifier, appPassword, service } = settings.bluesky;
    this.target = identifier && appPassword ? { service, identifier, password: appPassword } : null;
  }

  get configured(): boolean {
    return this.target !== null;
  }

  /** The demo emulator points the collector at itself. */
  useTarget(target: BlueskyTarget): void {
    this.target = target;
    this.agent = null;
  }

  get(): Promise<AtpAgent> {
    this.agent ??= this.login().catch((err) => {
      this.agent = null;
      throw err;
    });
    return this.agent;
  }

  /** Drops the session and logs in again (after the service refused the session's tokens). */
  relogin(): Promise<AtpAgent> {
    this.agent = null;
    return this.get();
  }

  private async login(): Promise<AtpAgent> {
    if (!this.target) throw new Error('Bluesky is not configured: set BLUESKY_IDENTIFIER and BLUESKY_APP_PASSWORD');
    const { service, identifier, password } = this.target;
    const agent = new AtpAgent({ service });
    const res = await agent.login({ identifier, password });
    this.logger.log({ service, handle: res.data.handle, did: res.data.did }, 'Logged in to Bluesky');
    return agent;
  }
}
