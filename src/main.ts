import 'reflect-metadata';
import { createApp } from './app.factory';
import { InvalidSettingsError, loadSettings } from './config/settings';

async function main() {
  let settings;
  try {
    settings = loadSettings();
  } catch (err) {
    if (err instanceof InvalidSettingsError) {
      process.stderr.write(`Ouvidor cannot start. ${err.message}\n`);
      for (const issue of err.issues) process.stderr.write(`  - ${issue.key}: ${issue.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const app = await createApp(settings);
  await app.listen(settings.port);
  // PORT=0 asks the system for a free port: say the one it gave
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const url = `http://localhost:${port}`;
  process.stdout.write(`Ouvidor is listening on ${url} (API docs at ${url}/docs)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`Ouvidor failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
