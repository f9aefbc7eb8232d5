/**
 * One run per key at a time: a call while a run of its key is in flight joins that run; the
 * first call after it settles starts a new one (rebuilds that must not run twice side by side).
 */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  run(key: string, start: () => Promise<T>): Promise<T> {
    let run = this.running.get(key);
    if (!run) {
      run = start().finally(() => this.running.delete(key));
      this.running.set(key, run);
    }
    return run;
  }
}
