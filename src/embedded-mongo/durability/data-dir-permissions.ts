import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The data directory and every directory in it (damaged-<time>/ copies): owner only. */
export const DATA_DIR_MODE = 0o700;
/** Every file in it (journals, snapshots, the lock, the socket, the key file, repair copies): owner read/write only. */
export const DATA_FILE_MODE = 0o600;

/** Creates the data directory owner-only (and its parents as needed); an existing one keeps its mode until tightened. */
export function makeDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: DATA_DIR_MODE });
}

export interface TightenResult {
  /** Files and directories whose mode was changed. */
  changed: number;
  /** Paths that could not be changed (not owned by this user, say), with the error. */
  failed: Array<{ path: string; error: string }>;
}

/**
 * Sets the directory, and everything under it, to owner-only: directories 0700, files and sockets
 * 0600. Symbolic links are left alone (a chmod would follow them out of the directory). Returns how
 * many entries were changed, so that the caller logs it once.
 */
export function tightenDataDir(dir: string): TightenResult {
  const result: TightenResult = { changed: 0, failed: [] };
  const visit = (path: string, isRoot: boolean): void => {
    let stat;
    try {
      stat = lstatSync(path);
    } catch (err) {
      // Gone since it was listed (a temp file renamed into place): nothing to tighten.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !isRoot) return;
      throw err;
    }
    if (stat.isSymbolicLink()) return;
    const wanted = stat.isDirectory() ? DATA_DIR_MODE : DATA_FILE_MODE;
    if ((stat.mode & 0o7777) !== wanted) {
      try {
        chmodSync(path, wanted);
        result.changed++;
      } catch (err) {
        result.failed.push({ path, error: (err as Error).message });
      }
    }
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name), false);
  };
  visit(dir, true);
  return result;
}
