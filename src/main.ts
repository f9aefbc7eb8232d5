import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { InvalidSettingsError, loadSettings } from './config/settings';
import { openDatabaseTargetEarly } from './database/database-target';

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
  // The embedded engine restores its data in its own thread while this one loads the application's
  // modules (seconds each on a second start), not after them; its log lines wait for the app's logger.
  Logger.attachBuffer();
  openDatabaseTargetEarly(settings);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded here, after the engine's start, on purpose
  const { createApp } = require('./app.factory') as typeof import('./app.factory.js');
  const app = await createApp(settings);
  await app.listen(settings.port);
  // PORT=0 asks the system for a free port: say the one it gave
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const url = `http://localhost:${port}`;
  process.stdout.write(`Ouvidor is listening on ${url} (API docs at ${url}/docs)\n`);
}

main().catch((err: unknown) => {
  Logger.flush();
  process.stderr.write(`Ouvidor failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
