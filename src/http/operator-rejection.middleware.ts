import { BadRequestException, Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * Query operators in user input (`{"topic": {"$ne": null}}`, `?from[$gt]=`) are refused at the
 * edge with a 400 that names the field, before any DTO or query sees them. Mongoose's
 * `sanitizeFilter` is the second line of defence.
 */
export function findOperatorKey(value: unknown, path = '', depth = 0): string | null {
  if (depth > 32 || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findOperatorKey(value[i], `${path}[${i}]`, depth + 1);
      if (hit) return hit;
    }
    return null;
  }
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const here = path ? `${path}.${key}` : key;
    if (key.startsWith('$') || key.includes('[$')) return here;
    const hit = findOperatorKey(child, here, depth + 1);
    if (hit) return hit;
  }
  return null;
}

@Injectable()
export class OperatorRejectionMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction) {
    const inQuery = findOperatorKey(req.query);
    if (inQuery) throw new BadRequestException(`query parameter "${inQuery}": operators such as $gt are not allowed`);
    const inBody = findOperatorKey(req.body);
    if (inBody) throw new BadRequestException(`field "${inBody}": operators such as $gt are not allowed`);
    next();
  }
}
