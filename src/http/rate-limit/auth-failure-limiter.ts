import { HttpException, HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { normalizeIp, ThrottlerStorage } from '@nestjs/throttler';
import type { Response } from 'express';
import { Settings, SETTINGS } from '../../config/settings';

const WINDOW_MS = 60_000;

/**
 * Failed authentications (401) per client IP and minute (`AUTH_FAILURE_LIMIT_PER_MINUTE`). Past the
 * limit, every further failure from that address answers 429 with `Retry-After` for a minute. A
 * request with a valid key is still served from a blocked address: many clients share one address
 * (an office NAT, a reverse proxy), and blocking them all would let anyone lock every tenant out
 * with 30 bad requests. Guessing a key stays hopeless (192 random bits) while the block makes
 * spraying slow and cheap to answer.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly logger = new Logger('RateLimit');
  /** Address → until when its block was logged by this instance: one line per block, not per request. */
  private readonly logged = new Map<string, number>();

  constructor(
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  /** Counts one failure; throws the 429 (with `Retry-After` on `res`) once the address is over its limit. */
  async fail(ip: string | undefined, res: Response | undefined): Promise<void> {
    const limit = this.settings.rateLimit.authFailuresPerMinute;
    const address = normalizeIp(ip ?? '');
    const record = await this.storage.increment(`ip:${address}`, WINDOW_MS, limit, WINDOW_MS, 'auth-failures');
    if (!record.isBlocked) return;
    const retryAfter = Math.max(1, record.timeToBlockExpire);
    const now = Date.now();
    if ((this.logged.get(address) ?? 0) <= now) {
      if (this.logged.size > 10_000) this.logged.clear();
      this.logged.set(address, now + retryAfter * 1000);
      this.logger.warn({ ip: address, limit, retryAfter }, 'Too many failed authentications: this address gets 429 for its failures');
    }
    res?.setHeader('Retry-After', String(retryAfter));
    throw new HttpException(
      `too many failed authentications from this address: at most ${limit} a minute; retry after ${retryAfter} s`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
