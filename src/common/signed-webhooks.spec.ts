import { signWebhook, signedWebhookHeaders, verifyWebhook } from './signed-webhooks';

describe('signed webhooks', () => {
  const secret = 'a'.repeat(64);
  const body = Buffer.from('{"email":"ana@example.com"}');
  const now = 1_780_000_000_000;
  const ts = now / 1000;

  it('signs "<timestamp>.<body>" (hand-computed with openssl)', () => {
    // printf '1780000000.{"email":"ana@example.com"}' | openssl dgst -sha256 -hmac aaaa…(64)
    expect(signWebhook(secret, ts, body)).toBe('sha256=2868bfab6ad0bc8dabe51377354ce504547139ddd5f18118ead02b9072d615ee');
    expect(signWebhook(secret, ts, body)).not.toBe(signWebhook(secret, ts + 1, body));
  });

  it.each([
    ['a fresh signature', { timestamp: String(ts), signature: signWebhook(secret, ts, body) }, 0, { ok: true }],
    ['one 299 s old', { timestamp: String(ts - 299), signature: signWebhook(secret, ts - 299, body) }, 0, { ok: true }],
    [
      'one 10 minutes old',
      { timestamp: String(ts - 600), signature: signWebhook(secret, ts - 600, body) },
      0,
      { ok: false, reason: 'stale' },
    ],
    [
      'one from the future',
      { timestamp: String(ts + 400), signature: signWebhook(secret, ts + 400, body) },
      0,
      { ok: false, reason: 'stale' },
    ],
    [
      'a timestamp changed after signing',
      { timestamp: String(ts + 1), signature: signWebhook(secret, ts, body) },
      0,
      { ok: false, reason: 'mismatch' },
    ],
    ['no timestamp', { signature: signWebhook(secret, ts, body) }, 0, { ok: false, reason: 'missing' }],
    ['a malformed signature', { timestamp: String(ts), signature: 'sha1=abc' }, 0, { ok: false, reason: 'malformed' }],
  ])('%s', (_name, headers, _x, expected) => {
    expect(verifyWebhook(secret, body, headers, now)).toMatchObject(expected);
  });

  it('builds the two headers', () => {
    const h = signedWebhookHeaders(secret, body, now);
    expect(verifyWebhook(secret, body, { timestamp: h['X-Signature-Timestamp'], signature: h['X-Signature'] }, now).ok).toBe(true);
  });
});
