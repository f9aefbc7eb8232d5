import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header Meta signs every webhook delivery with. */
export const META_SIGNATURE_HEADER = 'x-hub-signature-256';

/** `sha256=<hex HMAC-SHA256 of the raw body>`, keyed with the app secret: what Meta sends and what the emulator signs with. */
export function signMetaPayload(appSecret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

export type MetaSignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' };

/**
 * Checks `X-Hub-Signature-256` against the raw body (the bytes Meta signed: a re-serialised JSON
 * body would differ in spacing and escapes). Meta signs no timestamp, so a captured delivery can
 * be replayed; processing is idempotent by the items' ids, which makes a replay store nothing.
 */
export function verifyMetaSignature(appSecret: string, rawBody: Buffer | undefined, header: string | undefined): MetaSignatureCheck {
  const value = header?.trim();
  if (!value || !rawBody) return { ok: false, reason: 'missing' };
  const match = /^sha256=([0-9a-f]{64})$/i.exec(value);
  if (!match) return { ok: false, reason: 'malformed' };
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(match[1], 'hex')) ? { ok: true } : { ok: false, reason: 'mismatch' };
}
