/**
 * A report the server writes into its own state directory (no --out; MCP has no path argument)
 * that cannot be written is the operator's problem, code `unavailable`, not an argument to fix:
 * it read "give a file path in a writable directory" and, over MCP, "Fix the argument".
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../src/app/errors.js';
import { useTempApp } from './app-helpers.js';

const temp = useTempApp('report-state');

describe('a report the state directory cannot hold', () => {
  it('is unavailable (the operator), and --out keeps the caller words', async () => {
    const reports = path.join(temp.dir(), 'reports');
    rmSync(reports, { recursive: true, force: true });
    writeFileSync(reports, 'not a directory');
    const err = await temp
      .app()
      .writeReport({ tenant: 'none_books', phase: 0 })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('unavailable');
    expect((err as AppError).message).toMatch(
      /^cannot write the report into the state directory \(tenant-none_books-phase0\.html\): /,
    );
    expect((err as AppError).message).not.toContain('give a file path');
    const out = path.join(reports, 'r.html');
    const asked = await temp
      .app()
      .writeReport({ tenant: 'none_books', phase: 0, out })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect((asked as AppError).code).toBe('invalid_argument');
    expect((asked as AppError).message).toContain('give a file path');
  }, 120_000);
});
