import { Injectable, Logger } from '@nestjs/common';
import { AtpAgent } from '@atproto/api';
import { NetworkTargets, type BlueskyTarget } from '../../config/network-targets';

export type { BlueskyTarget } from '../../config/network-targets';

/**
 * One logged-in `AtpAgent` for the process, made on first use with the configured app password
 * (`BLUESKY_IDENTIFIER`, `BLUESKY_APP_PASSWORD`, see `NetworkTargets`), and again when the target
 * changes. The agent refreshes its own access token when the service says it expired; when the
 * session itself is gone, `relogin()` starts a new one. The password is never logged.
 */
@Injectable()
export class BlueskyAgents {
  private readonly logger = new Logger('Bluesky');
  private session: { target: BlueskyTarget; agent: Promise<AtpAgent> } | null = null;

  constructor(private readonly targets: NetworkTargets) {}

  get configured(): boolean {
    return this.targets.configured('bluesky');
  }

  get(): Promise<AtpAgent> {
    const target = this.targets.get('bluesky');
    if (!target) return Promise.reject(new Error('Bluesky is not configured: set BLUESKY_IDENTIFIER and BLUESKY_APP_PASSWORD'));
    if (this.session?.target !== target) {
      const session = {
        target,
        agent: this.login(target).catch((err: unknown) => {
          if (this.session === session) this.session = null;
          throw err;
        }),
      };
      this.session = session;
    }
    return this.session.agent;
  }

  /** Drops the session and logs in again (after the service refused the session's tokens). */
  relogin(): Promise<AtpAgent> {
    this.session = null;
    return this.get();
  }

  private async login({ service, identifier, password }: BlueskyTarget): Promise<AtpAgent> {
    const agent = new AtpAgent({ service });
    const res = await agent.login({ identifier, password });
    this.logger.log({ service, handle: res.data.handle, did: res.data.did }, 'Logged in to Bluesky');
    return agent;
  }
}
