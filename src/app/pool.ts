import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { ComputeResult, ComputeTask } from './compute.js';
import { workerFile } from './paths.js';

/**
 * Worker-thread pool for tenant computations, so that all cores work and the caller's event
 * loop stays free for progress notifications and cancellation. Aborting a task's signal
 * terminates its worker at once (piscina replaces it), which is how runs cancel promptly.
 */
export class ComputePool {
  private pool: Piscina<ComputeTask, ComputeResult> | null = null;

  constructor(private readonly threads = Math.max(1, availableParallelism())) {}

  get size(): number {
    return this.threads;
  }

  run(task: ComputeTask, signal?: AbortSignal): Promise<ComputeResult> {
    if (!this.pool) {
      this.pool = new Piscina<ComputeTask, ComputeResult>({
        filename: workerFile(),
        minThreads: 1,
        maxThreads: this.threads,
        idleTimeout: 30_000,
      });
    }
    return this.pool.run(task, { signal: signal ?? null });
  }

  async close(): Promise<void> {
    const p = this.pool;
    this.pool = null;
    if (p) await p.destroy();
  }
}
