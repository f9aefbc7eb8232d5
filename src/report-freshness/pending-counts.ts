import { Injectable } from '@nestjs/common';

/**
 * Counts this process has taken on but not yet written (the rollup outbox's group commit writes
 * ingestion batches' rollups a moment after their mentions are stored). A reader or an API write
 * settles them first, so what this process stored before it asked is counted in what it reads,
 * and an API write's counts are written before its answer leaves. Other processes see them once
 * written (a few hundred milliseconds), as they see any change: through the report version.
 */
@Injectable()
export class PendingCounts {
  private readonly writers = new Set<() => Promise<void>>();

  /** `flush` writes, now, everything its owner has queued so far (resolves once written or given up). */
  register(flush: () => Promise<void>): void {
    this.writers.add(flush);
  }

  unregister(flush: () => Promise<void>): void {
    this.writers.delete(flush);
  }

  /** Writes every count queued in this process before the call. */
  async settle(): Promise<void> {
    if (this.writers.size === 0) return;
    await Promise.all([...this.writers].map((flush) => flush()));
  }
}
