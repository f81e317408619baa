/**
 * Queue benchmark (issue 18): phase 3 on generated tenants through BullMQ on a loopback Redis
 * with 1, 2 and 4 `wv-mmm worker` processes (one thread each), beside the same run in process;
 * the queue's own cost per job (a worker whose computation returns at once); and the time
 * projected for 20,000 tenants on N machines from the measured per-tenant CPU cost.
 *
 * Each worker count starts from an empty Redis (FLUSHALL): job ids come from the run key and
 * tenant, so a second run of the same tenants would be served from the completed jobs.
 * Worker CPU is read from /proc/<pid>/stat (all threads of the process), Linux only.
 *
 * Usage: npm run build && node dist/bench/queue.js [--tenants 20] [--workers 1,2,4]
 *        (npm run bench -- --scale runs it with 200 tenants; --quick with 20)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { createApp, DEFAULT_CONFIG, startQueueWorker } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { packageRoot } from '../src/app/paths.js';
import { QueueBackend } from '../src/app/queue/index.js';
import type { ComputeResult, ComputeTask } from '../src/app/compute.js';
import { startRedis, type TestRedis } from './redis-server.js';

export interface QueueRun {
  /** 0 = the in-process pool (2 threads), else the number of worker processes. */
  workers: number;
  tenants: number;
  seconds: number;
  /** CPU seconds of all worker processes during the run (0 for the in-process run). */
  worker_cpu_seconds: number;
  /** CPU seconds of the coordinator (this process) during the run. */
  coordinator_cpu_seconds: number;
  /** phase3_results.json byte-identical to the in-process run's. */
  identical: boolean;
  load_average: number[];
}

export interface QueueOverhead {
  jobs: number;
  /** One job at a time: add, pick up, complete, completion event back (ms per job). */
  sequential_ms_per_job: number;
  /** 512 jobs in flight, one worker taking 32 at once, nothing computed: ms per job. */
  pipelined_ms_per_job: number;
}

export interface QueueProjection {
  machines: number;
  cores_per_machine: number;
  hours: number;
}

export interface QueueBenchReport {
  phase: 3;
  cores: number;
  runs: QueueRun[];
  overhead: QueueOverhead;
  /** Worker CPU seconds per tenant in the 1-worker run (the cost the projection scales). */
  cpu_per_tenant_seconds: number;
  projections: QueueProjection[];
}

const CLI = (): string => path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');

/** utime + stime of a process and all its threads, in seconds (Linux /proc). */
function procCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Starts `wv-mmm worker` processes and resolves once each says it listens. */
export async function startWorkerProcesses(
  url: string,
  count: number,
  extra: string[] = [],
): Promise<{ procs: ChildProcess[]; stderr: string[]; stop(): Promise<void> }> {
  const procs: ChildProcess[] = [];
  const stderr: string[] = [];
  const ready: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const p = spawn(process.execPath, [CLI(), 'worker', '--redis', url, ...extra], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    procs.push(p);
    stderr.push('');
    ready.push(
      new Promise<void>((resolve, reject) => {
        p.stderr?.setEncoding('utf8');
        p.stderr?.on('data', (chunk: string) => {
          stderr[i] += chunk;
          if (/thread\(s\) on queue/.test(stderr[i])) resolve();
        });
        p.once('exit', (code) =>
          reject(new Error(`worker ${i} exited (${code}) before it was ready: ${stderr[i]}`)),
        );
      }),
    );
  }
  await Promise.all(ready);
  return {
    procs,
    stderr,
    async stop() {
      await Promise.all(
        procs.map(
          (p) =>
            new Promise<void>((resolve) => {
              if (p.exitCode !== null || p.signalCode !== null) return resolve();
              p.once('exit', () => resolve());
              p.kill('SIGTERM');
              setTimeout(() => p.kill('SIGKILL'), 10_000).unref();
            }),
        ),
      );
    },
  };
}

async function flush(url: string): Promise<void> {
  const r = new Redis(url);
  await r.flushall();
  await r.quit();
}

