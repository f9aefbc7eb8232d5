import { InvalidSettingsError, loadSettings, type Settings } from '../../src/config/settings';

/** The settings an environment gives (nothing written: the data directory is in memory). */
export const loadTestSettings = (env: Record<string, string>): Settings => loadSettings(env, { overrides: { dataDir: ':memory:' } });

/** What `loadSettings` refuses in an environment, one `KEY (path): message` a problem; none when it loads. */
export function settingsProblems(env: Record<string, string>): string[] {
  try {
    loadTestSettings(env);
    return [];
  } catch (err) {
    if (!(err instanceof InvalidSettingsError)) throw err;
    return err.issues.map((i) => `${i.key}: ${i.message}`);
  }
}
