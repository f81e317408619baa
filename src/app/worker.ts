/** Pool worker entry (piscina): one task = one tenant trained, explained, reported or planned. */
import { runCancellable } from '../core/cancel.js';
import { DataError } from '../core/csv.js';
import { compute, type ComputeTask, type ComputeResult } from './compute.js';

/** What the pool posts: the task and its cancel flag (shared memory, pool.ts). */
export interface WorkerMessage {
  task: ComputeTask;
  /** Element 0 turns non-zero when the caller cancels: the computation stops (core/cancel.ts). */
  cancel: Int32Array;
}

export default function run({ task, cancel }: WorkerMessage): ComputeResult {
  try {
    return runCancellable(cancel, () => compute(task));
  } catch (e) {
    // The error crosses to the main thread as a structured clone, which keeps only the built-in
    // error classes: a ProtocolError (a RangeError) or DataError would arrive as a plain Error and
    // read as an unexpected failure. As a RangeError it stays the caller's input problem.
    if ((e instanceof RangeError && e.constructor !== RangeError) || e instanceof DataError) {
      throw new RangeError(e.message, { cause: e });
    }
    throw e;
  }
}
