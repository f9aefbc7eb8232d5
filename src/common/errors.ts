/** MongoDB's error code for an insert or update that breaks a unique index. */
export const DUPLICATE_KEY = 11000;

/** Whether `err` (anything a driver call rejected with) is MongoDB's duplicate-key error. */
export function isDuplicateKeyError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === DUPLICATE_KEY;
}

/** The message of an Error, or the value as text, for a log line. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
