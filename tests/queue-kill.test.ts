/**
 * The kill test of issue 18, on real components: a redis-server of its own, 3 `wv-mmm worker`
 * processes (short lock and stall check so it is quick), one SIGKILLed while it computes a
 * tenant. Its job is found stalled and finished by another worker; every tenant is done exactly
 * once (one completion per job, one stored result per tenant) and phase3_results.json is
 * byte-identical to the in-process run's.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { createApp } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { QUEUE_NAME } from '../src/app/queue/index.js';
import { startWorkerProcesses } from '../bench/queue.js';
import { describeWithRedis, useRedis, withQueue } from './redis-helpers.js';

const COUNT = 6;
const DAYS = 730;

describeWithRedis('a worker killed mid-run', () => {
  const redis = useRedis('wv-queue-kill-');
  const tempState = () => redis.tempState();

  it('3 workers, one SIGKILLed mid-job: every tenant done once, results identical', async () => {
    const local = createApp({ stateDir: tempState(), workers: 2, log: silentLogger });
    const { tenants } = local.generateTenants({
      count: COUNT,
      days: DAYS,
      seed: 11,
      prefix: 'kill',
    });
    const localRun = await local.startPhaseRun({ phase: 3, tenants }).done;
    await local.close();
    expect(localRun.status).toBe('done');
    const localBytes = readFileSync(path.join(local.stateDir, 'analytics', 'phase3_results.json'));

    const events = new QueueEvents(QUEUE_NAME, {
      connection: new Redis(redis.url, { maxRetriesPerRequest: null }),
    });
    await events.waitUntilReady();
    const completed = new Map<string, number>();
    const stalled: string[] = [];
    events.on('completed', ({ jobId }) => completed.set(jobId, (completed.get(jobId) ?? 0) + 1));
    events.on('stalled', ({ jobId }) => stalled.push(jobId));

    const workers = await startWorkerProcesses(redis.url, 3, [
      '--concurrency',
      '1',
      '--lock-duration',
      '5000',
      '--stalled-interval',
      '2000',
    ]);
    const victim = workers.procs[0];
    let killedJob: string | null = null;
    const onData = () => {
      const m = /job (\S+) started/.exec(workers.stderr[0]);
      if (m && killedJob === null) {
        killedJob = m[1];
        victim.kill('SIGKILL');
      }
    };
    victim.stderr?.on('data', onData);

    const app = createApp({ stateDir: tempState(), queueUrl: redis.url, log: silentLogger });
    try {
      const generated = app.generateTenants({ count: COUNT, days: DAYS, seed: 11, prefix: 'kill' });
      expect(generated.tenants).toEqual(tenants);
      const started = app.startPhaseRun({ phase: 3, tenants });
      const run = await started.done;
      expect(run.status).toBe('done');
      expect(killedJob).not.toBeNull();
      expect(victim.signalCode).toBe('SIGKILL');

      // Our event reader and the workers' stderr may lag the coordinator by a moment: wait until
      // they have caught up (then a little longer, so a duplicate completion would show too).
      const doneCount = () => (workers.stderr.join('').match(/job \S+ done/g) ?? []).length;
      const deadline = Date.now() + 10_000;
      while ((completed.size < COUNT || doneCount() < COUNT) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 1000));

      // The killed worker's job was detected as stalled and completed by another worker.
      expect(stalled).toContain(killedJob);
      const doneLines = workers.stderr.join('').match(/job \S+ done/g) ?? [];
      expect(doneLines.filter((l) => l === `job ${killedJob} done`)).toHaveLength(1);
      expect(workers.stderr[0]).not.toContain(`job ${killedJob} done`);

      // Exactly once: one completion per tenant's job, one stored result per tenant.
      expect(completed.size).toBe(COUNT);
      expect([...completed.values()].every((n) => n === 1)).toBe(true);
      expect(doneLines).toHaveLength(COUNT);
      expect(run.results.map((r) => r.tenant).sort()).toEqual([...tenants].sort());
      expect(run.progress).toEqual({ done: COUNT, total: COUNT });

      await withQueue(redis.url, async (queue) =>
        expect(await queue.getJobCounts('failed', 'waiting', 'active')).toEqual({
          failed: 0,
          waiting: 0,
          active: 0,
        }),
      );

      const bytes = readFileSync(path.join(app.stateDir, 'analytics', 'phase3_results.json'));
      expect(bytes.equals(localBytes)).toBe(true);
    } finally {
      await app.close();
      await workers.stop();
      await events.close();
      await (events.opts.connection as Redis).quit();
    }
  }, 90_000);
});
