import {
  CallHandler,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  MessageEvent,
  NestInterceptor,
} from '@nestjs/common';
import { SSE_METADATA } from '@nestjs/common/constants';
import type { Response } from 'express';
import { defer, exhaustMap, filter, finalize, from, map, merge, Observable, share, take, takeWhile, tap, timer } from 'rxjs';
import { Settings, SETTINGS } from '../../config/settings';
import { ApiKeysService, AuthContext } from '../api-keys.service';

const CLOSED = 'closed';

/**
 * Every server-sent-events route (`@Sse`), whatever its module:
 * - at most `SSE_STREAMS_PER_KEY` open streams per API key in this instance; the next one answers
 *   429 with `Retry-After`, before any event header is sent;
 * - a stream ends, with a last `event: closed`, as soon as its key is revoked or its workspace
 *   deleted: at once for a revocation made by this process, within `SSE_KEY_RECHECK_SECONDS` for
 *   one made elsewhere (another instance, the database), as each stream re-checks its key.
 */
@Injectable()
export class KeyStreamsInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Streams');
  private readonly open = new Map<string, number>();

  constructor(
    private readonly apiKeys: ApiKeysService,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  /** Open streams of a key in this instance (for tests and diagnostics). */
  openStreams(keyId: string): number {
    return this.open.get(keyId) ?? 0;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || !Reflect.getMetadata(SSE_METADATA, context.getHandler())) return next.handle();
    const auth = context.switchToHttp().getRequest<{ auth?: AuthContext }>().auth;
    if (!auth) return next.handle(); // a public stream: no key to count or to revoke
    const res = context.switchToHttp().getResponse<Response>();
    // Counted on subscription and released on teardown, so every path out of the stream (client
    // gone, revocation, error) gives its place back exactly once.
    return defer(() => {
      const cap = this.settings.rateLimit.sseStreamsPerKey;
      if (this.openStreams(auth.keyId) >= cap) {
        res.setHeader('Retry-After', String(this.settings.rateLimit.sseKeyRecheckSeconds));
        throw new HttpException(
          `this API key already holds ${cap} open streams (SSE_STREAMS_PER_KEY); close one first`,
          HttpStatus.TOO_MANY_REQUESTS,
        );
      }
      this.open.set(auth.keyId, this.openStreams(auth.keyId) + 1);
      const end$ = this.endOf(auth).pipe(
        take(1),
        tap((reason) =>
          this.logger.log({ keyId: auth.keyId, workspaceId: auth.workspaceId, reason }, 'Stream ended: its key may no longer be used'),
        ),
        share(),
      );
      return merge(
        next.handle() as Observable<MessageEvent>,
        end$.pipe(map((reason): MessageEvent => ({ type: CLOSED, data: { reason } }))),
      ).pipe(
        takeWhile((event) => event.type !== CLOSED, true),
        finalize(() => this.release(auth.keyId)),
      );
    });
  }

  private release(keyId: string) {
    const left = this.openStreams(keyId) - 1;
    if (left > 0) this.open.set(keyId, left);
    else this.open.delete(keyId);
  }

  /** Emits the reason once the stream's key stops being valid. */
  private endOf(auth: AuthContext): Observable<string> {
    const here$ = this.apiKeys.revoked$.pipe(
      filter((r) => r.workspaceId === auth.workspaceId && (!r.keyId || r.keyId === auth.keyId)),
      map((r) => (r.keyId ? 'api key revoked' : 'workspace deleted')),
    );
    const everyMs = this.settings.rateLimit.sseKeyRecheckSeconds * 1000;
    const elsewhere$ = timer(everyMs, everyMs).pipe(
      exhaustMap(() =>
        from(
          this.apiKeys.inactiveReason(auth.keyId, auth.workspaceId).catch((err: Error) => {
            // The database being briefly away is no reason to cut every stream.
            this.logger.warn({ err: err.message }, 'Could not re-check the key of an open stream');
            return null;
          }),
        ),
      ),
      filter((reason): reason is string => reason !== null),
    );
    return merge(here$, elsewhere$);
  }
}
