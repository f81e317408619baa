/**
 * Queue mode when Redis is not there, on real components: a redis-server of this file's own on a
 * fixed free port, killed and started again (empty: no persistence) under a waiting task. A task
 * whose Redis stays away fails with an error that says so (it waited forever, and the run stayed
 * 'running'); Redis back within the window, the lost job is added again and finishes; a worker
 * without Redis at start says what to check and stops; Ctrl-C on a worker says what the worker
 * does (not "the run is recorded"); a forced run computes its tenants again (it was served the
 * completed jobs of the same key).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { compute, type ComputeTask } from '../src/app/compute.js';
import { createApp, DEFAULT_CONFIG, startQueueWorker } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { QueueBackend } from '../src/app/queue/index.js';
import { startWorkerProcesses } from '../bench/queue.js';
import { describeWithRedis } from './redis-helpers.js';
import { answersPing, freePort } from '../bench/redis-server.js';

/** A redis-server on `port` (no persistence), answering PING when this resolves. */
async function redisOn(port: number, dir: string): Promise<ChildProcess> {
  const proc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { cwd: dir, stdio: 'ignore' },
  );
  if (!(await answersPing(`redis://127.0.0.1:${port}`, proc))) {
    throw new Error(`redis-server did not start on port ${port}`);
  }
  return proc;
}

