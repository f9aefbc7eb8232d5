/**
 * Polls `ok` until it holds; past `timeoutMs` it fails naming `what` (and, when given, what
 * `detail` says, e.g. the tail of a service's log). A bound for a stuck run, not a speed check.
 */
export async function waitUntil(
  what: string,
  ok: () => Promise<boolean> | boolean,
  { timeoutMs, everyMs = 100, detail }: { timeoutMs: number; everyMs?: number; detail?: () => string },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}${detail ? `\n${detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** `promise`, or after `ms` a settled nothing, so that a teardown step that hangs is left behind. */
export const within = (ms: number, promise: Promise<unknown> | undefined) => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((r) => (timer = setTimeout(r, ms)));
  return Promise.race([Promise.resolve(promise).catch(() => undefined), late]).finally(() => clearTimeout(timer));
};
