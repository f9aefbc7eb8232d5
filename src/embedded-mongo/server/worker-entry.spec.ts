import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { engineWorkerEntry, TYPESCRIPT_LOADER } from './worker-entry';

describe('engineWorkerEntry', () => {
  it('starts compiled JavaScript as it is, with the process flags', () => {
    expect(engineWorkerEntry('/srv/ouvidor/dist/embedded-mongo/server/embedded-mongo-server.js')).toEqual({
      filename: '/srv/ouvidor/dist/embedded-mongo/server/engine-worker.js',
      execArgv: undefined,
    });
  });

  it('starts TypeScript sources with the on-the-fly compiler as the thread loader', () => {
    const entry = engineWorkerEntry(join(__dirname, 'embedded-mongo-server.ts'));
    expect(entry).toEqual({ filename: join(__dirname, 'engine-worker.ts'), execArgv: ['--require', TYPESCRIPT_LOADER] });
    expect(existsSync(entry.filename)).toBe(true);
    expect(() => require.resolve(TYPESCRIPT_LOADER)).not.toThrow();
  });

  it('refuses any other kind of module, naming it', () => {
    expect(() => engineWorkerEntry('/x/embedded-mongo-server.mjs')).toThrow('/x/embedded-mongo-server.mjs');
  });
});
