/**
 * Builds `{ cursor: { firstBatch|nextBatch: [...], id, ns }, ok: 1 }` from documents that are
 * already serialized one by one. Serializing each document separately is what lets a batch stop
 * at the 16 MB reply limit exactly, and it avoids building one large object only to serialize it.
 */
export type BatchField = 'firstBatch' | 'nextBatch';

const TYPE_DOUBLE = 0x01;
const TYPE_STRING = 0x02;
const TYPE_DOCUMENT = 0x03;
const TYPE_ARRAY = 0x04;
const TYPE_INT64 = 0x12;

function cstringLength(s: string): number {
  return Buffer.byteLength(s, 'utf8') + 1;
}

export function encodeCursorReply(cursorId: number, ns: string, batchField: BatchField, docs: Uint8Array[]): Buffer {
  let arrayBody = 0;
  for (let i = 0; i < docs.length; i++) arrayBody += 1 + String(i).length + 1 + docs[i].length;
  const arraySize = 4 + arrayBody + 1;
  const nsBytes = Buffer.byteLength(ns, 'utf8');
  const cursorSize = 4 + (1 + cstringLength(batchField) + arraySize) + (1 + 3 + 8) + (1 + 3 + 4 + nsBytes + 1) + 1;
  const total = 4 + (1 + 7 + cursorSize) + (1 + 3 + 8) + 1;

  const out = Buffer.allocUnsafe(total);
  let o = 0;
  out.writeInt32LE(total, o);
  o += 4;
  out[o++] = TYPE_DOCUMENT;
  o += out.write('cursor\0', o, 'latin1');
  out.writeInt32LE(cursorSize, o);
  o += 4;
  out[o++] = TYPE_ARRAY;
  o += out.write(`${batchField}\0`, o, 'latin1');
  out.writeInt32LE(arraySize, o);
  o += 4;
  for (let i = 0; i < docs.length; i++) {
    out[o++] = TYPE_DOCUMENT;
    o += out.write(`${i}\0`, o, 'latin1');
    out.set(docs[i], o);
    o += docs[i].length;
  }
  out[o++] = 0;
  out[o++] = TYPE_INT64;
  o += out.write('id\0', o, 'latin1');
  out.writeBigInt64LE(BigInt(cursorId), o);
  o += 8;
  out[o++] = TYPE_STRING;
  o += out.write('ns\0', o, 'latin1');
  out.writeInt32LE(nsBytes + 1, o);
  o += 4;
  o += out.write(ns, o, 'utf8');
  out[o++] = 0;
  out[o++] = 0;
  out[o++] = TYPE_DOUBLE;
  o += out.write('ok\0', o, 'latin1');
  out.writeDoubleLE(1, o);
  o += 8;
  out[o++] = 0;
  if (o !== total) throw new Error(`cursor reply size mismatch: wrote ${o}, expected ${total}`);
  return out;
}
