import NodeEnvironment from 'jest-environment-node';
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import { relative } from 'node:path';

/**
 * The e2e project's test environment: Node's, plus a report of what each test file left open.
 *
 * The e2e suites run in band, in Jest's own process, so a child process, socket, server or timer a
 * suite forgets keeps that process alive after the last test: one CI run passed every test and then
 * waited until its 90-minute limit. `npm run test:e2e` passes `--forceExit`, so a leak can no longer
 * hang CI; this report names the file that leaked, so the leak itself gets fixed.
 *
 * After each file's own `afterAll` hooks (and a short grace for closes that finish on the next
 * turns of the event loop), the process's active resources are counted by kind and compared with
 * the count before the file started. Anything more is printed to stderr with the file's name.
 */
const GRACE_MS = 500;

type Counts = Map<string, number>;

function activeResources(): Counts {
  const counts: Counts = new Map();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

export default class OpenHandlesEnvironment extends NodeEnvironment {
  private readonly testPath: string;
  private before: Counts = new Map();

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.testPath = relative(config.globalConfig.rootDir, context.testPath);
  }

  override async setup(): Promise<void> {
    await super.setup();
    this.before = activeResources();
  }

  override async teardown(): Promise<void> {
    await super.teardown();
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS));
    const after = activeResources();
    const left = [...after]
      .map(([kind, n]) => [kind, n - (this.before.get(kind) ?? 0)] as const)
      .filter(([, extra]) => extra > 0)
      .map(([kind, extra]) => `${kind}×${extra}`);
    if (left.length > 0) process.stderr.write(`[open handles] ${this.testPath} left open: ${left.join(', ')}\n`);
  }
}
