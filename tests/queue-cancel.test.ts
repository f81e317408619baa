/**
 * Cancelling in queue mode, on a real Redis (tests/redis-helpers.ts): a cancelled run's waiting
 * jobs leave the queue (no worker computes them for nobody); a job a worker already computes is
 * left to finish and a rerun collects its result; another caller waiting on the same job keeps
 * it (adds it again) and gets its result.
 */
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { compute, type ComputeTask } from '../src/app/compute.js';
import { createApp, DEFAULT_CONFIG, startQueueWorker } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { QUEUE_NAME, QueueBackend } from '../src/app/queue/index.js';
import { describeWithRedis, useRedis, withQueue } from './redis-helpers.js';

const TENANTS = ['extreme_ski_gear', 'high_umbrella_rain', 'none_books', 'medium_footwear'];

/** Polls `probe` until it returns true (at most 15 s): queue state lags the app by a moment. */
async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeWithRedis('cancelling in queue mode', () => {
  const redis = useRedis('wv-queue-cancel-');
  const counts = () =>
    withQueue(redis.url, (q) =>
      q.getJobCounts('waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed'),
    );

  it('a cancelled run removes its waiting jobs; a rerun adds and computes them', async () => {
    const app = createApp({ stateDir: redis.tempState(), queueUrl: redis.url, log: silentLogger });
    try {
      // No worker yet: every job of the run waits.
      const started = app.startPhaseRun({ phase: 0, tenants: TENANTS });
      await until('4 waiting jobs', async () => (await counts()).waiting === TENANTS.length);
      const ids = await withQueue(redis.url, async (q) =>
        (await q.getJobs(['waiting'])).map((j) => j.id as string),
      );
      expect(ids).toHaveLength(TENANTS.length);

      expect(app.cancelRun(started.runId)).toBe(true);
      expect((await started.done).status).toBe('cancelled');
      // Withdrawn before the run was recorded cancelled: nothing is left for a worker.
      expect(await counts()).toEqual({
        waiting: 0,
        delayed: 0,
        prioritized: 0,
        active: 0,
        completed: 0,
        failed: 0,
      });
      await withQueue(redis.url, async (q) => {
        for (const id of ids) expect(await q.getJob(id), id).toBeUndefined();
      });

      const worker = await startQueueWorker({ url: redis.url, log: silentLogger });
      try {
        const rerun = await app.startPhaseRun({ phase: 0, tenants: TENANTS }).done;
        expect(rerun.status).toBe('done');
        expect(rerun.results.map((r) => r.tenant).sort()).toEqual([...TENANTS].sort());
      } finally {
        await worker.close();
      }
    } finally {
      await app.close();
    }
  }, 60_000);

  it('a job a worker computes is left to finish; a rerun collects it and computes only the rest', async () => {
    await withQueue(redis.url, (q) => q.obliterate({ force: true }));
    const computed: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const worker = await startQueueWorker({
      url: redis.url,
      log: silentLogger,
      concurrency: 1,
      compute: async (task: ComputeTask) => {
        computed.push(task.source.tenant);
        await gate;
        return compute(task);
      },
    });
    const app = createApp({ stateDir: redis.tempState(), queueUrl: redis.url, log: silentLogger });
    try {
      const tenants = TENANTS.slice(0, 2);
      const started = app.startPhaseRun({ phase: 0, tenants });
      await until('one active and one waiting job', async () => {
        const c = await counts();
        return c.active === 1 && c.waiting === 1;
      });
      expect(app.cancelRun(started.runId)).toBe(true);
      expect((await started.done).status).toBe('cancelled');
      expect(await counts()).toMatchObject({ waiting: 0, active: 1 });

      release();
      await until('the active job to complete', async () => (await counts()).completed === 1);
      expect(computed).toHaveLength(1);

      const rerun = await app.startPhaseRun({ phase: 0, tenants }).done;
      expect(rerun.status).toBe('done');
      // The finished job was collected; only the withdrawn one was computed again.
      expect(computed).toHaveLength(2);
      expect([...computed].sort()).toEqual([...tenants].sort());
    } finally {
      release();
      await app.close();
      await worker.close();
    }
  }, 60_000);

  it('another caller waiting on the same job adds it again and gets its result', async () => {
    await withQueue(redis.url, (q) => q.obliterate({ force: true }));
    const task: ComputeTask = {
      kind: 'train',
      phase: 0,
      config: DEFAULT_CONFIG,
      source: { kind: 'builtin', tenant: 'none_books' },
    };
    const a = new QueueBackend({ url: redis.url, log: silentLogger });
    const b = new QueueBackend({ url: redis.url, log: silentLogger });
    const cancelA = new AbortController();
    try {
      const fromA = a.run(task, cancelA.signal, { key: 'shared/none_books' });
      const fromB = b.run(task, undefined, { key: 'shared/none_books' });
      fromA.catch(() => {});
      await until('the shared job to wait', async () => (await counts()).waiting === 1);
      const jobId = await withQueue(redis.url, async (q) => (await q.getJobs(['waiting']))[0].id!);
      // Read from the stream's start: a reader from '$' misses what happens before its first read.
      const events = new QueueEvents(QUEUE_NAME, {
        connection: new Redis(redis.url, { maxRetriesPerRequest: null }),
        lastEventId: '0',
      });
      const seen: string[] = [];
      events.on('removed', (e) => e.jobId === jobId && seen.push('removed'));
      events.on('added', (e) => e.jobId === jobId && seen.push('added'));
      await events.waitUntilReady();
      try {
        cancelA.abort();
        await expect(fromA).rejects.toThrow('the task was cancelled');
        // A withdrew the job; B still wants it and adds it again (a new job of the same id).
        await until(
          'the job to be added again',
          async () => seen.at(-1) === 'added' && seen.includes('removed'),
        );
        expect(seen.slice(seen.indexOf('removed'))).toEqual(['removed', 'added']);
      } finally {
        await events.close();
        await (events.opts.connection as Redis).quit();
      }
      expect(await counts()).toMatchObject({ waiting: 1 });

      const worker = await startQueueWorker({ url: redis.url, log: silentLogger });
      try {
        const out = await fromB;
        const ref = compute(task);
        if (out.kind !== 'train' || ref.kind !== 'train') throw new Error('expected train results');
        expect({ ...out.result, seconds: 0 }).toEqual({ ...ref.result, seconds: 0 });
      } finally {
        await worker.close();
      }
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);
});
