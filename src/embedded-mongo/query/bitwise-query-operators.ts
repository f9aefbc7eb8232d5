import type { Document } from 'bson';
import { resolve } from 'mingo/util';
import { CommandError, ErrorCode } from '../errors';

/**
 * `$bitsAllSet`, `$bitsAnySet`, `$bitsAllClear`, `$bitsAnyClear` as MongoDB evaluates them. mingo
 * applies `&` to whatever it finds, so a string (or an array) counts as 0 and matches
 * `$bitsAllClear`, an array never matches anything, and a negative number loses its upper bits.
 * MongoDB tests integral numbers (as 64-bit two's complement, sign-extended) and binary data,
 * element by element in arrays, and nothing else.
 */

type BitTest = (position: number) => boolean;

interface BinaryLike {
  _bsontype: 'Binary';
  buffer: Uint8Array;
}

function isBinary(v: unknown): v is BinaryLike {
  return (v as { _bsontype?: string } | null)?._bsontype === 'Binary';
}

function integral(v: unknown): bigint | null {
  const bson = (v as { _bsontype?: string } | null)?._bsontype;
  if (bson === 'Long') return BigInt((v as { toString(): string }).toString());
  const n = typeof v === 'number' ? v : bson === 'Int32' || bson === 'Double' ? Number((v as { valueOf(): unknown }).valueOf()) : NaN;
  if (!Number.isInteger(n) || Math.abs(n) >= 2 ** 63) return null;
  return BigInt(n);
}

function bitsOf(v: unknown): BitTest | null {
  if (isBinary(v)) {
    const bytes = v.buffer;
    return (p) => (((bytes[p >> 3] ?? 0) >> (p & 7)) & 1) === 1;
  }
  const n = integral(v);
  if (n === null) return null;
  const bits = BigInt.asUintN(64, n);
  return (p) => (p >= 64 ? n < 0n : ((bits >> BigInt(p)) & 1n) === 1n);
}

function maskPositions(op: string, mask: unknown): number[] {
  if (Array.isArray(mask)) {
    for (const p of mask) {
      if (typeof p !== 'number' || !Number.isInteger(p) || p < 0) {
        throw new CommandError(ErrorCode.BadValue, `bit positions must be non-negative integers, but ${op} received: ${String(p)}`);
      }
    }
    return mask as number[];
  }
  if (isBinary(mask)) {
    const positions: number[] = [];
    mask.buffer.forEach((byte, i) => {
      for (let b = 0; b < 8; b++) if ((byte >> b) & 1) positions.push(i * 8 + b);
    });
    return positions;
  }
  const n = integral(mask);
  if (n === null || n < 0n) throw new CommandError(ErrorCode.BadValue, `${op} takes an Array, a non-negative integer, or a BinData`);
  const positions: number[] = [];
  for (let p = 0; p < 64; p++) if ((n >> BigInt(p)) & 1n) positions.push(p);
  return positions;
}

function bitwise(op: string, test: (positions: number[], bit: BitTest) => boolean) {
  return (selector: string, mask: unknown) => {
    const positions = maskPositions(op, mask);
    const matches = (v: unknown): boolean => {
      const bit = bitsOf(v);
      return bit !== null && test(positions, bit);
    };
    return (doc: Document): boolean => {
      const value = resolve(doc, selector, { unwrapArray: true });
      return Array.isArray(value) ? value.some(matches) : matches(value);
    };
  };
}

export const bitwiseQueryOperators = {
  $bitsAllSet: bitwise('$bitsAllSet', (ps, bit) => ps.every((p) => bit(p))),
  $bitsAnySet: bitwise('$bitsAnySet', (ps, bit) => ps.some((p) => bit(p))),
  $bitsAllClear: bitwise('$bitsAllClear', (ps, bit) => ps.every((p) => !bit(p))),
  $bitsAnyClear: bitwise('$bitsAnyClear', (ps, bit) => ps.some((p) => !bit(p))),
};
