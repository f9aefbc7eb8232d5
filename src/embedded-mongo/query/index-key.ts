/**
 * Index keys: a value's canonical string (equal values under MongoDB equality give the same
 * string, whatever object instance or bson package copy produced them), and the values a document
 * holds at a dotted path, with arrays expanded as MongoDB expands them for a multikey index.
 */

/** The key of null and of a missing field: MongoDB indexes both as null. */
export const NULL_KEY = 'z';

type BsonLike = { _bsontype?: string; toString(): string };

/** True for an embedded document (not an array, Date, RegExp, buffer or bson value class). */
export function isDocumentValue(v: unknown): v is Record<string, unknown> {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    !(v instanceof Date) &&
    !(v instanceof RegExp) &&
    !ArrayBuffer.isView(v) &&
    (v as BsonLike)._bsontype === undefined
  );
}

const lengthPrefixed = (s: string): string => `${s.length}:${s}`;

const f64 = new Float64Array(1);
const f64Words = new Uint32Array(f64.buffer);
/** Index of the high 32-bit word of a float64 on this machine (1 on little-endian hosts). */
const HIGH = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * A number as 16 hex digits whose string order is the numeric order: the IEEE-754 bits with the
 * sign bit flipped for positives and every bit inverted for negatives. -0 is 0; NaN sorts apart.
 */
export function sortableNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  f64[0] = x === 0 ? 0 : x;
  let hi = f64Words[HIGH];
  let lo = f64Words[1 - HIGH];
  if (hi & 0x80000000) {
    hi = ~hi >>> 0;
    lo = ~lo >>> 0;
  } else {
    hi = (hi | 0x80000000) >>> 0;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** Canonical-key type prefixes of the values an ordered index can serve ranges on. */
export const NUMBER_PREFIX = 'n';
export const DATE_PREFIX = 'd';

function longKey(text: string): string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? NUMBER_PREFIX + sortableNumber(n) : NUMBER_PREFIX + 'L' + text;
}

/**
 * Numbers (whatever bson class carries them) and dates get keys whose string order is their value
 * order, so an ordered index can answer ranges on them; other types only need equality.
 */
export function canonicalKey(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return 's' + v;
    case 'number':
      return NUMBER_PREFIX + sortableNumber(v);
    case 'boolean':
      return v ? 'b1' : 'b0';
    case 'undefined':
      return NULL_KEY;
    case 'bigint':
      return longKey(v.toString());
    case 'object': {
      if (v === null) return NULL_KEY;
      if (v instanceof Date) return DATE_PREFIX + sortableNumber(v.getTime());
      if (Array.isArray(v)) return '[' + v.map((e) => lengthPrefixed(canonicalKey(e))).join('') + ']';
      if (v instanceof RegExp) return 'r' + v.source + '/' + v.flags;
      const bsonType = (v as BsonLike)._bsontype;
      if (bsonType !== undefined) {
        switch (bsonType) {
          case 'ObjectId':
            return 'o' + (v as { toHexString(): string }).toHexString();
          case 'Long':
            return longKey(v.toString());
          case 'Int32':
          case 'Double':
            return NUMBER_PREFIX + sortableNumber(Number((v as { valueOf(): unknown }).valueOf()));
          case 'Binary': {
            const bin = v as unknown as { sub_type: number; buffer: Uint8Array; position: number };
            return 'x' + bin.sub_type + ':' + Buffer.from(bin.buffer.subarray(0, bin.position)).toString('base64');
          }
          case 'BSONRegExp': {
            const re = v as unknown as { pattern: string; options: string };
            return 'r' + re.pattern + '/' + re.options;
          }
          case 'MinKey':
            return '-';
          case 'MaxKey':
            return '+';
          default:
            return bsonType + ':' + (v as BsonLike).toString();
        }
      }
      if (ArrayBuffer.isView(v)) return 'x0:' + Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
      const obj = v as Record<string, unknown>;
      let out = '{';
      for (const k of Object.keys(obj)) out += lengthPrefixed(k) + lengthPrefixed(canonicalKey(obj[k]));
      return out + '}';
    }
    default:
      return 'f' + String(v);
  }
}

/** Marks an empty array at the end of a path, which MongoDB indexes as its own key. */
export const EMPTY_ARRAY: readonly unknown[] = Object.freeze([]);

function collect(value: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(EMPTY_ARRAY);
      else for (const e of value) out.push(e);
    } else {
      out.push(value);
    }
    return;
  }
  const part = parts[i];
  if (Array.isArray(value)) {
    const before = out.length;
    if (/^\d+$/.test(part) && +part < value.length) collect(value[+part], parts, i + 1, out);
    for (const el of value) if (isDocumentValue(el)) collect(el[part], parts, i + 1, out);
    if (out.length === before) out.push(undefined);
    return;
  }
  if (isDocumentValue(value)) collect(value[part], parts, i + 1, out);
  else out.push(undefined);
}

/** The values a document holds at `path` (pre-split on dots); `[undefined]` when missing. */
export function pathValues(doc: Record<string, unknown>, path: string[]): unknown[] {
  const out: unknown[] = [];
  collect(doc, path, 0, out);
  return out;
}

/** Whether an array lies on `path` (pre-split on dots) in `doc`, at its end or on the way. */
export function pathHasArray(doc: Record<string, unknown>, path: string[]): boolean {
  let value: unknown = doc;
  for (const part of path) {
    if (!isDocumentValue(value)) return false;
    value = value[part];
    if (Array.isArray(value)) return true;
  }
  return false;
}

/** Renders a key value the way MongoDB prints it in an E11000 message. */
export function formatKeyValue(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (Array.isArray(v)) return v.length ? `[ ${v.map(formatKeyValue).join(', ')} ]` : '[]';
  const bsonType = (v as BsonLike)._bsontype;
  if (bsonType === 'ObjectId') return `ObjectId('${(v as BsonLike).toString()}')`;
  if (bsonType !== undefined) return `${bsonType}(${JSON.stringify((v as BsonLike).toString())})`;
  if (isDocumentValue(v)) {
    const keys = Object.keys(v);
    return keys.length ? `{ ${keys.map((k) => `${k}: ${formatKeyValue(v[k])}`).join(', ')} }` : '{}';
  }
  return String(v);
}

export function formatDuplicateKey(fields: string[], values: unknown[]): string {
  return `{ ${fields.map((f, i) => `${f}: ${formatKeyValue(values[i])}`).join(', ')} }`;
}
