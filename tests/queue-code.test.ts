/**
 * Queue mode against a real Redis: a worker of other model code refuses the job (it computed it
 * and its figures were stored as the coordinator's), a database Redis does not have is refused
 * (ioredis went on in database 0), and a worker whose Redis is gone stops when told to (it waited
 * for Redis forever after SIGTERM).
 */
import { expect, it } from 'vitest';
import { DEFAULT_CONFIG, startQueueWorker } from '../src/app/index.js';
import type { ComputeTask } from '../src/app/compute.js';
import { silentLogger } from '../src/app/log.js';
import { jobIdFor, jobName } from '../src/app/queue/index.js';
import { startRedis } from '../bench/redis-server.js';
import { describeWithRedis, useRedis, withQueue } from './redis-helpers.js';

const TASK: ComputeTask = {
  kind: 'train',
  phase: 0,
  config: DEFAULT_CONFIG,
  source: { kind: 'builtin', tenant: 'none_books' },
};

describeWithRedis('queue mode: code, database and a lost Redis', () => {
  const redis = useRedis();

  it('a job queued by other model code is refused with both codes named, not computed', async () => {
    let calls = 0;
    const worker = await startQueueWorker({
      url: redis.url,
      log: silentLogger,
      compute: () => {
        calls++;
        return Promise.reject(new Error('must not be computed'));
      },
    });
    try {
      const reason = await withQueue(redis.url, async (queue) => {
        const job = await queue.add(jobName('train', '0.0.1+othercode'), TASK, {
          jobId: jobIdFor('other-code'),
        });
        for (let i = 0; i < 100; i++) {
          if ((await job.getState()) === 'failed') break;
          await new Promise((r) => setTimeout(r, 100));
        }
        return (await queue.getJob(job.id!))?.failedReason;
      });
      expect(reason).toMatch(
        /runs model code \S+, and the job \(train none_books phase 0\) was queued by code 0\.0\.1\+othercode: its figures would not be the coordinator's/,
      );
      expect(calls).toBe(0);
    } finally {
      await worker.close();
    }
  }, 30_000);

  it('a database this Redis does not have is refused before a job is taken', async () => {
    await expect(startQueueWorker({ url: `${redis.url}/99`, log: silentLogger })).rejects.toThrow(
      /has no database 99 .*name one it has/,
    );
  }, 30_000);

  it('closing a worker whose Redis is gone stops it without the jobs in hand', async () => {
    const own = await startRedis();
    const worker = await startQueueWorker({ url: own.url, log: silentLogger });
    await own.stop();
    const started = Date.now();
    expect(await worker.close()).toBe('redis_gone');
    // REDIS_GONE_MS (10 s) after Redis went, not never.
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 40_000);
});
