import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { waitUntil } from './waiting';

const ROOT = join(__dirname, '..', '..');

/** The embedded engine on its own (`npm run engine`), in a child process. */
export interface EngineProcess {
  child: ChildProcess;
  /** the driver URI it logged (its Unix socket, URL-encoded) */
  uri: string;
  socketPath: string;
  output(): string;
  /** Log lines (pino JSON) printed so far. */
  lines(): Array<Record<string, any>>;
  exited: Promise<number | null>;
  /** sends `signal` and resolves with the exit code */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/** Starts the engine as `npm run engine -- ARGS` does and waits for the line naming its socket URI. */
export async function startEngineProcess(args: string[]): Promise<EngineProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/embedded-mongo/server/engine-cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = () =>
    output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, any>);
  const ready = () => lines().find((l) => l.msg?.startsWith('embedded engine: ready'));
  let done = false;
  void exited.then(() => (done = true));
  await waitUntil('the engine logs its socket URI', () => done || ready() !== undefined, { timeoutMs: 20_000, detail: () => output });
  const line = ready();
  if (!line) throw new Error(`the engine exited before it was ready:\n${output}`);
  return {
    child,
    uri: line.uri,
    socketPath: line.socketPath,
    output: () => output,
    lines,
    exited,
    stop(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
