import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export const SERVICE_ADMIN_KEY = 'ouv_fault-test-admin-key-0123456789';

export interface ServiceProcess {
  child: ChildProcess;
  port: number;
  /** everything the process printed so far (stdout and stderr) */
  output(): string;
  /** a request to the service with the admin key */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** a JSON request that must answer `status` (default 200 or 201); its body */
  json<T = any>(path: string, init?: RequestInit & { status?: number }): Promise<T>;
  /** sends `signal` and resolves once the process has exited */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * The real service (`src/main.ts`) in a child process, as `npm start` runs it, on PORT=0: the port
 * is read from its start-up line, then `/health` is polled until it answers (any status: a test
 * may start it with a dependency down on purpose). The environment is the caller's, on top of
 * a quiet, demo-free default.
 */
export function startServiceProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      ADMIN_API_KEY: SERVICE_ADMIN_KEY,
      NODE_EXTRA_CA_CERTS: join(ROOT, 'test', 'fixtures', 'tls', 'ca.pem'),
      DEMO: 'false',
      LOG_LEVEL: 'warn',
      COLLECT_INTERVAL_SECONDS: '86400',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const make = (port: number): ServiceProcess => {
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        ...init,
        headers: { Authorization: `Bearer ${SERVICE_ADMIN_KEY}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
      });
    return {
      child,
      port,
      output: () => output,
      api,
      async json(path, init = {}) {
        const res = await api(path, init);
        const text = await res.text();
        const expected = init.status ?? (res.status === 201 ? 201 : 200);
        if (res.status !== expected) throw new Error(`${init.method ?? 'GET'} ${path} answered ${res.status}, expected ${expected}: ${text}`);
        return text ? JSON.parse(text) : undefined;
      },
      async kill(signal) {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        await exited;
      },
    };
  };

  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const poll = async () => {
      const port = Number(/listening on http:\/\/localhost:(\d+)/.exec(output)?.[1]);
      if (port) {
        try {
          await fetch(`http://127.0.0.1:${port}/health`);
          return resolve(make(port));
        } catch {
          /* not listening yet */
        }
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        return reject(new Error(`service did not start:\n${output}`));
      }
      setTimeout(poll, 200);
    };
    void poll();
  });
}
