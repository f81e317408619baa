/**
 * An input file is read through one descriptor: what was checked (inside the import directories,
 * a regular file, within the size limit) is what is read, even when the file is swapped between
 * the path checks and the read (a symlink out, a directory on the way replaced by a link, a FIFO,
 * a file that grows). The swaps are made deterministic with `readImportFile`'s `beforeOpen` hook,
 * which runs where a racing writer would act. Cases that could block the thread (a FIFO) run the
 * built code in a child process with a timeout, so a regression fails instead of hanging.
 */
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  fstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { APP_LIMITS } from '../src/app/config.js';
import { FileRefusedError, readFileBounded } from '../src/app/files.js';
import { readImportFile, verifyOpenedInside } from '../src/app/import.js';

const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'wv-files-')));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
let inbox: string;
let outside: string;
beforeEach(() => {
  n += 1;
  inbox = path.join(root, `inbox${n}`);
  outside = path.join(root, `outside${n}`);
  mkdirSync(path.join(inbox, 'sub'), { recursive: true });
  mkdirSync(path.join(outside, 'sub'), { recursive: true });
  writeFileSync(path.join(inbox, 'data.csv'), 'date,x\nINSIDE\n');
  writeFileSync(path.join(inbox, 'sub', 'data.csv'), 'date,x\nINSIDE\n');
  writeFileSync(path.join(outside, 'secret.csv'), 'date,x\nOUTSIDE_SECRET\n');
  writeFileSync(path.join(outside, 'sub', 'data.csv'), 'date,x\nOUTSIDE_SECRET\n');
});

/** The AppError message `fn` throws (fails the test when it returns). */
function refusal(fn: () => unknown): string {
  try {
    const got = fn();
    throw new Error(`expected a refusal, got ${JSON.stringify(got)}`);
  } catch (e) {
    if ((e as Error).message.startsWith('expected a refusal')) throw e;
    return (e as Error).message;
  }
}

/** Runs ESM `code` in a child node with a hard timeout (SIGKILL: a blocked open ignores TERM). */
function inChild(code: string, timeoutMs = 15_000) {
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
  return {
    status: r.status,
    signal: r.signal,
    out: r.stdout,
    err: r.stderr,
    ms: Date.now() - started,
  };
}

const DIST_IMPORT = path.resolve('dist/src/app/import.js');

describe('readImportFile: the file read is the file checked', () => {
  it('reads a plain file inside (the hook runs between the checks and the open)', () => {
    let seen = '';
    expect(readImportFile([inbox], 'data.csv', (real) => (seen = real))).toContain('INSIDE');
    expect(seen).toBe(path.join(inbox, 'data.csv'));
  });

  it('refuses a file swapped for a symlink out after the checks (O_NOFOLLOW)', () => {
    const m = refusal(() =>
      readImportFile([inbox], 'data.csv', (real) => {
        symlinkSync(path.join(outside, 'secret.csv'), real + '.tmp');
        renameSync(real + '.tmp', real);
      }),
    );
    expect(m).toBe(
      'data.csv was replaced or moved while it was being opened; give the path again once the file is complete and stays where it is',
    );
  });

  it.runIf(process.platform === 'linux')(
    'refuses a directory on the way swapped for a symlink out (the kernel names the open file)',
    () => {
      const m = refusal(() =>
        readImportFile([inbox], 'sub/data.csv', () => {
          renameSync(path.join(inbox, 'sub'), path.join(inbox, 'sub.old'));
          symlinkSync(path.join(outside, 'sub'), path.join(inbox, 'sub'));
        }),
      );
      expect(m).toContain('outside the directories allowed for import');
      expect(m).not.toContain('OUTSIDE_SECRET');
    },
  );

  it('refuses a file that grew past the limit after the checks, by its size on the descriptor', () => {
    const m = refusal(() =>
      readImportFile([inbox], 'data.csv', (real) => truncateSync(real, APP_LIMITS.maxCsvChars + 1)),
    );
    expect(m).toBe(
      `the file is ${APP_LIMITS.maxCsvChars + 1} bytes; the limit is ${APP_LIMITS.maxCsvChars} bytes (CSV_LIMITS.maxChars, 20 MiB); import a shorter period or aggregate daily rows to weekly`,
    );
  });

  it('a file removed after the checks is "not found"', () => {
    const m = refusal(() => readImportFile([inbox], 'data.csv', (real) => unlinkSync(real)));
    expect(m).toContain('file not found: data.csv');
  });

  it('refuses a FIFO swapped in after the checks without blocking (child process, timeout)', () => {
    const fifo = path.join(inbox, 'data.csv');
    const r = inChild(`
      import { execFileSync } from 'node:child_process';
      import { unlinkSync } from 'node:fs';
      import { readImportFile } from ${JSON.stringify(DIST_IMPORT)};
      try {
        readImportFile([${JSON.stringify(inbox)}], 'data.csv', (real) => {
          unlinkSync(real);
          execFileSync('mkfifo', [real]);
        });
        console.log('READ');
      } catch (e) {
        console.log('REFUSED: ' + e.message);
      }
    `);
    expect(r.signal, `blocked on the FIFO ${fifo} (killed after ${r.ms} ms)`).toBeNull();
    expect(r.out.trim(), r.err).toBe('REFUSED: the import path is not a regular file');
  });
});

