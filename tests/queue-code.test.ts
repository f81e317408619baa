/**
 * Queue mode against a real Redis: a worker of other model code refuses the job (it computed it
 * and its figures were stored as the coordinator's) and puts it back for a worker of the job's
 * code (one stale worker failed every run), a database Redis does not have is refused
 * (ioredis went on in database 0), and a worker whose Redis is gone stops when told to (it waited
 * for Redis forever after SIGTERM).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { DEFAULT_CONFIG, startQueueWorker } from '../src/app/index.js';
import { compute, type ComputeTask } from '../src/app/compute.js';
import { silentLogger, type LogFn } from '../src/app/log.js';
import { QueueBackend, jobIdFor, jobName } from '../src/app/queue/index.js';
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
      refusalGraceMs: 1_000,
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
        /runs model code \S+, and the job \(train none_books phase 0\) was queued by code 0\.0\.1\+othercode: its figures would not be the coordinator's; no worker of that code took the job within 1 s \(refused \d+ time\(s\)\); run workers built from the coordinator's code/,
      );
      expect(calls).toBe(0);
    } finally {
      await worker.close();
    }
  }, 30_000);

  it('a stale worker in the fleet puts the jobs back; a worker of their code computes them all', async () => {
    const staleLog: string[] = [];
    const stale = await startQueueWorker({
      url: redis.url,
      log: (_level, message) => staleLog.push(message),
      acceptedCodes: new Set(['0.0.1+stale']),
      compute: () => Promise.reject(new Error('must not be computed')),
    });
    const coordinatorLog: string[] = [];
    const log: LogFn = (level, message) => coordinatorLog.push(`${level}: ${message}`);
    const backend = new QueueBackend({ url: redis.url, log });
    const tenants = ['none_books', 'medium_footwear', 'high_umbrella_rain', 'extreme_ski_gear'];
    let good: Awaited<ReturnType<typeof startQueueWorker>> | null = null;
    try {
      const runs = tenants.map((tenant) =>
        backend.run({ ...TASK, source: { kind: 'builtin', tenant } }, undefined, {
          key: `stale-fleet/${tenant}`,
        }),
      );
      // The stale worker alone first: it refuses (and, as before, would have failed the run).
      for (let i = 0; i < 100 && !staleLog.some((l) => / refused/.test(l)); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(staleLog.join('\n')).toMatch(
        /refused: .*its figures would not be the coordinator's; put back for a worker of that code, but none is connected: the job fails if none takes it within 30 s/,
      );
      const computed: string[] = [];
      good = await startQueueWorker({
        url: redis.url,
        log: silentLogger,
        compute: async (task) => {
          computed.push(task.source.tenant);
          await new Promise((r) => setTimeout(r, 200));
          return compute(task);
        },
      });
      const outs = await Promise.all(runs);
      expect(outs.map((o) => o.kind)).toEqual(tenants.map(() => 'train'));
      expect(computed.sort()).toEqual([...tenants].sort());
      // The coordinator said at once what was going on.
      expect(coordinatorLog.join('\n')).toMatch(
        /warning: queue: worker \S+ runs other model code \(\S+\) and refused the job \(train \S+ phase 0\); no worker of this process's code \(\S+\) is connected/,
      );
      // Once the right worker was there, the stale one held back rather than refusing every job.
      const refusals = staleLog.filter((l) => / refused/.test(l)).length;
      expect(refusals).toBeLessThan(20);
    } finally {
      await backend.close();
      await good?.close();
      expect(await stale.close()).toBe('closed');
    }
  }, 60_000);

  it('with only stale workers the job fails after the grace; a rerun with the right worker computes it', async () => {
    const stale = await startQueueWorker({
      url: redis.url,
      log: silentLogger,
      acceptedCodes: new Set(['0.0.1+stale']),
      refusalGraceMs: 1_500,
      compute: () => Promise.reject(new Error('must not be computed')),
    });
    const backend = new QueueBackend({ url: redis.url, log: silentLogger });
    let good: Awaited<ReturnType<typeof startQueueWorker>> | null = null;
    try {
      const started = Date.now();
      await expect(backend.run(TASK, undefined, { key: 'stale-only/none_books' })).rejects.toThrow(
        /queued by code \S+: its figures would not be the coordinator's; no worker of that code took the job within 1\.5 s .*run workers built from the coordinator's code \(the same commit, npm run build\)/,
      );
      expect(Date.now() - started).toBeLessThan(15_000);
      await stale.close();
      // The failed job is tried again with its grace reset, and a worker of its code takes it.
      good = await startQueueWorker({
        url: redis.url,
        log: silentLogger,
        compute: (task) => Promise.resolve(compute(task)),
      });
      const out = await backend.run(TASK, undefined, { key: 'stale-only/none_books' });
      expect(out.kind).toBe('train');
    } finally {
      await backend.close();
      await good?.close();
      await stale.close();
    }
  }, 60_000);

  it('the CLI says a run no worker of its code took once, without a stack', async () => {
    // It printed "compute failed: Error: ..." with 9 lines of stack, then the message twice more.
    const stale = await startQueueWorker({
      url: redis.url,
      log: silentLogger,
      acceptedCodes: new Set(['0.0.1+stale']),
      refusalGraceMs: 1_000,
      compute: () => Promise.reject(new Error('must not be computed')),
    });
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, WV_MMM_STATE_DIR: redis.tempState() };
      delete env.WV_MMM_LOG_LEVEL; // the CLI's own default (warnings and errors)
      const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>(
        (resolve) => {
          const p = spawn(
            process.execPath,
            [
              path.resolve('dist/src/cli/main.js'),
              'run-phase',
              '--phase',
              '0',
              '--tenants',
              'none_books',
              '--queue',
              redis.url,
            ],
            { env, stdio: ['ignore', 'ignore', 'pipe'] },
          );
          let err = '';
          p.stderr.setEncoding('utf8');
          p.stderr.on('data', (d: string) => (err += d));
          p.once('exit', (c) => resolve({ code: c, stderr: err }));
        },
      );
      expect(code).toBe(1);
      expect(stderr).not.toMatch(/^\s+at /m);
      expect(stderr).not.toMatch(/compute failed/);
      expect(stderr.split('no worker of that code took the job').length - 1).toBe(1);
      expect(stderr).toMatch(
        /^wv-mmm: worker \S+ runs model code \S+, and the job \(train none_books phase 0\) was queued by code \S+: its figures would not be the coordinator's; no worker of that code took the job within 1 s \(refused \d+ time\(s\)\); run workers built from the coordinator's code \(the same commit, npm run build\)$/m,
      );
    } finally {
      await stale.close();
    }
  }, 60_000);

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
