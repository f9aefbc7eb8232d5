import { Inject, Injectable, Logger } from '@nestjs/common';
import { AtpAgent } from '@atproto/api';
import { Settings, SETTINGS } from '../../config/settings';

/**
 * One logged-in `AtpAgent` for the process, made on first use with the app password from the
 * settings (`BLUESKY_IDENTIFIER`, `BLUESKY_APP_PASSWORD`). The agent refreshes its own access
 * token when the service says it expired; when the session itself is gone, `relogin()` starts a
 * new one. The password is never logged.
 */
@Injectable()
export class BlueskyAgents {
  private readonly logger = new Logger('Bluesky');
  private agent: Promise<AtpAgent> | null = null;

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {}

  get configured(): boolean {
    return !!(this.settings.bluesky.identifier && this.settings.bluesky.appPassword);
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
    const { identifier, appPassword, service } = this.settings.bluesky;
    if (!identifier || !appPassword) throw new Error('Bluesky is not configured: set BLUESKY_IDENTIFIER and BLUESKY_APP_PASSWORD');
    const agent = new AtpAgent({ service });
    const res = await agent.login({ identifier, password: appPassword });
    this.logger.log({ service, handle: res.data.handle, did: res.data.did }, 'Logged in to Bluesky');
    return agent;
  }
}
