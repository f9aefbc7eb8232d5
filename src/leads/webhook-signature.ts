import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed lead webhooks: `X-Signature: sha256=<hex HMAC-SHA256 of the raw request body>`, keyed
 * with the workspace's webhook secret (the scheme GitHub uses for its webhooks). The body is
 * signed byte for byte, so the check runs on the raw body, never on re-serialised JSON.
 */
export const SIGNATURE_HEADER = 'x-signature';

export function signBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function signatureMatches(secret: string, body: Buffer, header: string | undefined): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(match[1], 'hex'));
}
