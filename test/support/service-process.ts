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

export interface StartOptions {
  /** how long to wait for the service to answer (default 60 s) */
  timeoutMs?: number;
  /** wait for `/health` to answer 2xx, not merely to answer (for a test that needs every dependency up) */
  healthy?: boolean;
  /** the admin key the service starts with and `api()` sends (default SERVICE_ADMIN_KEY) */
  adminKey?: string;
}

/** The service as `npm start` runs it, on PORT=0, with the caller's environment on top of a quiet, demo-free default. */
function spawnService(env: Record<string, string>, adminKey: string) {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      ADMIN_API_KEY: adminKey,
      NODE_EXTRA_CA_CERTS: join(ROOT, 'test', 'fixtures', 'tls', 'ca.pem'),
      DEMO: 'false',
      LOG_LEVEL: 'warn',
      COLLECT_INTERVAL_SECONDS: '86400',
      // Fault tests poll the service far faster than a client would (see TEST_RATE_LIMITS).
      RATE_LIMIT_PER_MINUTE: '1000000',
      AUTH_FAILURE_LIMIT_PER_MINUTE: '1000000',
      // Tests collect the same topic again at once; the on-demand interval has its own test.
      COLLECT_ON_DEMAND_INTERVAL_SECONDS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

const listeningPort = (output: string): number => Number(/listening on http:\/\/localhost:(\d+)/.exec(output)?.[1]);

/**
 * The real service (`src/main.ts`) in a child process, as `npm start` runs it, on PORT=0: the port
 * is read from its start-up line, then `/health` is polled until it answers (any status unless
 * `healthy`: a test may start it with a dependency down on purpose).
 */
export function startServiceProcess(env: Record<string, string>, options: number | StartOptions = {}): Promise<ServiceProcess> {
  const {
    timeoutMs = 60_000,
    healthy = false,
    adminKey = SERVICE_ADMIN_KEY,
  } = typeof options === 'number' ? { timeoutMs: options } : options;
  const { child, output, exited } = spawnService(env, adminKey);

  const make = (port: number): ServiceProcess => {
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        ...init,
        headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
      });
    return {
      child,
      port,
      output,
      api,
      async json(path, init = {}) {
        const res = await api(path, init);
        const text = await res.text();
        const expected = init.status ?? (res.status === 201 ? 201 : 200);
        if (res.status !== expected)
          throw new Error(`${init.method ?? 'GET'} ${path} answered ${res.status}, expected ${expected}: ${text}`);
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
      const port = listeningPort(output());
      if (port) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/health`);
          if (!healthy || res.ok) return resolve(make(port));
        } catch {
          /* not listening yet */
        }
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        return reject(new Error(`service did not start:\n${output()}`));
      }
      setTimeout(poll, 200);
    };
    void poll();
  });
}

/**
 * Starts the service where it must refuse to start: resolves with its exit code and everything it
 * printed once it exits. Rejects (and kills it) if it comes up and answers `/health` instead.
 */
export function serviceRefusal(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const { child, output, exited } = spawnService(env, SERVICE_ADMIN_KEY);
  return new Promise((resolve, reject) => {
    let done = false;
    void exited.then((code) => {
      if (done) return;
      done = true;
      resolve({ code, output: output() });
    });
    const poll = async () => {
      if (done) return;
      const port = listeningPort(output());
      if (
        port &&
        (await fetch(`http://127.0.0.1:${port}/health`).then(
          () => true,
          () => false,
        ))
      ) {
        done = true;
        child.kill('SIGKILL');
        await exited;
        return reject(new Error(`service started where it had to refuse:\n${output()}`));
      }
      setTimeout(poll, 200);
    };
    void poll();
  });
}
