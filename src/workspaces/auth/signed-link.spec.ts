import { randomBytes } from 'node:crypto';
import { canonicalQuery, DIGEST_ISSUER, LinkClaims, signLink, verifyLink } from './signed-link';

const KEY = randomBytes(32);
const WS = '65a000000000000000000001';
const OTHER_WS = '65a000000000000000000002';
const KEY_ID = '65b000000000000000000001';
const NOW = new Date('2026-12-07T04:00:00Z');
const LATER = new Date('2026-12-07T04:05:00Z');

const claims: LinkClaims = {
  workspaceId: WS,
  issuer: KEY_ID,
  resource: 'mentions',
  query: { topic: '65c000000000000000000001', from: '2026-12-01T00:00:00.000Z', sentiment: 'negative' },
  expiresAt: LATER,
};

/** The link's query as Express's simple parser hands it over (repeated keys become arrays). */
function parsed(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of params) {
    const seen = out[k];
    out[k] = seen === undefined ? v : ([] as string[]).concat(seen, v);
  }
  return out;
}

const signed = () => parsed(signLink(KEY, claims));
const edit = (patch: Record<string, string | string[] | undefined>) => {
  const q = { ...signed(), ...patch };
  for (const [k, v] of Object.entries(q)) if (v === undefined) delete q[k];
  return q;
};

describe('signed links', () => {
  it('verifies the link it made, for its export, until it expires, with the claims it signed', () => {
    const check = verifyLink(KEY, 'mentions', signed(), NOW);
    expect(check).toEqual({ ok: true, claims });
    expect(verifyLink(KEY, 'mentions', signed(), new Date(LATER.getTime() - 1000)).ok).toBe(true);
  });

  it('puts its own parameters after the query, the expiry in unix seconds', () => {
    const params = signLink(KEY, claims);
    expect([...params.keys()]).toEqual(['topic', 'from', 'sentiment', 'ws', 'by', 'exp', 'sig']);
    expect(params.get('exp')).toBe(String(LATER.getTime() / 1000));
    expect(params.get('sig')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each<[string, Record<string, string | string[] | undefined>, string, 'malformed' | 'mismatch']>([
    ['a changed filter', { sentiment: 'positive' }, 'mentions', 'mismatch'],
    ['a filter removed', { sentiment: undefined }, 'mentions', 'mismatch'],
    ['a filter added', { platform: 'x' }, 'mentions', 'mismatch'],
    ['an empty filter added', { lang: '' }, 'mentions', 'mismatch'],
    ['a widened period', { from: '2020-01-01T00:00:00.000Z' }, 'mentions', 'mismatch'],
    ['another workspace', { ws: OTHER_WS }, 'mentions', 'mismatch'],
    ['another issuer', { by: DIGEST_ISSUER }, 'mentions', 'mismatch'],
    ['a later expiry', { exp: String(LATER.getTime() / 1000 + 3600) }, 'mentions', 'mismatch'],
    ['another export', {}, 'cases', 'mismatch'],
    ['another signature', { sig: 'A'.repeat(43) }, 'mentions', 'mismatch'],
    ['a repeated filter', { sentiment: ['negative', 'positive'] }, 'mentions', 'malformed'],
    ['no signature', { sig: undefined }, 'mentions', 'malformed'],
    ['a truncated signature', { sig: 'abc' }, 'mentions', 'malformed'],
    ['no workspace', { ws: undefined }, 'mentions', 'malformed'],
    ['a workspace that is no id', { ws: 'default' }, 'mentions', 'malformed'],
    ['an expiry that is no number', { exp: 'tomorrow' }, 'mentions', 'malformed'],
    ['no issuer', { by: undefined }, 'mentions', 'malformed'],
  ])('refuses %s', (_what, patch, resource, reason) => {
    const check = verifyLink(KEY, resource, edit(patch), NOW);
    expect(check).toMatchObject({ ok: false, reason });
  });

  it('refuses a link signed with another key', () => {
    expect(verifyLink(randomBytes(32), 'mentions', signed(), NOW)).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('refuses a genuine link once it expired, saying when', () => {
    for (const at of [LATER, new Date(LATER.getTime() + 7 * 86400_000)]) {
      const check = verifyLink(KEY, 'mentions', signed(), at);
      expect(check).toEqual({
        ok: false,
        reason: 'expired',
        expiresAt: LATER,
        message: 'this link expired at 2026-12-07T04:05:00.000Z. Ask for a new link',
      });
    }
  });

  it('tells nothing about expiry to a tampered link', () => {
    expect(verifyLink(KEY, 'mentions', edit({ sentiment: 'positive' }), new Date(LATER.getTime() + 1000))).toMatchObject({
      reason: 'mismatch',
    });
  });

  it('verifies a digest link of the same query', () => {
    const digest = parsed(signLink(KEY, { ...claims, issuer: DIGEST_ISSUER }));
    expect(verifyLink(KEY, 'mentions', digest, NOW)).toMatchObject({ ok: true, claims: { issuer: DIGEST_ISSUER } });
  });

  it('does not sign a query that holds its own parameters, nor claims that could blur the message', () => {
    expect(() => signLink(KEY, { ...claims, query: { sig: 'x' } })).toThrow(/"sig"/);
    expect(() => signLink(KEY, { ...claims, workspaceId: `${WS}\n` })).toThrow(/workspace/);
    expect(() => signLink(KEY, { ...claims, resource: 'mentions\ncases' })).toThrow(/resource/);
  });

  it('writes one canonical query whatever the order, with separators encoded', () => {
    expect(canonicalQuery({ b: '2', a: 'x y&z=1' })).toBe('a=x%20y%26z%3D1&b=2');
    expect(canonicalQuery({ a: 'x y&z=1', b: '2' })).toBe(canonicalQuery({ b: '2', a: 'x y&z=1' }));
    expect(canonicalQuery({ 'a&b': 'c' })).not.toBe(canonicalQuery({ a: '', b: 'c' }));
  });
});
