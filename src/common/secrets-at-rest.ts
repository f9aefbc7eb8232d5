import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';

/**
 * Secrets at rest (workspace webhook signing secrets and any other per-workspace secret): stored
 * encrypted with AES-256-GCM, so that a copy of the data directory, a backup or a database dump
 * does not give them away.
 *
 * Stored form: `enc:v1:<iv>:<tag>:<ciphertext>`, each part base64url; a random 96-bit IV per value;
 * the 128-bit tag authenticates the ciphertext together with a context string (for example
 * `workspaces/<id>/webhookSecret`) given as additional authenticated data, so a value copied into
 * another record or field does not decrypt there.
 *
 * The key: `SECRETS_KEY` (32 bytes, as 64 hex characters or base64/base64url), or else a key file
 * generated at the first start with mode 0600 (`DATA_DIR/secrets.key`, or `./data/secrets.key`
 * with `MONGODB_URI` and no `DATA_DIR`). It is never stored in the database or the journal.
 */
export const ENCRYPTED_PREFIX = 'enc:v1:';
export const SECRETS_KEY_FILE = 'secrets.key';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';

/** The key is not usable: malformed, missing while encrypted values exist, or not the one they were encrypted with. */
export class SecretsKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretsKeyError';
  }
}

/** A stored value that does not decrypt: wrong key, altered bytes or another record's value. */
export class SecretDecryptError extends Error {
  constructor(readonly context: string) {
    super(`the stored secret ${context} does not decrypt: wrong key, or the stored value was altered`);
    this.name = 'SecretDecryptError';
  }
}

/**
 * A key from its text form: exactly 64 hex characters, or base64/base64url of exactly 32 bytes.
 * Throws SecretsKeyError otherwise (the message never repeats the value).
 */
export function parseSecretsKey(text: string): Buffer {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  throw new SecretsKeyError(
    `must be ${KEY_BYTES} random bytes, written as 64 hex characters or as base64 (generate one with: openssl rand -base64 32)`,
  );
}

export function isEncryptedSecret(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(ENCRYPTED_PREFIX);
}

export class SecretCipher {
  private readonly key: Buffer;

  /** `source` says where the key came from, for messages (never the key itself). */
  constructor(
    key: Buffer,
    readonly source: string,
  ) {
    if (key.length !== KEY_BYTES) throw new SecretsKeyError(`a secrets key must be ${KEY_BYTES} bytes, got ${key.length}`);
    this.key = Buffer.from(key);
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `${ENCRYPTED_PREFIX}${iv.toString('base64url')}:${tag.toString('base64url')}:${ciphertext.toString('base64url')}`;
  }

  /** The plaintext of a value `encrypt` made with the same key and context; SecretDecryptError otherwise. */
  decrypt(stored: string, context: string): string {
    if (!isEncryptedSecret(stored)) throw new SecretDecryptError(context);
    const parts = stored.slice(ENCRYPTED_PREFIX.length).split(':');
    if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) throw new SecretDecryptError(context);
    const [iv, tag, ciphertext] = parts.map((p) => Buffer.from(p, 'base64url'));
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretDecryptError(context);
    try {
      const decipher = createDecipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptError(context);
    }
  }

  /**
   * A 32-byte key for another purpose (HKDF-SHA256, `purpose` as its info): independent of this
   * key and of every other purpose's, yet shared by every instance that shares this key.
   */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), purpose, KEY_BYTES));
  }

  /** The stored value as it is when not encrypted (a value written before encryption existed), decrypted otherwise. */
  reveal(stored: string, context: string): string {
    return isEncryptedSecret(stored) ? this.decrypt(stored, context) : stored;
  }
}

/** Where the key file lives when `SECRETS_KEY` is unset; null when nothing is stored on disk (memory-only engine). */
export function secretsKeyFilePath(settings: { dataDir: string | null; mongodbUri: string | null }): string | null {
  if (settings.dataDir) return resolve(settings.dataDir, SECRETS_KEY_FILE);
  if (settings.mongodbUri) return resolve('data', SECRETS_KEY_FILE);
  return null;
}

export interface SecretsKeyOptions {
  /** `SECRETS_KEY`, when set. */
  secretsKey: string | null;
  /** The key file used when `secretsKey` is unset; null: a key in memory only (nothing persists). */
  keyFile: string | null;
  /** How many stored values are already encrypted: a key is never generated when some are. */
  encryptedValues: () => Promise<number>;
}

export interface LoadedSecretsKey {
  cipher: SecretCipher;
  /** A key file was generated now. */
  created: boolean;
  /** The key file's mode was looser than 0600 and was tightened. */
  tightened: boolean;
}

function readKeyFile(path: string): Buffer {
  try {
    return parseSecretsKey(readFileSync(path, 'utf8'));
  } catch (err) {
    if (err instanceof SecretsKeyError) throw new SecretsKeyError(`the secrets key file ${path} is not a valid key: it ${err.message}`);
    throw err;
  }
}

/** Writes a new random key to `path` with mode 0600 (exclusive create); false when the file appeared meanwhile. */
function createKeyFile(path: string): boolean {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false; // another instance made it first
    throw err;
  }
  try {
    writeSync(fd, `${randomBytes(KEY_BYTES).toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * The key for secrets at rest: `SECRETS_KEY`, else the key file, generated when absent, but only
 * when no encrypted value exists yet (a missing key file then means a lost key, never a new one).
 */
export async function loadSecretsKey(options: SecretsKeyOptions): Promise<LoadedSecretsKey> {
  if (options.secretsKey) {
    let key: Buffer;
    try {
      key = parseSecretsKey(options.secretsKey);
    } catch (err) {
      throw new SecretsKeyError(`SECRETS_KEY ${(err as Error).message}`);
    }
    return { cipher: new SecretCipher(key, 'SECRETS_KEY'), created: false, tightened: false };
  }
  if (!options.keyFile)
    return {
      cipher: new SecretCipher(randomBytes(KEY_BYTES), 'a key in memory (no data is stored on disk)'),
      created: false,
      tightened: false,
    };
  const path = options.keyFile;
  let created = false;
  let tightened = false;
  let exists = true;
  try {
    const mode = statSync(path).mode & 0o777;
    if (mode !== 0o600) {
      chmodSync(path, 0o600);
      tightened = true;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    exists = false;
  }
  if (!exists) {
    const encrypted = await options.encryptedValues();
    if (encrypted > 0) {
      throw new SecretsKeyError(
        `${encrypted} stored secret${encrypted === 1 ? ' is' : 's are'} encrypted, but SECRETS_KEY is unset and the key file ${path} is missing. ` +
          'Restore that file (from the backup of the data directory) or set SECRETS_KEY to the key they were encrypted with; ' +
          'a new key is not generated, since it could not decrypt them.',
      );
    }
    created = createKeyFile(path);
  }
  return { cipher: new SecretCipher(readKeyFile(path), `the key file ${path}`), created, tightened };
}
