/**
 * Stopping a computation that was cancelled while it runs. A worker thread busy with a task
 * cannot receive a message until the task returns, so the caller raises a flag in memory both
 * threads share (a SharedArrayBuffer posted with the task: app/pool.ts) and the computation looks
 * at it between its fits: every Ridge solve and every GBM boosting round (checkCancelled). A
 * raised flag throws CancelledError, which unwinds the task; nothing a task computes is stored
 * by the task itself, so nothing is left half-written.
 *
 * Outside a cancellable task (the main thread, tests, the CLI's in-thread work) no flag is set
 * and the check does nothing; the flag never changes a result, only whether there is one.
 */

/** Thrown by checkCancelled when the running task's flag is raised. */
export class CancelledError extends Error {
  constructor() {
    super('the task was cancelled while it ran');
    this.name = 'CancelledError';
  }
}

/** The running task's flag (element 0 non-zero: cancelled), or null outside a cancellable task. */
let flag: Int32Array | null = null;

/**
 * Runs `fn` with `cancel` as the flag checkCancelled looks at (restored after, so nested or
 * later work on this thread sees its own).
 */
export function runCancellable<T>(cancel: Int32Array | null, fn: () => T): T {
  const outer = flag;
  flag = cancel;
  try {
    return fn();
  } finally {
    flag = outer;
  }
}

/** Throws CancelledError when the running task has been cancelled; cheap (one atomic read). */
export function checkCancelled(): void {
  if (flag !== null && Atomics.load(flag, 0) !== 0) throw new CancelledError();
}

/**
 * Rethrows a cancellation. Loops that leave out a refit that fails (bootstrap replicates, plan
 * refits) call it first in their catch: a cancelled task must stop, not count every later refit
 * as failed and go on to the next step.
 */
export function rethrowCancelled(e: unknown): void {
  if (e instanceof CancelledError) throw e;
}
