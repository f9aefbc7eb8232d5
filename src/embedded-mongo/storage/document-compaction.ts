import { Binary, type Document } from 'bson';
import { isDocumentValue } from '../query/index-key';

/**
 * Prepares a document for long-term storage in the engine's heap:
 * - arrays built by the bson deserializer keep spare capacity (about 120 bytes each); they are
 *   replaced by exact-size copies;
 * - deserialized Binary values are views of the message they arrived in; they get their own
 *   bytes, so a stored document never keeps a 48 MB insert batch alive.
 * Strings are left alone: interning them saved little and cost more than the rest together.
 */
function compactValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = compactValue(v[i]);
    return out;
  }
  const bsonType = (v as { _bsontype?: string })._bsontype;
  if (bsonType === 'Binary') {
    // Same class (Binary or its UUID subclass), own bytes.
    const bin = v as Binary;
    const BinaryClass = bin.constructor as typeof Binary;
    return new BinaryClass(Buffer.from(bin.buffer.subarray(0, bin.position)), bin.sub_type);
  }
  if (isDocumentValue(v)) compactDocument(v);
  return v;
}

/** Compacts `doc` in place (the caller owns it: it was just deserialized or copied) and returns it. */
export function compactDocument(doc: Document): Document {
  for (const key in doc) {
    const v = doc[key];
    if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
      const compacted = compactValue(v);
      if (compacted !== v) doc[key] = compacted;
    }
  }
  return doc;
}
