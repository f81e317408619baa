/** Errors of the persistence layer, with messages that say what to do. */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/**
 * Another connection holds the store's write lock (SQLITE_BUSY, "database is locked") longer than
 * the busy timeout: a backup tool, a database browser, another process's long write. Nothing of
 * the write was kept; the same write can succeed once the lock is released.
 */
export class StoreBusyError extends StoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreBusyError';
  }
}

/** upsertDataset with onlyNew found the tenant stored (by another process since the caller looked). */
export class DatasetExistsError extends StoreError {
  constructor(
    readonly tenant: string,
    readonly source: string,
  ) {
    super(`dataset ${tenant} already exists (${source})`);
    this.name = 'DatasetExistsError';
  }
}

/** The message of an unknown thrown value. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