async function phaseRun(
  redis: TestRedis,
  workers: number,
  tenantCount: number,
  reference: Buffer | null,
): Promise<{ run: QueueRun; bytes: Buffer }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wv-queue-bench-'));
  await flush(redis.url);
  const app = createApp(
    workers === 0
      ? { stateDir: dir, workers: 2, log: silentLogger }
      : { stateDir: dir, queueUrl: redis.url, log: silentLogger },
  );
  const pool = workers > 0 ? await startWorkerProcesses(redis.url, workers) : null;
  try {
    const { tenants } = app.generateTenants({
      count: tenantCount,
      days: 1095,
      seed: 7,
      prefix: 'q',
    });
    const cpu0 = pool ? pool.procs.map((p) => procCpuSeconds(p.pid as number)) : [];
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const run = await app.startPhaseRun({ phase: 3, tenants }).done;
    const seconds = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const workerCpu = pool
      ? pool.procs.reduce((s, p, i) => s + procCpuSeconds(p.pid as number) - cpu0[i], 0)
      : 0;
    if (run.status !== 'done') throw new Error(`queue bench run ended ${run.status}: ${run.error}`);
    const bytes = readFileSync(path.join(dir, 'analytics', 'phase3_results.json'));
    return {
      bytes,
      run: {
        workers,
        tenants: tenantCount,
        seconds,
        worker_cpu_seconds: workerCpu,
        coordinator_cpu_seconds: (c.user + c.system) / 1e6,
        identical: reference === null ? true : bytes.equals(reference),
        load_average: loadavg().map((x) => Math.round(x * 100) / 100),
      },
    };
  } finally {
    await app.close();
    await pool?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The queue's own cost: jobs whose computation returns a stored result at once. */
async function measureOverhead(url: string, jobs: number): Promise<QueueOverhead> {
  await flush(url);
  const canned: ComputeResult = (await import('../src/app/compute.js')).compute({
    kind: 'train',
    phase: 0,
    config: DEFAULT_CONFIG,
    source: { kind: 'builtin', tenant: 'none_books' },
  });
  // Many jobs at once on the worker (nothing is computed): the figure is the queue's, not a lane's.
  const worker = await startQueueWorker({
    url,
    concurrency: 32,
    log: silentLogger,
    compute: async () => canned,
  });
  const backend = new QueueBackend({ url, log: silentLogger });
  // The job id comes from the key; the task itself is the same each time.
  const task = (_i: number): ComputeTask => ({
    kind: 'train',
    phase: 0,
    config: DEFAULT_CONFIG,
    source: { kind: 'builtin', tenant: `none_books` },
  });
  try {
    await backend.run(task(-1), undefined, { key: 'warm-up' });
    const seqJobs = Math.min(200, jobs);
    let t0 = performance.now();
    for (let i = 0; i < seqJobs; i++) await backend.run(task(i), undefined, { key: `seq/${i}` });
    const sequential = (performance.now() - t0) / seqJobs;
    t0 = performance.now();
    let next = 0;
    const lane = async () => {
      while (next < jobs) {
        const i = next++;
        await backend.run(task(i), undefined, { key: `pipe/${i}` });
      }
    };
    await Promise.all(Array.from({ length: 512 }, lane));
    const pipelined = (performance.now() - t0) / jobs;
    return { jobs, sequential_ms_per_job: sequential, pipelined_ms_per_job: pipelined };
  } finally {
    await backend.close();
    await worker.close();
  }
}

export async function runQueueBench(opts: {
  tenants: number;
  workers?: number[];
  log?: (msg: string) => void;
}): Promise<QueueBenchReport> {
  const log = opts.log ?? ((m: string) => process.stderr.write(`[queue] ${m}\n`));
  const counts = opts.workers ?? [1, 2, 4];
  const redis = await startRedis();
  try {
    log(`queue: in-process phase 3, ${opts.tenants} tenants (reference)`);
    const local = await phaseRun(redis, 0, opts.tenants, null);
    log(`  ${local.run.seconds.toFixed(1)} s, load ${local.run.load_average.join(' / ')}`);
    const runs: QueueRun[] = [local.run];
    for (const k of counts) {
      log(`queue: phase 3, ${opts.tenants} tenants, ${k} worker process(es)`);
      const { run } = await phaseRun(redis, k, opts.tenants, local.bytes);
      log(
        `  ${run.seconds.toFixed(1)} s, worker CPU ${run.worker_cpu_seconds.toFixed(1)} s, identical: ${run.identical}, load ${run.load_average.join(' / ')}`,
      );
      runs.push(run);
    }
    log('queue: overhead per job');
    const overhead = await measureOverhead(redis.url, 2000);
    const one = runs.find((r) => r.workers === 1) ?? runs[1];
    const cpuPerTenant = one.worker_cpu_seconds / one.tenants;
    const projections: QueueProjection[] = [1, 10, 50, 100].map((machines) => {
      const cores = 2;
      const perJob = overhead.pipelined_ms_per_job / 1000;
      // Workers in parallel: CPU / all cores; the coordinator's serial handling is the floor.
      const seconds = Math.max((20_000 * cpuPerTenant) / (machines * cores), 20_000 * perJob);
      return { machines, cores_per_machine: cores, hours: seconds / 3600 };
    });
    return {
      phase: 3,
      cores: availableParallelism(),
      runs,
      overhead,
      cpu_per_tenant_seconds: cpuPerTenant,
      projections,
    };
  } finally {
    await redis.stop();
  }
}

export function formatQueueBench(r: QueueBenchReport): string {
  const base = r.runs.find((x) => x.workers === 0);
  const lines = [
    `Queue mode (BullMQ on loopback Redis), phase 3, ${r.runs[0]?.tenants} generated tenants, ${r.cores}-core machine:`,
    'workers              wall s  tenant/s  worker CPU s  coord CPU s  identical  load avg (1/5/15 min)',
    ...r.runs.map((x) =>
      [
        (x.workers === 0 ? 'in-process (2 thr)' : `${x.workers} process(es)`).padEnd(19),
        x.seconds.toFixed(1).padStart(7),
        (x.tenants / x.seconds).toFixed(2).padStart(9),
        (x.workers === 0 ? '-' : x.worker_cpu_seconds.toFixed(1)).padStart(13),
        x.coordinator_cpu_seconds.toFixed(1).padStart(12),
        String(x.identical).padStart(10),
        `  ${x.load_average.join(' / ')}`,
      ].join(' '),
    ),
    base
      ? `Workers share this machine's ${r.cores} cores (and its other load): more than ${r.cores} worker processes cannot run faster here; the figures measure the queue's correctness and overhead, the projection below the scale-out.`
      : '',
    `Queue overhead per job (nothing computed): ${r.overhead.sequential_ms_per_job.toFixed(2)} ms one at a time (the latency), ` +
      `${r.overhead.pipelined_ms_per_job.toFixed(2)} ms with 512 in flight (the coordinator's throughput; ${r.overhead.jobs} jobs).`,
    `Worker CPU per tenant (1-worker run): ${r.cpu_per_tenant_seconds.toFixed(2)} s.`,
    'Projected wall time for 20,000 tenants (phase 3, 2 cores per machine, no other load; floor: the coordinator handling jobs one after another):',
    ...r.projections.map(
      (p) =>
        `  ${String(p.machines).padStart(3)} machine(s) x ${p.cores_per_machine} cores: ${p.hours.toFixed(2)} h`,
    ),
  ];
  return lines.filter((l) => l !== '').join('\n');
}

const invokedAsScript =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedAsScript) {
  const argv = process.argv.slice(2);
  const at = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const tenants = Number(at('--tenants') ?? 20);
  const workers = (at('--workers') ?? '1,2,4').split(',').map(Number);
  runQueueBench({ tenants, workers })
    .then((r) => {
      console.log(formatQueueBench(r));
      console.log(JSON.stringify(r));
    })
    .catch((e: unknown) => {
      console.error((e as Error)?.stack ?? String(e));
      process.exitCode = 1;
    });
}
