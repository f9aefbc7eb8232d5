import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XApiEmulator } from '../../src/demo/networks/x/x-api-emulator';

export const X_TEST_TOKEN = 'x-test-bearer-token';

/**
 * A local HTTPS server that answers like X API v2 (the same emulator the demo uses, fed with
 * scripted posts). Its certificate is the committed test fixture, which `npm test` trusts through
 * NODE_EXTRA_CA_CERTS, exactly as an operator would trust a private CA.
 */
export async function startXTestServer(opts: { rateLimit?: { limit: number; windowSeconds: number }; maxPageSize?: number } = {}) {
  const dir = join(__dirname, '..', 'fixtures', 'tls');
  const server = new XApiEmulator({
    tls: { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') },
    bearerToken: X_TEST_TOKEN,
    host: '127.0.0.1',
    rateLimit: opts.rateLimit,
    maxPageSize: opts.maxPageSize,
  });
  const address = await server.start();
  // twitter-api-v2 checks the certificate against "localhost", the fixture's name.
  const baseUrl = address.baseUrl.replace('127.0.0.1', 'localhost');
  return { server, baseUrl };
}
