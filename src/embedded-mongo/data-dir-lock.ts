import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const LOCK_FILE = 'LOCK';
const heldInThisProcess = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One engine per data directory: two engines appending to one journal would corrupt it. A lock
 * left by a killed process (its pid no longer running) is taken over.
 */
export class DataDirLock {
  private constructor(private readonly dir: string) {}

  static acquire(dir: string): DataDirLock {
    const path = join(dir, LOCK_FILE);
    if (heldInThisProcess.has(dir)) throw new Error(`data directory ${dir} is already open in this process`);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        heldInThisProcess.add(dir);
        return new DataDirLock(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const owner = Number(readFileSync(path, 'utf8').trim());
        if (owner && owner !== process.pid && alive(owner)) {
          throw new Error(`data directory ${dir} is in use by process ${owner}`);
        }
        rmSync(path, { force: true });
      }
    }
    throw new Error(`could not lock data directory ${dir}`);
  }

  release(): void {
    heldInThisProcess.delete(this.dir);
    rmSync(join(this.dir, LOCK_FILE), { force: true });
  }
}
