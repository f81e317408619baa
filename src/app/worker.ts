/** Pool worker entry (piscina): one task = one tenant trained or explained. */
import { compute, type ComputeTask, type ComputeResult } from './compute.js';

export default function run(task: ComputeTask): ComputeResult {
  return compute(task);
}