function killed(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

const task = (tenant: string): ComputeTask => ({
  kind: 'train',
  phase: 0,
  config: DEFAULT_CONFIG,
  source: { kind: 'builtin', tenant },
});

describeWithRedis('queue mode without Redis', () => {
  let port = 0;
  let url = '';
  let redis: ChildProcess | null = null;
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'wv-queue-outage-'));
    dirs.push(d);
    return d;
  };
  beforeAll(async () => {
    port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    redis = await redisOn(port, tempDir());
  });
  afterAll(async () => {
    if (redis) await killed(redis);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('Redis gone for good: a waiting task fails saying so, and close() returns', async () => {
    const backend = new QueueBackend({ url, log: silentLogger, reconnectTimeoutMs: 1_000 });
    // No worker: the task's job waits in the queue.
    const pending = backend.run(task('none_books'), undefined, { key: 'outage/gone' });
    const outcome = pending.then(
      () => null,
      (e: unknown) => e as Error & { code?: string },
    );
    await new Promise((r) => setTimeout(r, 500));
    const started = Date.now();
    await killed(redis!);
    redis = null;
    const e = await outcome;
    expect(e?.code).toBe('unavailable');
    expect(e?.message).toMatch(
      /^lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+ and it was not back within 1 s .*check that redis-server is running, then run again$/,
    );
    expect(Date.now() - started).toBeLessThan(8_000);
    const closing = Date.now();
    await backend.close();
    expect(Date.now() - closing).toBeLessThan(5_000);
  }, 30_000);

  it('Redis that stops answering (SIGSTOP, its socket open): a waiting task fails saying so', async () => {
    // ioredis sees no closed socket: a probe's run waited on a stopped Redis for good, silently.
    redis ??= await redisOn(port, tempDir());
    const said: string[] = [];
    const backend = new QueueBackend({
      url,
      log: (level, m) => said.push(`${level}: ${m}`),
      reconnectTimeoutMs: 1_000,
      pingEveryMs: 200,
      pingDeadlineMs: 500,
    });
    const pending = backend.run(task('none_books'), undefined, { key: 'outage/silent' });
    const outcome = pending.then(
      () => null,
      (e: unknown) => e as Error & { code?: string },
    );
    await new Promise((r) => setTimeout(r, 500));
    const started = Date.now();
    redis.kill('SIGSTOP');
    try {
      const e = await outcome;
      expect(e?.code).toBe('unavailable');
      expect(e?.message).toMatch(
        /^lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+ \(it has not answered PING for 0\.5 s\) and it was not back within 1 s.*; check that redis-server is running, then run again$/,
      );
      expect(Date.now() - started).toBeLessThan(8_000);
      expect(
        said.some((l) => l.includes('(it has not answered PING for 0.5 s); waiting up to 1 s')),
      ).toBe(true);
      const closing = Date.now();
      await backend.close();
      expect(Date.now() - closing).toBeLessThan(5_000);
    } finally {
      redis.kill('SIGCONT');
    }
    // Answering again: the next run goes through.
    expect(await answersPing(url, redis)).toBe(true);
  }, 30_000);

  it('Redis back (empty) within the window: the lost job is added again and finishes', async () => {
    redis ??= await redisOn(port, tempDir());
    const backend = new QueueBackend({ url, log: silentLogger, reconnectTimeoutMs: 20_000 });
    const t = task('medium_footwear');
    const pending = backend.run(t, undefined, { key: 'outage/back' });
    pending.catch(() => {});
    await new Promise((r) => setTimeout(r, 500));
    await killed(redis);
    await new Promise((r) => setTimeout(r, 1_000));
    // Started again without its data: the job the backend added is gone.
    redis = await redisOn(port, tempDir());
    await new Promise((r) => setTimeout(r, 1_500));
    const worker = await startQueueWorker({ url, log: silentLogger });
    try {
      const out = await pending;
      const ref = compute(t);
      if (out.kind !== 'train' || ref.kind !== 'train') throw new Error('expected train results');
      expect({ ...out.result, seconds: 0 }).toEqual({ ...ref.result, seconds: 0 });
    } finally {
      await backend.close();
      await worker.close();
    }
  }, 60_000);

  it('Redis restarted under a job: each side says so in its words, and the job is done again', async () => {
    // The worker logged BullMQ's "Missing lock for job ... moveToFinished" (and moveToDelayed)
    // after a "done" line; the CLI (warnings only) said "lost the connection" and never "back".
    redis ??= await redisOn(port, tempDir());
    const coordinator: string[] = [];
    const backend = new QueueBackend({
      url,
      log: (level, m) => coordinator.push(`${level}: ${m}`),
      reconnectTimeoutMs: 20_000,
    });
    const workerLog: string[] = [];
    const worker = await startQueueWorker({
      url,
      log: (level, m) => workerLog.push(`${level}: ${m}`),
      compute: async (t) => {
        await new Promise((r) => setTimeout(r, 3_000));
        return compute(t);
      },
    });
    try {
      const t = task('none_books');
      const pending = backend.run(t, undefined, { key: 'outage/restart' });
      pending.catch(() => {});
      for (let i = 0; i < 100 && !workerLog.some((l) => / started: /.test(l)); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await killed(redis);
      await new Promise((r) => setTimeout(r, 500));
      redis = await redisOn(port, tempDir());
      const out = await pending;
      expect(out.kind).toBe('train');
      expect(coordinator.join('\n')).toMatch(
        /^warning: queue: the connection to Redis at redis:\/\/127\.0\.0\.1:\d+\/? is back \(lost for \d+\.\d s\); the run goes on$/m,
      );
      const said = workerLog.join('\n');
      expect(said).not.toMatch(/Missing (lock|key)/);
      expect(said).toMatch(/^info: Redis at \S+ is back$/m);
      expect(said).toMatch(
        /^warning: job \S+: its lock was lost \(Redis restarted, or was away longer than the 30 s lock\): its result is not kept; the job is computed again$/m,
      );
      // "done" only for the attempt whose result Redis kept (said once Redis answered).
      for (let i = 0; i < 40 && !workerLog.some((l) => / done: /.test(l)); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(workerLog.filter((l) => / done: /.test(l))).toHaveLength(1);
    } finally {
      await backend.close();
      await worker.close();
    }
  }, 60_000);

  it('a worker without Redis at start says what to check and stops', async () => {
    const dead = `redis://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    await expect(
      startQueueWorker({ url: dead, log: silentLogger, connectTimeoutMs: 500 }),
    ).rejects.toThrow(
      /^cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ within 0\.5 s \(connect ECONNREFUSED [^)]+\); check the URL and that redis-server is running there, then start the worker again$/,
    );
    expect(Date.now() - started).toBeLessThan(8_000);
  }, 30_000);

  it('Ctrl-C on a worker process: it says it finishes its jobs, nothing about a run; exit 130', async () => {
    redis ??= await redisOn(port, tempDir());
    const workers = await startWorkerProcesses(url, 1);
    const proc = workers.procs[0];
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
    proc.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(workers.stderr[0]).toContain(
      'wv-mmm worker: Ctrl-C: finishing the jobs in hand; press Ctrl-C again to quit at once',
    );
    expect(workers.stderr[0]).not.toContain('the run is recorded');
  }, 30_000);

  it('a forced run computes its tenants again, not served the completed jobs of its key', async () => {
    redis ??= await redisOn(port, tempDir());
    let calls = 0;
    const worker = await startQueueWorker({
      url,
      log: silentLogger,
      compute: async (t) => {
        calls++;
        return compute(t);
      },
    });
    const app = createApp({ stateDir: tempDir(), queueUrl: url, log: silentLogger });
    try {
      const first = await app.startPhaseRun({ phase: 0, tenants: ['none_books'] }).done;
      expect(calls).toBe(1);
      const forced = await app.startPhaseRun({ phase: 0, tenants: ['none_books'], force: true })
        .done;
      expect(forced.id).not.toBe(first.id);
      expect(calls).toBe(2);
      expect(forced.results[0].fold_r2).toEqual(first.results[0].fold_r2);
    } finally {
      await app.close();
      await worker.close();
    }
  }, 60_000);
});