describe('verifyOpenedInside: the descriptor is checked, not the path', () => {
  it('with the kernel path (Linux) or without it, a file inside is accepted', () => {
    const file = path.join(inbox, 'data.csv');
    const fd = openSync(file, 'r');
    try {
      const st = fstatSync(fd);
      expect(() => verifyOpenedInside(fd, st, file, [inbox], 'data.csv')).not.toThrow();
      expect(() =>
        verifyOpenedInside(fd, st, file, [inbox], 'data.csv', () => undefined),
      ).not.toThrow();
    } finally {
      closeSync(fd);
    }
  });

  it('a kernel path outside the directories is refused', () => {
    const file = path.join(inbox, 'data.csv');
    const fd = openSync(file, 'r');
    try {
      const st = fstatSync(fd);
      const m = refusal(() =>
        verifyOpenedInside(fd, st, file, [inbox], 'data.csv', () =>
          path.join(outside, 'secret.csv'),
        ),
      );
      expect(m).toContain('outside the directories allowed for import');
    } finally {
      closeSync(fd);
    }
  });

  it('without a kernel path: another file now at the path (device and inode differ) is refused', () => {
    const file = path.join(inbox, 'data.csv');
    // The descriptor is the outside file; the checked path names an inside one.
    const fd = openSync(path.join(outside, 'secret.csv'), 'r');
    try {
      const st = fstatSync(fd);
      const m = refusal(() =>
        verifyOpenedInside(fd, st, file, [inbox], 'data.csv', () => undefined),
      );
      expect(m).toContain('data.csv was replaced or moved while it was being opened');
    } finally {
      closeSync(fd);
    }
  });

  it('without a kernel path: a path that now resolves outside is refused', () => {
    const file = path.join(inbox, 'sub', 'data.csv');
    const fd = openSync(file, 'r');
    try {
      const st = fstatSync(fd);
      renameSync(path.join(inbox, 'sub'), path.join(inbox, 'sub.old'));
      symlinkSync(path.join(outside, 'sub'), path.join(inbox, 'sub'));
      const m = refusal(() =>
        verifyOpenedInside(fd, st, file, [inbox], 'data.csv', () => undefined),
      );
      expect(m).toContain('outside the directories allowed for import');
    } finally {
      closeSync(fd);
    }
  });
});

describe('readFileBounded: one descriptor, a byte cap', () => {
  it('reads a file whole, as UTF-8 (a BOM kept, as readFileSync did)', () => {
    const file = path.join(inbox, 'bom.csv');
    writeFileSync(file, '\uFEFFdate,ä\n');
    expect(readFileBounded(file, { limit: 100 })).toBe('\uFEFFdate,ä\n');
  });

  it('never reads past the cap: a file that grows after the fstat is refused', () => {
    const file = path.join(inbox, 'grows.csv');
    writeFileSync(file, 'date,x\n');
    let e: unknown;
    try {
      readFileBounded(file, {
        limit: 100_000,
        verify: () => appendFileSync(file, 'x'.repeat(300_000)),
      });
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(FileRefusedError);
    const r = (e as FileRefusedError).refusal;
    expect(r.kind).toBe('too_large');
    expect(r.kind === 'too_large' && r.size).toBe(300_007);
  });

  it.runIf(process.platform === 'linux')(
    'a file whose size on disk says 0 but holds more is cut at the cap (/proc)',
    () => {
      let e: unknown;
      try {
        readFileBounded('/proc/self/status', { limit: 10 });
      } catch (err) {
        e = err;
      }
      expect((e as FileRefusedError).refusal?.kind).toBe('too_large');
    },
  );

  it('refuses a directory and a device by their fstat', () => {
    const dir = refusalOf(() => readFileBounded(inbox, { limit: 10 }));
    expect(dir).toEqual({ kind: 'not_regular', directory: true });
    if (process.platform !== 'win32') {
      expect(refusalOf(() => readFileBounded('/dev/zero', { limit: 10 }))).toEqual({
        kind: 'not_regular',
        directory: false,
      });
    }
  });

  it('with noFollow, a symlink as the last component is not opened (ELOOP)', () => {
    const link = path.join(inbox, 'link.csv');
    symlinkSync(path.join(inbox, 'data.csv'), link);
    expect(readFileBounded(link, { limit: 100 })).toContain('INSIDE');
    let code: unknown;
    try {
      readFileBounded(link, { limit: 100, noFollow: true });
    } catch (e) {
      code = (e as NodeJS.ErrnoException).code;
    }
    expect(code).toBe('ELOOP');
  });
});

function refusalOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof FileRefusedError) return e.refusal;
    throw e;
  }
  return undefined;
}
