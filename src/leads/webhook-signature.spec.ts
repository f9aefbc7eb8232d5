import { signatureMatches, signBody } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = 'a'.repeat(64);
  const body = Buffer.from('{"occurredAt":"2026-03-01T12:00:00Z"}');

  it('signs as sha256=<hex HMAC-SHA256> (RFC 4231 test case 2)', () => {
    expect(signBody('Jefe', 'what do ya want for nothing?')).toBe('sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('accepts the signature of the exact body, in either hex case', () => {
    expect(signatureMatches(secret, body, signBody(secret, body))).toBe(true);
    expect(signatureMatches(secret, body, signBody(secret, body).toUpperCase().replace('SHA256', 'sha256'))).toBe(true);
  });

  it('refuses another body, another secret, a missing or malformed header', () => {
    expect(signatureMatches(secret, Buffer.from(`${body} `), signBody(secret, body))).toBe(false);
    expect(signatureMatches('b'.repeat(64), body, signBody(secret, body))).toBe(false);
    expect(signatureMatches(secret, body, undefined)).toBe(false);
    expect(signatureMatches(secret, body, signBody(secret, body).replace('sha256=', ''))).toBe(false);
    expect(signatureMatches(secret, body, 'sha256=abc')).toBe(false);
  });
});
