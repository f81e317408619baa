/** The Redis URL of queue mode: what a wrong one says (src/app/queue/settings.ts checkRedisUrl). */
import { describe, expect, it } from 'vitest';
import { checkRedisUrl, jobCode, jobName, redactUrl } from '../src/app/queue/settings.js';

describe('checkRedisUrl', () => {
  it('takes redis:// and rediss:// URLs', () => {
    expect(checkRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(checkRedisUrl('rediss://cache.example:6380/2')).toBe('rediss://cache.example:6380/2');
  });

  it('host:port without a scheme says what to write (it said only the scheme it read)', () => {
    expect(() => checkRedisUrl('localhost:6379')).toThrow(
      "the Redis URL must start with redis:// or rediss:// (got 'localhost:6379'; write redis://localhost:6379)",
    );
    expect(() => checkRedisUrl('http://localhost:6379', 'the queue URL')).toThrow(
      "the queue URL must start with redis:// or rediss:// (got 'http://localhost:6379')",
    );
    expect(() => checkRedisUrl('6379')).toThrow(/is not a URL; expected redis:\/\/host:port/);
  });

  it('the path is a database number: anything else is refused before it reaches Redis', () => {
    // redis://h:1/abc crashed in ioredis's SELECT NaN with a stack trace.
    expect(checkRedisUrl('redis://h:1/3')).toBe('redis://h:1/3');
    expect(checkRedisUrl('redis://h:1/')).toBe('redis://h:1/');
    expect(() => checkRedisUrl('redis://h:1/abc')).toThrow(
      "the Redis URL 'redis://h:1/abc' names database 'abc'; the path is a database number (redis://host:port/0), or leave it out for database 0",
    );
    expect(() => checkRedisUrl('redis://h:1/1/2')).toThrow(/names database '1\/2'/);
  });

  it('a job names the code that queued it', () => {
    expect(jobName('train', '0.1.0+abc')).toBe('train@0.1.0+abc');
    expect(jobCode('train@0.1.0+abc')).toBe('0.1.0+abc');
    expect(jobCode('train')).toBeNull();
  });

  it('hides a password in what it prints', () => {
    expect(redactUrl('redis://:secret@h:1')).not.toContain('secret');
  });
});
