/**
 * Resource bounds: requests that would be huge (100,000 tenant ids, 1000 folds, 1000 alphas,
 * 100,000 generated tenants) are refused up front with the limit named and start nothing; a
 * 500-tenant phase 1 run keeps the process's resident memory bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_LIMITS } from '../src/app/index.js';
import { call } from './mcp-helpers.js';
import {
  connectReal,
  expectCleanError,
  removeTempDirs,
  serverPaths,
  type RealServer,
} from './hardening-helpers.js';

let s: RealServer;
let forbidden: string[];
beforeAll(async () => {
  s = await connectReal({ workers: 2 });
  forbidden = serverPaths(s.stateDir);
});
afterAll(async () => {
  await s.close();
  removeTempDirs();
});

const ids = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);

describe('huge requests are refused up front, naming the limit', () => {
  it.each([
    ['run_phase', { phase: 1, tenants: ids(100_000) }, 'tenants must list 1 to 5000'],
    ['run_phase', { phase: 1, folds: 1000 }, 'folds must be an integer from 2 to 10'],
    [
      'train_tenant',
      { tenant: 'none_books', phase: 1, options: { folds: 1000 } },
      'folds must be an integer from 2 to 10',
    ],
    [
      'train_tenant',
      { tenant: 'none_books', phase: 1, options: { alphas: Array(1000).fill(1) } },
      'alphas must list 1 to 20',
    ],
    ['list_runs', { limit: 1_000_000 }, 'limit must be an integer from 1 to 100'],
    [
      'get_run',
      { run_id: 1, results_limit: 1e9 },
      'results_limit must be an integer from 1 to 500',
    ],
    ['import_tenant_data', { tenant: 'x', path: 'a'.repeat(5000) }, 'path is too long'],
  ])('%s %#', async (tool, args, message) => {
    const t = expectCleanError(await call(s, tool, args), forbidden);
    expect(t).toContain(message);
    expect(s.app.listRuns().total).toBe(0);
  });

  it('the app refuses the same requests by itself (CLI and other faces), before any work', () => {
    expect(() => s.app.startPhaseRun({ phase: 1, tenants: ids(100_000) })).toThrow(
      `a run takes at most ${APP_LIMITS.maxTenantsPerRun} tenants (got 100000)`,
    );
    expect(() => s.app.startPhaseRun({ phase: 1, config: { folds: 1000 } })).toThrow(
      `folds must be an integer from 2 to ${APP_LIMITS.maxFolds} (got 1000)`,
    );
    expect(() =>
      s.app.startPhaseRun({ phase: 1, config: { alphas: Array(1000).fill(1) } }),
    ).toThrow(`alphas must be a list of 1 to ${APP_LIMITS.maxAlphas} positive numbers`);
    expect(() => s.app.generateTenants({ count: 100_000, seed: 1 })).toThrow(
      `count must be an integer from 1 to ${APP_LIMITS.maxGenerate}`,
    );
    expect(s.app.listRuns().total).toBe(0);
    expect(s.app.listTenants()).toHaveLength(20);
  });
});

describe('memory stays bounded during a long run', () => {
  it('phase 1 over 500 generated tenants: RSS grows by less than 200 MB', async () => {
    // Warm-up: worker threads started, code compiled, SQLite caches filled.
    const warm = s.app.generateTenants({ count: 40, seed: 7, prefix: 'warm' }).tenants;
    expect((await s.app.startPhaseRun({ phase: 1, tenants: warm }).done).status).toBe('done');
    const tenants = s.app.generateTenants({ count: 500, seed: 1 }).tenants;
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 25);
    let run;
    try {
      run = await s.app.startPhaseRun({ phase: 1, tenants }).done;
    } finally {
      clearInterval(timer);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(run.status).toBe('done');
    expect(run.results).toHaveLength(500);
    expect(run.summary?.total).toBe(500);
    const growthMb = (peak - baseline) / 2 ** 20;
    if (process.env.WV_HARDENING_VERBOSE) console.error(`RSS growth ${growthMb.toFixed(1)} MB`);
    // Measured ~90-100 MB here (worker heaps settling, each worker's 64-tenant series cache,
    // all 500 results read back once at the end). Keeping every tenant's data alive would add
    // >= 0.3 MB per tenant on top (>= 150 MB), so 200 MB separates "bounded" from "leaking".
    expect(growthMb).toBeLessThan(200);
  });
});
