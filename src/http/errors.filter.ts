import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import mongoose from 'mongoose';
import { messageWithoutQuery } from './url-secrets';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/**
 * Every error leaves as `{ statusCode, error, message }`; internals are logged, never sent, and
 * the message never carries the request's query string (it may hold a key).
 */
@Catch()
export class ErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    const { statusCode, message, extra } = this.describe(exception);
    // A key may ride in the query (?access_token=); no error sends the URL's query back.
    const url = host.switchToHttp().getRequest<Request>()?.originalUrl;
    res
      .status(statusCode)
      .json({ statusCode, error: REASONS[statusCode] ?? 'Error', message: messageWithoutQuery(message, url), ...extra });
  }

  private describe(exception: unknown): { statusCode: number; message: unknown; extra?: Record<string, unknown> } {
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      const statusCode = exception.getStatus();
      if (typeof body === 'string') return { statusCode, message: body };
      const { message, statusCode: _s, error: _e, ...extra } = body as Record<string, unknown>;
      return { statusCode, message: message ?? exception.message, extra };
    }
    const err = exception as { code?: number; name?: string; message?: string; keyValue?: Record<string, unknown> };
    if (err?.code === 14031) {
      // The embedded engine's disk is full (MongoDB's OutOfDiskSpace): nothing was acknowledged.
      return {
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        message:
          'the database disk is full: the change is not known to be stored; send it again once there is room (GET /health says when)',
      };
    }
    if (err?.code === 11000) {
      const fields = Object.keys(err.keyValue ?? {}).join(', ');
      return { statusCode: HttpStatus.CONFLICT, message: fields ? `duplicate value for ${fields}` : 'duplicate record' };
    }
    if (exception instanceof mongoose.Error.ValidationError) {
      return { statusCode: HttpStatus.BAD_REQUEST, message: Object.values(exception.errors).map((e) => `${e.path}: ${e.message}`) };
    }
    if (exception instanceof mongoose.Error.CastError) {
      return { statusCode: HttpStatus.BAD_REQUEST, message: `${exception.path}: invalid value` };
    }
    if (err?.name === 'PayloadTooLargeError') return { statusCode: 413, message: 'request body is too large' };
    if (err?.name === 'SyntaxError' && (exception as { type?: string }).type === 'entity.parse.failed') {
      return { statusCode: 400, message: 'request body is not valid JSON' };
    }
    this.logger.error({ err: exception }, 'Unhandled error');
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, message: 'internal error' };
  }
}
