import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // vitest's default is one file fewer than the cores: on the 2-core CI machine that ran one file
    // at a time (843 s of tests, 178 s of them between files); two at once took 544 s, the same
    // 1583 tests passing. Never fewer than two.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Test files share their worker's module cache instead of importing src afresh each: the
    // import phase took 234 s of the 2-core CI's test time (242 files), 52 s without isolation;
    // 60 small files ran in 156 s against 206 s. No test stubs modules or globals across files
    // (vi.mock, vi.stubGlobal: none), and each app test opens its own state directory.
    isolate: false,
  },
});
