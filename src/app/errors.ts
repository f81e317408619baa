/**
 * The app's one error type, with a code each face maps to its own words (MCP error results, CLI
 * exit codes), and the mapping of whatever a computation threw onto it.
 */
import { DataError } from '../core/csv.js';
import { isModelMismatch } from './model-mismatch.js';
import { STATE_DIR_ENV, StoreBusyError, StoreError } from '../store/index.js';
import type { LogFn } from './log.js';

export class AppError extends Error {
  constructor(
    message: string,
    readonly code:
      | 'invalid_argument'
      | 'not_found'
      | 'conflict'
      | 'limit'
      | 'cancelled'
      /** The store cannot be written (disk full, read-only): the operator must act. */
      | 'unavailable'
      /** Another process holds the store's write lock: the same call can succeed shortly. */
      | 'busy'
      | 'internal',
    /**
     * A refused file's problem for a program (the CSV reader's DataError: its code, the data row
     * and the column), beside the message's words; absent for other errors.
     */
    readonly detail?: { csv_code: string; row: number | null; column: string | null },
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** The AppError of a refused file, its DataError's code, row and column kept as `detail`. */
export function dataAppError(e: DataError): AppError {
  return new AppError(e.message, 'invalid_argument', {
    csv_code: e.code,
    row: e.row,
    column: e.column,
  });
}

/**
 * A computation that failed in another process (a queue worker: the job's failure reason). Its
 * message is all there is here: a stack would be this process's code that waited for the job.
 */
export class RemoteComputeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemoteComputeError';
  }
}

/**
 * A RangeError the JavaScript engine threw on its own (a stack overflow, an array or string too
 * long to allocate): a failure of the program, not of an argument. The core's own RangeErrors
 * (an option out of range) are the caller's input problems.
 */
export function isEngineRangeError(e: unknown): boolean {
  return (
    e instanceof RangeError &&
    /^(Maximum call stack size exceeded|Invalid (typed )?array length|Invalid string length|Array buffer allocation failed)/.test(
      e.message,
    )
  );
}

/**
 * The AppError for a known failure that is not one (the store's errors, the core's refusals), or
 * null: shared by the computations (mapComputeError) and the faces (MCP results) so that an
 * error reads the same, with the same code, whichever way it came.
 */
export function knownAppError(e: unknown): AppError | null {
  if (e instanceof AppError) return e;
  if (!(e instanceof Error) && typeof (e as Error)?.message !== 'string') return null;
  const msg = (e as Error).message;
  if (e instanceof StoreBusyError) return new AppError(msg, 'busy');
  if (e instanceof StoreError) return new AppError(msg, 'unavailable');
  // A store whose pages were damaged after it opened (a disk fault, a copy made mid-write): the
  // open's words, where a probe got a raw SqliteError stack (CLI) or a hint-less internal error.
  if (/^SQLITE_(CORRUPT|NOTADB)/.test(String((e as { code?: unknown }).code ?? ''))) {
    return new AppError(
      `the store (weathervane.sqlite in the state directory) is damaged: ${msg}; move it away or set ${STATE_DIR_ENV} to another directory`,
      'unavailable',
    );
  }
  if (isEngineRangeError(e)) return null;
  if (isModelMismatch(msg)) {
    return new AppError(
      `${msg}: the stored model was fitted on other columns than the tenant's data has now ` +
        '(its data was imported again with other columns or roles since); run phase 3 for the tenant again with force to fit it on the data it has now',
      'conflict',
    );
  }
  if (e instanceof DataError) return dataAppError(e);
  if (e instanceof RangeError || /must be|need more rows|folds/.test(msg))
    return new AppError(msg, 'invalid_argument');
  return null;
}

/**
 * What a worker (or the store under it) threw, as an AppError. Expected failures (an AppError, bad
 * input, a queue worker's failure reason) are only returned: the caller says them once. An
 * unexpected failure in this process is logged with its stack as well (a bug to report).
 */
export function mapComputeError(e: unknown, log: LogFn, signal?: AbortSignal): Error {
  if (signal?.aborted || (e as Error)?.name === 'AbortError')
    return new AppError('cancelled', 'cancelled');
  const known = knownAppError(e);
  if (known) return known;
  const msg = (e as Error)?.message ?? String(e);
  if (e instanceof RemoteComputeError)
    return new AppError(`the computation failed: ${msg}`, 'internal');
  log('error', `compute failed: ${(e as Error)?.stack ?? msg}`);
  return new AppError(`the computation failed: ${msg}`, 'internal');
}
