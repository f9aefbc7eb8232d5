import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BLUESKY_EMULATOR_PASSWORD, BlueskyEmulator, type BlueskyEmulatorOptions } from '../../src/demo/networks/bluesky/bluesky-emulator';

export { BlueskyEmulator as BlueskyTestServer } from '../../src/demo/networks/bluesky/bluesky-emulator';
export type {
  BlueskyFault,
  BlueskyPostInput as BlueskyTestPostInput,
  BlueskyUser as BlueskyTestUser,
} from '../../src/demo/networks/bluesky/bluesky-emulator';

export const BLUESKY_TEST_PASSWORD = BLUESKY_EMULATOR_PASSWORD;

/**
 * A local HTTPS server that answers like Bluesky's XRPC API (the emulator the demo also runs).
 * Its certificate is the committed test fixture for "localhost", which `npm test` trusts through
 * NODE_EXTRA_CA_CERTS, as an operator would trust a private CA.
 */
export async function startBlueskyTestServer(
  options: Omit<BlueskyEmulatorOptions, 'tls'> = {},
): Promise<{ server: BlueskyEmulator; baseUrl: string }> {
  const dir = join(__dirname, '..', 'fixtures', 'tls');
  const server = new BlueskyEmulator({
    ...options,
    tls: { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') },
  });
  const { baseUrl } = await server.start();
  return { server, baseUrl };
}
