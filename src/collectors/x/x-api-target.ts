import { Injectable } from '@nestjs/common';
import type { TwitterApiReadOnly } from 'twitter-api-v2';
import { NetworkTargets, type XApiTarget } from '../../config/network-targets';
import { createXClient } from './x-client.factory';

export type { XApiTarget } from '../../config/network-targets';

/**
 * The X API the collector talks to, as configured (`X_API_BASE_URL` with `X_BEARER_TOKEN`, see
 * `NetworkTargets`). One client per target, reused across runs and made again when the target changes.
 */
@Injectable()
export class XApiClients {
  private client: { target: XApiTarget; api: TwitterApiReadOnly } | null = null;

  constructor(private readonly targets: NetworkTargets) {}

  get configured(): boolean {
    return this.targets.configured('x');
  }

  get(): TwitterApiReadOnly {
    const target = this.targets.get('x');
    if (!target) throw new Error('X API is not configured: set X_BEARER_TOKEN (or run the demo)');
    if (this.client?.target !== target) this.client = { target, api: createXClient(target) };
    return this.client.api;
  }
}
