import { Inject, Injectable } from '@nestjs/common';
import type { TwitterApiReadOnly } from 'twitter-api-v2';
import { Settings, SETTINGS } from '../../config/settings';
import { createXClient } from './x-client.factory';

export interface XApiTarget {
  baseUrl: string;
  bearerToken: string;
  /** Extra CA to trust (the demo emulator's self-signed certificate). */
  ca?: string;
}

/**
 * The X API the collector talks to: `X_API_BASE_URL` with `X_BEARER_TOKEN`, or the demo
 * emulator once it is up. One client per target, reused across runs.
 */
@Injectable()
export class XApiClients {
  private target: XApiTarget | null;
  private client: TwitterApiReadOnly | null = null;

  constructor(@Inject(SETTINGS) settings: Settings) {
    this.target = settings.x.bearerToken ? { baseUrl: settings.x.apiBaseUrl, bearerToken: settings.x.bearerToken } : null;
  }

  /** The demo emulator points the collector at itself. */
  useTarget(target: XApiTarget): void {
    this.target = target;
    this.client = null;
  }

  get configured(): boolean {
    return this.target !== null;
  }

  get(): TwitterApiReadOnly {
    if (!this.target) throw new Error('X API is not configured: set X_BEARER_TOKEN (or run the demo)');
    this.client ??= createXClient(this.target);
    return this.client;
  }
}
