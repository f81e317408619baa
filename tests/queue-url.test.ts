/** The Redis URL of queue mode: what a wrong one says (src/app/queue/settings.ts checkRedisUrl). */
import { describe, expect, it } from 'vitest';
import { checkRedisUrl, redactUrl } from '../src/app/queue/settings.js';

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

  it('hides a password in what it prints', () => {
    expect(redactUrl('redis://:secret@h:1')).not.toContain('secret');
  });
});
