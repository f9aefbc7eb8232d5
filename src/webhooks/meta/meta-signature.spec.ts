import { signMetaPayload, verifyMetaSignature } from './meta-signature';

describe('Meta webhook signature (X-Hub-Signature-256)', () => {
  const secret = 'app-secret';
  const body = Buffer.from('{"object":"page","entry":[]}');

  it('accepts the HMAC-SHA256 of the raw body keyed with the app secret, in either hex case', () => {
    // echo -n '{"object":"page","entry":[]}' | openssl dgst -sha256 -hmac app-secret
    const expected = signMetaPayload(secret, body);
    expect(expected).toBe('sha256=e6e9d7a842a48e17f43a34d6125d0d933e2aab92ee37f0993a4d493b50e3d438');
    expect(verifyMetaSignature(secret, body, expected)).toEqual({ ok: true });
    expect(verifyMetaSignature(secret, body, expected.toUpperCase().replace('SHA256', 'sha256'))).toEqual({ ok: true });
  });

  it('refuses a missing, malformed or mismatching signature, and a body changed in one byte', () => {
    expect(verifyMetaSignature(secret, body, undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyMetaSignature(secret, undefined, signMetaPayload(secret, body))).toEqual({ ok: false, reason: 'missing' });
    expect(verifyMetaSignature(secret, body, 'sha1=abcdef')).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyMetaSignature('other-secret', body, signMetaPayload(secret, body))).toEqual({ ok: false, reason: 'mismatch' });
    const reserialised = Buffer.from('{"object": "page", "entry": []}');
    expect(verifyMetaSignature(secret, reserialised, signMetaPayload(secret, body))).toEqual({ ok: false, reason: 'mismatch' });
  });
});
