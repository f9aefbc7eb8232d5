import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const LOCK_FILE = 'LOCK';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One engine per data directory: two engines appending to one journal would corrupt it. The lock
 * file holds the owner's pid. A lock whose process is gone (killed) is taken over; a lock held by
 * a live process, this one included (an engine in another worker thread), is refused.
 */
export class DataDirLock {
  private constructor(private readonly path: string) {}

  static acquire(dir: string): DataDirLock {
    const path = join(dir, LOCK_FILE);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return new DataDirLock(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const owner = Number(readFileSync(path, 'utf8').trim());
        if (owner && alive(owner)) {
          throw new Error(
            `data directory ${dir} is in use by process ${owner}${owner === process.pid ? ' (this process)' : ''}; if no engine runs there, delete ${path}`,
            { cause: err },
          );
        }
        rmSync(path, { force: true });
      }
    }
    throw new Error(`could not lock data directory ${dir}`);
  }

  release(): void {
    rmSync(this.path, { force: true });
  }
}
