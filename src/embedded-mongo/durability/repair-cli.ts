/**
 * `npm run db:repair -- --data-dir DIR`: salvages a damaged data directory of the embedded engine
 * (see repair.ts), printing what was lost and what was kept. Exits 1, changing nothing, when the
 * directory is in use or cannot be read.
 */
import { resolve } from 'node:path';
import { formatRepairReport, repairDataDirectory } from './repair';

const USAGE = 'usage: npm run db:repair -- --data-dir DIR   (default: $DATA_DIR, else ./data)';

function dataDirArgument(args: string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--data-dir') return args[i + 1] ?? null;
    if (args[i].startsWith('--data-dir=')) return args[i].slice('--data-dir='.length);
  }
  return process.env.DATA_DIR || './data';
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const dir = dataDirArgument(args);
  if (!dir) {
    process.stderr.write(`--data-dir needs a directory\n${USAGE}\n`);
    return 2;
  }
  // npm runs scripts from the project root; a relative path means what it meant where the user typed it.
  const path = resolve(process.env.INIT_CWD ?? process.cwd(), dir);
  try {
    const report = await repairDataDirectory(path);
    process.stdout.write(`${formatRepairReport(report)}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`Repair of ${path} failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

void main().then((code) => process.exit(code));
