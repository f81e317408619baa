/**
 * The queue tests' shared set-up: a real redis-server per test file (bench/redis-server.ts),
 * temporary state directories removed with it, and a BullMQ Queue of the tenants' queue on a
 * connection of its own for looking at jobs from outside the app.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import { QUEUE_NAME } from '../src/app/queue/index.js';
import { redisServerAvailable, startRedis, type TestRedis } from '../bench/redis-server.js';

/** `describe` when redis-server is installed (always on CI, which installs it), else skipped. */
export const describeWithRedis = describe.runIf(redisServerAvailable() || !!process.env.CI);

export interface RedisFixture {
  /** The server's URL (set once beforeAll has run). */
  readonly url: string;
  /** A new temporary state directory, removed after the file's tests. */
  tempState(): string;
}

/**
 * Starts a redis-server before the tests of the calling `describe` and stops it after them,
 * with the state directories made by tempState().
 */
export function useRedis(dirPrefix = 'wv-queue-'): RedisFixture {
  let redis: TestRedis | undefined;
  const dirs: string[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return {
    get url() {
      if (!redis) throw new Error('redis-server is not started yet (use url inside a test)');
      return redis.url;
    },
    tempState() {
      const d = mkdtempSync(path.join(tmpdir(), dirPrefix));
      dirs.push(d);
      return d;
    },
  };
}

/** Runs `fn` with the tenants' queue on a connection of its own, closed afterwards. */
export async function withQueue<T>(url: string, fn: (queue: Queue) => Promise<T>): Promise<T> {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE_NAME, { connection });
  try {
    return await fn(queue);
  } finally {
    await queue.close();
    await connection.quit();
  }
}
