/** Pool worker entry (piscina): one task = one tenant trained or explained. */
import { DataError } from '../core/csv.js';
import { compute, type ComputeTask, type ComputeResult } from './compute.js';

export default function run(task: ComputeTask): ComputeResult {
  try {
    return compute(task);
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
