import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MASTODON_EMULATOR_TOKEN,
  MastodonEmulator,
  type MastodonEmulatorOptions,
} from '../../src/demo/networks/mastodon/mastodon-emulator';

export { MastodonEmulator as MastodonTestServer } from '../../src/demo/networks/mastodon/mastodon-emulator';
export type {
  MastodonFault,
  MastodonPostInput as MastodonTestPostInput,
  MastodonRequest as MastodonTestRequest,
  MastodonUser as MastodonTestUser,
} from '../../src/demo/networks/mastodon/mastodon-emulator';

export const MASTODON_TEST_TOKEN = MASTODON_EMULATOR_TOKEN;

/**
 * A local HTTPS server that answers like a Mastodon instance's REST API (the emulator).
 * Its certificate is the committed test fixture for "localhost", which `npm test` trusts through
 * NODE_EXTRA_CA_CERTS, as an operator would trust a private CA.
 */
export async function startMastodonTestServer(
  options: Omit<MastodonEmulatorOptions, 'tls'> = {},
): Promise<{ server: MastodonEmulator; baseUrl: string }> {
  const dir = join(__dirname, '..', 'fixtures', 'tls');
  const server = new MastodonEmulator({
    ...options,
    tls: { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') },
  });
  const { baseUrl } = await server.start();
  return { server, baseUrl };
}
