import { BadRequestException } from '@nestjs/common';
import { isValidObjectId, Types } from 'mongoose';

/** Keyset pagination, newest first: the cursor is the last row's (time, id), opaque to clients. */
export interface PageCursor {
  at: Date;
  id: Types.ObjectId;
}

export function encodeCursor(at: Date, id: unknown): string {
  return Buffer.from(`${at.toISOString()}|${String(id)}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): PageCursor {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const at = new Date(iso ?? '');
  if (!iso || Number.isNaN(at.getTime()) || !isValidObjectId(id)) throw new BadRequestException('cursor is not valid');
  return { at, id: new Types.ObjectId(id) };
}

/** Filter for the rows after the cursor in (time desc, id desc) order. */
export function afterCursor(field: string, c: PageCursor) {
  return { $or: [{ [field]: { $lt: c.at } }, { [field]: c.at, _id: { $lt: c.id } }] };
}
