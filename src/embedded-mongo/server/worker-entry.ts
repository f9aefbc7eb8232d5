import { extname, join } from 'node:path';

/** How to start the engine's worker thread: the script and the flags of the thread's Node. */
export interface WorkerEntry {
  filename: string;
  /** undefined: the thread inherits the process's flags (Node's default). */
  execArgv: string[] | undefined;
}

/** The loader that compiles TypeScript sources on the fly (a dev dependency, as for `npm run db:repair`). */
export const TYPESCRIPT_LOADER = '@swc-node/register';

/**
 * The engine worker's script, beside the module that starts it and in the same form:
 *
 * - compiled (`nest build` → `dist/embedded-mongo/server/*.js`, how `npm start` and production
 *   run): `engine-worker.js`, with the process's own flags and nothing else;
 * - TypeScript sources (Jest, `node -r @swc-node/register`, `npm run engine`): `engine-worker.ts`,
 *   whose thread is given TYPESCRIPT_LOADER, since a worker thread shares neither Jest's transform
 *   nor (under Jest) any loader of its parent.
 *
 * `moduleFile` is the starting module's own file name (`__filename`), so production never
 * resolves the loader.
 */
export function engineWorkerEntry(moduleFile: string): WorkerEntry {
  const ext = extname(moduleFile);
  const filename = join(moduleFile, '..', `engine-worker${ext}`);
  if (ext === '.js') return { filename, execArgv: undefined };
  if (ext === '.ts') return { filename, execArgv: ['--require', TYPESCRIPT_LOADER] };
  throw new Error(`the embedded engine cannot start its worker from ${moduleFile}: expected a .js or .ts module`);
}
