/**
 * Queue mode against a real Redis (tests/redis-helpers.ts): a run through BullMQ workers gives the
 * in-process run's bytes; a repeated add is one job; a data error fails the tenant at once with
 * its message; a transient error is retried with backoff.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { compute, type ComputeTask } from '../src/app/compute.js';
import { createApp, DEFAULT_CONFIG, startQueueWorker } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { QueueBackend, TransientError, isTransient, jobIdFor } from '../src/app/queue/index.js';
import { describeWithRedis, useRedis, withQueue } from './redis-helpers.js';

const TENANTS = ['extreme_ski_gear', 'high_umbrella_rain', 'none_books', 'medium_footwear'];

/** A queue worker in this process and the log lines of the jobs it finished (`job ID done: ...`). */
async function workerRecordingDoneJobs(url: string) {
  const jobs: string[] = [];
  const worker = await startQueueWorker({
    url,
    log: (_level, message) => {
      if (/^job \S+ done/.test(message)) jobs.push(message);
    },
  });
  return { worker, jobs };
}

describeWithRedis('queue mode on a real Redis', () => {
  const redis = useRedis();
  const tempState = () => redis.tempState();

  it("a phase run through 2 queue workers writes the in-process run's bytes", async () => {
    const local = createApp({ stateDir: tempState(), workers: 1, log: silentLogger });
    const localRun = await local.startPhaseRun({ phase: 1, tenants: TENANTS }).done;
    await local.close();
    expect(localRun.status).toBe('done');
    const localBytes = readFileSync(path.join(local.stateDir, 'analytics', 'phase1_results.json'));

    const workers = await Promise.all(
      [1, 2].map(() => startQueueWorker({ url: redis.url, concurrency: 1, log: silentLogger })),
    );
    const app = createApp({ stateDir: tempState(), queueUrl: redis.url, log: silentLogger });
    try {
      const events: number[] = [];
      const run = await app.startPhaseRun(
        { phase: 1, tenants: TENANTS },
        { onProgress: (e) => events.push(e.done) },
      ).done;
      expect(run.status).toBe('done');
      expect(run.results.map((r) => r.tenant).sort()).toEqual([...TENANTS].sort());
      expect(events.at(-1)).toBe(TENANTS.length);
      const bytes = readFileSync(path.join(app.stateDir, 'analytics', 'phase1_results.json'));
      expect(bytes.equals(localBytes)).toBe(true);
    } finally {
      await app.close();
      await Promise.all(workers.map((w) => w.close()));
    }
  }, 60_000);

  it('adding the same task twice is one job; a data error fails at once with its message', async () => {
    let calls = 0;
    const worker = await startQueueWorker({
      url: redis.url,
      log: silentLogger,
      compute: async (task) => {
        calls++;
        return compute(task);
      },
    });
    const backend = new QueueBackend({ url: redis.url, log: silentLogger });
    try {
      const task: ComputeTask = {
        kind: 'train',
        phase: 0,
        config: DEFAULT_CONFIG,
        source: { kind: 'builtin', tenant: 'none_books' },
      };
      const [a, b] = await Promise.all([
        backend.run(task, undefined, { key: 'dup-test/none_books' }),
        backend.run(task, undefined, { key: 'dup-test/none_books' }),
      ]);
      expect(a).toEqual(b);
      expect(calls).toBe(1);
      // Served from the completed job, not computed again.
      await backend.run(task, undefined, { key: 'dup-test/none_books' });
      expect(calls).toBe(1);

      const bad: ComputeTask = {
        kind: 'train',
        phase: 1,
        config: DEFAULT_CONFIG,
        source: { kind: 'csv', tenant: 'broken', csv: 'date,revenue\nnot-a-date,1\n' },
      };
      const expected = (() => {
        try {
          compute(bad);
        } catch (e) {
          return (e as Error).message;
        }
        return null;
      })();
      expect(expected).not.toBeNull();
      await expect(backend.run(bad, undefined, { key: 'bad/broken' })).rejects.toThrow(
        expected as string,
      );
      await withQueue(redis.url, async (queue) => {
        const job = await queue.getJob(jobIdFor('bad/broken'));
        expect(job?.attemptsMade).toBe(1); // no retry for a data error
        expect(await job?.getState()).toBe('failed');
      });
    } finally {
      await backend.close();
      await worker.close();
    }
  }, 60_000);

  it('a transient error is retried with backoff and the job then succeeds', async () => {
    let calls = 0;
    const times: number[] = [];
    const worker = await startQueueWorker({
      url: redis.url,
      log: silentLogger,
      compute: async (task) => {
        calls++;
        times.push(Date.now());
        if (calls < 3) throw new TransientError('the worker thread exited');
        return compute(task);
      },
    });
    const backend = new QueueBackend({ url: redis.url, log: silentLogger });
    try {
      const task: ComputeTask = {
        kind: 'train',
        phase: 0,
        config: DEFAULT_CONFIG,
        source: { kind: 'builtin', tenant: 'medium_footwear' },
      };
      const out = await backend.run(task, undefined, { key: 'retry/medium_footwear' });
      const ref = compute(task);
      if (out.kind !== 'train' || ref.kind !== 'train') throw new Error('expected train results');
      // Everything but the wall time of the computation.
      expect({ ...out.result, seconds: 0 }).toEqual({ ...ref.result, seconds: 0 });
      expect(calls).toBe(3);
      // Exponential backoff from 1 s: about 1 s, then about 2 s between attempts.
      expect(times[1] - times[0]).toBeGreaterThanOrEqual(900);
      expect(times[2] - times[1]).toBeGreaterThanOrEqual(1800);
    } finally {
      await backend.close();
      await worker.close();
    }
  }, 60_000);

  it('the MCP server sends its tenants to the queue when WV_MMM_REDIS_URL is set', async () => {
    const { worker, jobs } = await workerRecordingDoneJobs(redis.url);
    const stateDir = tempState();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.resolve('dist/src/mcp/stdio.js')],
      env: {
        ...(process.env as Record<string, string>),
        WV_MMM_STATE_DIR: stateDir,
        WV_MMM_REDIS_URL: redis.url,
      },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'queue-test', version: '0' });
    try {
      await client.connect(transport);
      const res = await client.callTool({
        name: 'run_phase',
        arguments: { phase: 0, tenants: ['none_kitchen', 'high_gym_activity'] },
      });
      expect(res.isError).toBeFalsy();
      const out = res.structuredContent as { status: string; rows: { tenant: string }[] };
      expect(out.status).toBe('done');
      expect(out.rows.map((r) => r.tenant).sort()).toEqual(['high_gym_activity', 'none_kitchen']);
      // Computed by the queue worker in this process, not by the server's own threads.
      expect(
        jobs.filter((l) => /train (none_kitchen|high_gym_activity) phase 0/.test(l)),
      ).toHaveLength(2);
    } finally {
      await client.close();
      await worker.close();
    }
  }, 60_000);

  it('wv-mmm run-phase --queue sends its tenants to the queue and stores the results', async () => {
    const { worker, jobs } = await workerRecordingDoneJobs(redis.url);
    const stateDir = tempState();
    try {
      const { stdout, code } = await new Promise<{ stdout: string; code: number | null }>(
        (resolve) => {
          const p = spawn(
            process.execPath,
            [
              path.resolve('dist/src/cli/main.js'),
              'run-phase',
              '--phase',
              '0',
              '--tenants',
              'none_kitchen,extreme_cooling',
              '--queue',
              redis.url,
              '--json',
            ],
            {
              env: { ...process.env, WV_MMM_STATE_DIR: stateDir },
              stdio: ['ignore', 'pipe', 'ignore'],
            },
          );
          let out = '';
          p.stdout.setEncoding('utf8');
          p.stdout.on('data', (d: string) => (out += d));
          p.once('exit', (c) => resolve({ stdout: out, code: c }));
        },
      );
      expect(code).toBe(0);
      const out = JSON.parse(stdout) as { status: string; results: { tenant: string }[] };
      expect(out.status).toBe('done');
      expect(out.results.map((r) => r.tenant).sort()).toEqual(['extreme_cooling', 'none_kitchen']);
      expect(
        jobs.filter((l) => /train (none_kitchen|extreme_cooling) phase 0/.test(l)),
      ).toHaveLength(2);
    } finally {
      await worker.close();
    }
  }, 60_000);

  it('tells transient errors from data errors', () => {
    expect(isTransient(new TransientError('x'))).toBe(true);
    expect(isTransient(Object.assign(new Error('oom'), { code: 'ERR_WORKER_OUT_OF_MEMORY' }))).toBe(
      true,
    );
    expect(isTransient(new Error('worker exited with code 1'))).toBe(true);
    expect(isTransient(new Error('date column: not-a-date is not a date'))).toBe(false);
    expect(isTransient(new RangeError('folds must be at least 2'))).toBe(false);
  });
});
