import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed webhooks, in both directions (leads sent to Ouvidor, alerts sent by Ouvidor):
 *
 *   X-Signature-Timestamp: <unix seconds>
 *   X-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">
 *
 * keyed with the workspace's webhook secret (the scheme Stripe and Slack use). Signing the
 * timestamp with the body lets a receiver refuse an old request, so a captured one cannot be
 * replayed after the tolerance; within it, the receiver remembers the signatures it has seen.
 */
export const SIGNATURE_HEADER = 'x-signature';
export const SIGNATURE_TIMESTAMP_HEADER = 'x-signature-timestamp';
/** How far a timestamp may be from the receiver's clock, in seconds. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signWebhook(secret: string, timestampSeconds: number, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body).digest('hex')}`;
}

/** The two headers to send with a body signed now. */
export function signedWebhookHeaders(secret: string, body: Buffer | string, now = Date.now()): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return { 'X-Signature-Timestamp': String(timestamp), 'X-Signature': signWebhook(secret, timestamp, body) };
}

export type SignatureCheck =
  { ok: true; timestamp: number; signature: string } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

/** Checks a signed body: the signature must match and the timestamp be within the tolerance of `now`. */
export function verifyWebhook(
  secret: string,
  body: Buffer,
  headers: { signature?: string; timestamp?: string },
  now = Date.now(),
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): SignatureCheck {
  const signature = headers.signature?.trim();
  const stamp = headers.timestamp?.trim();
  if (!signature || !stamp) return { ok: false, reason: 'missing' };
  const match = /^sha256=([0-9a-f]{64})$/i.exec(signature);
  if (!match || !/^\d{1,12}$/.test(stamp)) return { ok: false, reason: 'malformed' };
  const timestamp = Number(stamp);
  if (Math.abs(now / 1000 - timestamp) > toleranceSeconds) return { ok: false, reason: 'stale' };
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
  if (!timingSafeEqual(expected, Buffer.from(match[1], 'hex'))) return { ok: false, reason: 'mismatch' };
  return { ok: true, timestamp, signature: match[1].toLowerCase() };
}
