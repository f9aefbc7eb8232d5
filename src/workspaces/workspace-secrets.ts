import { Logger } from '@nestjs/common';
import type { Model } from 'mongoose';
import {
  isEncryptedSecret,
  loadSecretsKey,
  SecretCipher,
  SecretDecryptError,
  SecretsKeyError,
  secretsKeyFilePath,
} from '../common/secrets-at-rest';
import type { Settings } from '../config/settings';
import type { Workspace } from './schemas/workspace.schema';

/** Authenticated context of a workspace's webhook secret: the value decrypts only in its own record and field. */
export const webhookSecretContext = (workspaceId: unknown): string => `workspaces/${String(workspaceId)}/webhookSecret`;

type StoredSecret = { _id: unknown; webhookSecret?: string };

/**
 * Loads the key and checks it against what is stored, before anything reads or writes a secret:
 * a start with a missing or wrong key for encrypted values is refused (nothing is changed), never
 * answered with a new key.
 */
export async function openWorkspaceSecrets(
  settings: Settings,
  workspaces: Model<Workspace>,
  logger = new Logger('SecretsAtRest'),
): Promise<SecretCipher> {
  const stored = async (): Promise<StoredSecret[]> =>
    workspaces.find({}, { webhookSecret: 1 }).select('+webhookSecret').lean<StoredSecret[]>();
  const keyFile = secretsKeyFilePath(settings);
  try {
    const { cipher, created, tightened } = await loadSecretsKey({
      secretsKey: settings.secretsKey,
      keyFile,
      encryptedValues: async () => (await stored()).filter((d) => isEncryptedSecret(d.webhookSecret)).length,
    });
    if (created) {
      logger.warn(
        { keyFile },
        'Generated the key for secrets at rest (mode 0600). Back it up with the data: without it the stored webhook secrets cannot be read. SECRETS_KEY takes its place when set',
      );
    }
    if (tightened) logger.warn({ keyFile }, 'The secrets key file was readable by others; its mode is now 0600');
    const undecryptable: string[] = [];
    for (const doc of await stored()) {
      if (!isEncryptedSecret(doc.webhookSecret)) continue;
      try {
        cipher.decrypt(doc.webhookSecret, webhookSecretContext(doc._id));
      } catch (err) {
        if (!(err instanceof SecretDecryptError)) throw err;
        undecryptable.push(String(doc._id));
      }
    }
    if (undecryptable.length) {
      throw new SecretsKeyError(
        `${cipher.source} does not decrypt the stored webhook secret${undecryptable.length === 1 ? '' : 's'} of ${undecryptable.length} workspace${undecryptable.length === 1 ? '' : 's'} ` +
          `(${undecryptable.slice(0, 5).join(', ')}${undecryptable.length > 5 ? ', …' : ''}): it is not the key they were encrypted with. ` +
          'Start with the original SECRETS_KEY or key file; nothing was changed.',
      );
    }
    logger.log({ keySource: cipher.source }, 'Secrets at rest are encrypted (AES-256-GCM)');
    return cipher;
  } catch (err) {
    if (err instanceof SecretsKeyError) {
      // Said plainly on stderr, before the framework's stack trace: this is what the operator must act on.
      process.stderr.write(`\nOuvidor cannot start: ${err.message}\n\n`);
    }
    throw err;
  }
}
