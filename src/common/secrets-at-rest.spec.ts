import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ENCRYPTED_PREFIX,
  isEncryptedSecret,
  loadSecretsKey,
  parseSecretsKey,
  SecretCipher,
  SecretDecryptError,
  SecretsKeyError,
  secretsKeyFilePath,
} from './secrets-at-rest';

const CONTEXT = 'workspaces/65f000000000000000000001/webhookSecret';

/** Flips one bit of the base64url part `index` (0 iv, 1 tag, 2 ciphertext) of a stored value. */
function flipBit(stored: string, index: number): string {
  const parts = stored.slice(ENCRYPTED_PREFIX.length).split(':');
  const bytes = Buffer.from(parts[index], 'base64url');
  bytes[0] ^= 0x01;
  parts[index] = bytes.toString('base64url');
  return ENCRYPTED_PREFIX + parts.join(':');
}

describe('SecretCipher (AES-256-GCM)', () => {
  const cipher = new SecretCipher(randomBytes(32), 'test');

  it('round-trips, in the versioned base64url form, with a fresh IV per value', () => {
    const secret = randomBytes(32).toString('hex');
    const a = cipher.encrypt(secret, CONTEXT);
    const b = cipher.encrypt(secret, CONTEXT);
    expect(a).toMatch(/^enc:v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
    expect(a).not.toContain(secret);
    expect(a).not.toBe(b);
    expect(a.split(':')[2]).not.toBe(b.split(':')[2]);
    expect(cipher.decrypt(a, CONTEXT)).toBe(secret);
    expect(cipher.decrypt(b, CONTEXT)).toBe(secret);
    expect(cipher.decrypt(cipher.encrypt('', CONTEXT), CONTEXT)).toBe('');
    expect(cipher.decrypt(cipher.encrypt('ação ✓', CONTEXT), CONTEXT)).toBe('ação ✓');
    expect(isEncryptedSecret(a)).toBe(true);
    expect(isEncryptedSecret(secret)).toBe(false);
  });

  it('detects any altered byte of the IV, the tag or the ciphertext', () => {
    const stored = cipher.encrypt('s3cret', CONTEXT);
    for (const part of [0, 1, 2]) expect(() => cipher.decrypt(flipBit(stored, part), CONTEXT)).toThrow(SecretDecryptError);
    expect(() => cipher.decrypt(stored.slice(0, -2), CONTEXT)).toThrow(SecretDecryptError);
    expect(() => cipher.decrypt(`${stored}:x`, CONTEXT)).toThrow(SecretDecryptError);
    expect(() => cipher.decrypt('enc:v1:not:base64!:x', CONTEXT)).toThrow(SecretDecryptError);
    expect(() => cipher.decrypt('plaintext', CONTEXT)).toThrow(SecretDecryptError);
  });

  it('refuses a value moved to another record or field (the context is authenticated)', () => {
    const stored = cipher.encrypt('s3cret', CONTEXT);
    expect(() => cipher.decrypt(stored, 'workspaces/65f000000000000000000002/webhookSecret')).toThrow(SecretDecryptError);
  });

  it('refuses to decrypt with another key, and its error names no secret', () => {
    const stored = cipher.encrypt('s3cret', CONTEXT);
    const other = new SecretCipher(randomBytes(32), 'other');
    expect(() => other.decrypt(stored, CONTEXT)).toThrow(SecretDecryptError);
    try {
      other.decrypt(stored, CONTEXT);
    } catch (err) {
      expect(String(err)).not.toContain('s3cret');
    }
  });

  it('reveal() passes a value stored before encryption through', () => {
    expect(cipher.reveal('legacy-plain', CONTEXT)).toBe('legacy-plain');
    expect(cipher.reveal(cipher.encrypt('new', CONTEXT), CONTEXT)).toBe('new');
  });

  it('derives one 32-byte key per purpose: the same from the same key, another for another purpose or key', () => {
    const master = randomBytes(32);
    const a = new SecretCipher(master, 'a').deriveKey('links/v1');
    expect(a).toHaveLength(32);
    expect(new SecretCipher(Buffer.from(master), 'b').deriveKey('links/v1').equals(a)).toBe(true);
    expect(new SecretCipher(master, 'a').deriveKey('links/v2').equals(a)).toBe(false);
    expect(new SecretCipher(randomBytes(32), 'c').deriveKey('links/v1').equals(a)).toBe(false);
    expect(a.equals(master)).toBe(false);
  });
});

describe('parseSecretsKey', () => {
  const key = randomBytes(32);

  it('takes 64 hex characters, base64 and base64url of 32 bytes', () => {
    expect(parseSecretsKey(key.toString('hex'))).toEqual(key);
    expect(parseSecretsKey(key.toString('base64'))).toEqual(key);
    expect(parseSecretsKey(key.toString('base64url'))).toEqual(key);
    expect(parseSecretsKey(`${key.toString('base64')}\n`)).toEqual(key);
  });

  it('refuses anything else without echoing it', () => {
    for (const bad of [
      '',
      'short',
      randomBytes(16).toString('hex'),
      randomBytes(31).toString('base64'),
      randomBytes(33).toString('base64'),
      'g'.repeat(64),
    ]) {
      expect(() => parseSecretsKey(bad)).toThrow(SecretsKeyError);
    }
    try {
      parseSecretsKey('my-password-123');
    } catch (err) {
      expect(String(err)).not.toContain('my-password-123');
    }
  });
});

describe('loadSecretsKey', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'secrets-key-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const none = async () => 0;

  it('uses SECRETS_KEY when set and writes no file', async () => {
    const key = randomBytes(32);
    const keyFile = join(root, 'secrets.key');
    const { cipher, created } = await loadSecretsKey({ secretsKey: key.toString('base64'), keyFile, encryptedValues: none });
    expect(created).toBe(false);
    expect(cipher.source).toBe('SECRETS_KEY');
    expect(new SecretCipher(key, 'x').decrypt(cipher.encrypt('v', CONTEXT), CONTEXT)).toBe('v');
    expect(() => statSync(keyFile)).toThrow();
  });

  it('refuses a malformed SECRETS_KEY, naming the setting', async () => {
    await expect(loadSecretsKey({ secretsKey: 'nope', keyFile: null, encryptedValues: none })).rejects.toThrow(
      /^SECRETS_KEY must be 32 random bytes/,
    );
  });

  it('generates a 0600 key file at the first start (in a 0700 directory) and reuses it after', async () => {
    const keyFile = join(root, 'data', 'secrets.key');
    const first = await loadSecretsKey({ secretsKey: null, keyFile, encryptedValues: none });
    expect(first.created).toBe(true);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'data')).mode & 0o777).toBe(0o700);
    expect(parseSecretsKey(readFileSync(keyFile, 'utf8'))).toHaveLength(32);
    const stored = first.cipher.encrypt('v', CONTEXT);
    const second = await loadSecretsKey({ secretsKey: null, keyFile, encryptedValues: async () => 1 });
    expect(second.created).toBe(false);
    expect(second.cipher.decrypt(stored, CONTEXT)).toBe('v');
  });

  it('tightens a loose key file', async () => {
    const keyFile = join(root, 'secrets.key');
    writeFileSync(keyFile, randomBytes(32).toString('hex'));
    chmodSync(keyFile, 0o644);
    const { tightened } = await loadSecretsKey({ secretsKey: null, keyFile, encryptedValues: none });
    expect(tightened).toBe(true);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  it('never generates a key when encrypted values exist and the key file is missing', async () => {
    const keyFile = join(root, 'secrets.key');
    await expect(loadSecretsKey({ secretsKey: null, keyFile, encryptedValues: async () => 3 })).rejects.toThrow(
      /3 stored secrets are encrypted, but SECRETS_KEY is unset and the key file .*secrets\.key is missing/,
    );
    expect(() => statSync(keyFile)).toThrow();
  });

  it('refuses a damaged key file', async () => {
    const keyFile = join(root, 'secrets.key');
    writeFileSync(keyFile, 'garbage', { mode: 0o600 });
    await expect(loadSecretsKey({ secretsKey: null, keyFile, encryptedValues: none })).rejects.toThrow(/is not a valid key/);
  });

  it('keeps a memory-only key when nothing is stored on disk', async () => {
    expect(secretsKeyFilePath({ dataDir: null, mongodbUri: null })).toBeNull();
    expect(secretsKeyFilePath({ dataDir: '/srv/ouvidor', mongodbUri: null })).toBe('/srv/ouvidor/secrets.key');
    expect(secretsKeyFilePath({ dataDir: null, mongodbUri: 'mongodb://db/x' })).toBe(join(process.cwd(), 'data', 'secrets.key'));
    const { cipher, created } = await loadSecretsKey({ secretsKey: null, keyFile: null, encryptedValues: none });
    expect(created).toBe(false);
    expect(cipher.decrypt(cipher.encrypt('v', CONTEXT), CONTEXT)).toBe('v');
  });
});
