import { ExecutionContext, Injectable } from '@nestjs/common';
import { normalizeIp, ThrottlerException, ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { hashApiKey } from '../../workspaces/api-keys.service';
import { PUBLIC_ROUTE, QUERY_TOKEN } from '../../workspaces/auth/auth.decorators';
import { presentedApiKey } from '../../workspaces/auth/presented-key';

/**
 * Requests per minute per API key (`RATE_LIMIT_PER_MINUTE`), counted under the key's hash, so
 * the count is the same whichever route or instance serves it, and the secret itself is never a
 * storage key. A request without a key counts against its client IP. Public routes (health, the
 * dashboard's static files, signed webhooks) carry no key and are not counted: a busy API key
 * cannot starve them. A refused request answers 429 with `Retry-After` (seconds).
 */
@Injectable()
export class KeyRateLimitGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()]) === true;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- ThrottlerGuard's own signature
  protected override async getTracker(req: Record<string, any>, context?: ExecutionContext): Promise<string> {
    const allowQuery = context
      ? this.reflector.getAllAndOverride<boolean>(QUERY_TOKEN, [context.getHandler(), context.getClass()]) === true
      : false;
    const key = presentedApiKey(req as never, allowQuery);
    return key ? `key:${hashApiKey(key)}` : `ip:${normalizeIp(String(req.ip ?? ''))}`;
  }

  /** One count per key across every route (the default key would count each route apart). */
  protected override generateKey(_context: ExecutionContext, tracker: string): string {
    return tracker;
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new ThrottlerException(
      `too many requests: at most ${detail.limit} a minute for this API key; retry after ${detail.timeToBlockExpire} s`,
    );
  }
}
