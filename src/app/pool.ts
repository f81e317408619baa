import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { ComputeResult, ComputeTask } from './compute.js';
import { workerFile } from './paths.js';

interface Job {
  task: ComputeTask;
  signal: AbortSignal | undefined;
  resolve: (r: ComputeResult) => void;
  reject: (e: unknown) => void;
  cleanup: () => void;
}

function abortError(): Error {
  const e = new Error('the task was cancelled');
  e.name = 'AbortError';
  return e;
}

/**
 * Worker-thread pool for tenant computations, so that all cores work and the caller's event
 * loop stays free for progress notifications and cancellation.
 *
 * Cancellation is cooperative: an aborted task's promise rejects at once and a queued task never
 * starts, but a task already running on a thread finishes there and its result is dropped.
 * Workers are never terminated to cancel: terminating a worker thread while it is still loading
 * its ES modules (a fresh replacement worker) aborts the whole process in Node 20
 * (`Assertion failed: facade->InstantiateModule(...)` in require(esm)), and piscina emits an
 * "Unexpected message from Worker" error for results racing a termination. The pool hands piscina
 * at most one task per thread, so piscina never queues and nothing needs removing from its queue.
 */
/** Longest close() waits for tasks still running before it terminates the threads. */
export const CLOSE_DRAIN_MS = 5_000;

export class ComputePool {
  private pool: Piscina<ComputeTask, ComputeResult> | null = null;
  private readonly queue: Job[] = [];
  private running = 0;
  /** Set while close() waits for the running tasks to finish. */
  private drained: (() => void) | null = null;

  constructor(
    private readonly threads = Math.max(1, availableParallelism()),
    /** Errors the pool reports outside any task (logged; never thrown). */
    private readonly onError: (err: Error) => void = () => {},
  ) {}

  get size(): number {
    return this.threads;
  }

  /** Thread ids of the live workers (lets tests check that cancelling terminates none). */
  get threadIds(): number[] {
    return (this.pool?.threads ?? []).map((t) => t.threadId);
  }

  run(task: ComputeTask, signal?: AbortSignal): Promise<ComputeResult> {
    if (signal?.aborted) return Promise.reject(abortError());
    return new Promise<ComputeResult>((resolve, reject) => {
      const job: Job = { task, signal, resolve, reject, cleanup: () => {} };
      if (signal) {
        const onAbort = () => {
          const i = this.queue.indexOf(job);
          if (i >= 0) this.queue.splice(i, 1);
          reject(abortError());
        };
        signal.addEventListener('abort', onAbort, { once: true });
        job.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(job);
      this.pump();
    });
  }

  private piscina(): Piscina<ComputeTask, ComputeResult> {
    if (!this.pool) {
      this.pool = new Piscina<ComputeTask, ComputeResult>({
        filename: workerFile(),
        minThreads: 1,
        maxThreads: this.threads,
        idleTimeout: 30_000,
      });
      // An 'error' event without a listener would be thrown and end the process.
      this.pool.on('error', (err: Error) => this.onError(err));
    }
    return this.pool;
  }

  private pump(): void {
    while (this.running < this.threads && this.queue.length > 0) {
      const job = this.queue.shift() as Job;
      if (job.signal?.aborted) continue;
      this.running++;
      let pending: Promise<ComputeResult>;
      try {
        pending = this.piscina().run(job.task);
      } catch (err) {
        pending = Promise.reject(err);
      }
      pending.then(job.resolve, job.reject).finally(() => {
        job.cleanup();
        this.running--;
        this.pump();
        if (this.running === 0) this.drained?.();
      });
    }
  }

  async close(): Promise<void> {
    for (const job of this.queue.splice(0)) {
      job.cleanup();
      job.reject(abortError());
    }
    // Tasks still running (a cancelled one finishes on its thread) are waited for, up to
    // CLOSE_DRAIN_MS: terminating a worker thread while V8 still compiles its hot code in the
    // background can abort the whole process in Node 20 (`Assertion failed: (data.first) !=
    // nullptr` in NodePlatform::ForIsolate, seen once in CI while hardening-faults closed its app
    // after a cancel; nodejs/node#56312 is of the same family). After the wait, destroy anyway.
    if (this.running > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_DRAIN_MS);
        timer.unref();
        this.drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.drained = null;
    }
    const p = this.pool;
    this.pool = null;
    if (p) await p.destroy();
  }
}
