/**
 * Regenerates the TLS fixture that end-to-end tests serve the X API emulator with:
 * test/fixtures/tls/{key,cert,ca}.pem (ca.pem is the self-signed certificate itself; `npm test` trusts it
 * through NODE_EXTRA_CA_CERTS). Run: node -r @swc-node/register test/support/make-test-cert.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateLocalCertificate } from '../../src/demo/networks/shared/self-signed-certificate';

async function main(): Promise<void> {
  const dir = join(__dirname, '..', 'fixtures', 'tls');
  mkdirSync(dir, { recursive: true });
  const { key, cert } = await generateLocalCertificate({ validityYears: 20 });
  writeFileSync(join(dir, 'key.pem'), key);
  writeFileSync(join(dir, 'cert.pem'), cert);
  writeFileSync(join(dir, 'ca.pem'), cert);
  process.stdout.write(`wrote key.pem, cert.pem and ca.pem to ${dir}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
