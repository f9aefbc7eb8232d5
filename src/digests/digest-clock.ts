import { Injectable } from '@nestjs/common';

/**
 * The time the digest scheduler and the digests it builds go by. One injectable seam, so a test
 * runs a week's digest at "Monday 08:00" without waiting for it (it replaces `now`).
 */
@Injectable()
export class DigestClock {
  now(): Date {
    return new Date();
  }
}
