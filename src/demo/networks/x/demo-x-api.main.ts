/**
 * Runs the demo X API on its own, for poking at it with curl or pointing a local service at it:
 *   node -r @swc-node/register src/demo/networks/x/demo-x-api.main.ts [port]
 * It prints the base URL and writes the certificate to trust to $TMPDIR/ouvidor-x-emulator-ca.pem.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoXApi } from './demo-x-api';

async function main(): Promise<void> {
  const port = process.argv[2] ? Number(process.argv[2]) : 0;
  const demo = await startDemoXApi({ port });
  const caPath = join(tmpdir(), 'ouvidor-x-emulator-ca.pem');
  writeFileSync(caPath, demo.caPem);
  const example = `${demo.baseUrl}tweets/search/recent?query=${encodeURIComponent(demo.description.query)}&max_results=10&tweet.fields=created_at,lang`;
  process.stdout.write(
    [
      `X API emulator: ${demo.baseUrl}`,
      `CA certificate: ${caPath}`,
      `history: ${demo.backfill.mentions} mentions, ${demo.backfill.brandReplies} brand replies, ${demo.backfill.ownPosts} own posts`,
      `query: ${demo.description.query}`,
      `try: curl --cacert ${caPath} -H 'Authorization: Bearer x' '${example}'`,
      '',
    ].join('\n'),
  );
  const shutdown = () => void demo.stop().then(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  // The tick timer is unref'd so that embedding services can exit; here, keep the process alive.
  setInterval(() => undefined, 1 << 30);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
