/**
 * Reading an input file once, through one descriptor: what is checked (a regular file, its size,
 * where it is) is what is read. A path checked and then read again could be swapped in between
 * (a symlink to elsewhere, a FIFO that blocks the thread for ever, a file that grows past the
 * limit), so the file is opened first, non-blocking, and every check is made on the descriptor.
 */
import { closeSync, constants, fstatSync, openSync, readlinkSync, readSync } from 'node:fs';
import type { Stats } from 'node:fs';

/** Why a file was refused after opening it; the caller says it in its own words. */
export type FileRefusal =
  { kind: 'not_regular'; directory: boolean } | { kind: 'too_large'; size: number };

export class FileRefusedError extends Error {
  constructor(readonly refusal: FileRefusal) {
    super(
      refusal.kind === 'too_large'
        ? `file of ${refusal.size} bytes is over the limit`
        : 'not a regular file',
    );
    this.name = 'FileRefusedError';
  }
}

export interface BoundedReadOptions {
  /** The most bytes accepted; a file of more (on disk, or read) is refused as too_large. */
  limit: number;
  /** Refuse a symbolic link as the last component (O_NOFOLLOW; ELOOP is thrown). */
  noFollow?: boolean;
  /**
   * Called with the open descriptor and its fstat (a regular file within the limit) before
   * anything is read; throws to refuse it, e.g. when it is not the file that was checked.
   */
  verify?: (fd: number, st: Stats) => void;
}

// Absent on Windows (0: no such flag there); a FIFO then still fails the fstat check, but only
// after an open that may wait for a writer.
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const CHUNK = 1 << 16;

/**
 * The UTF-8 text of `file`, opened once (O_RDONLY|O_NONBLOCK, and O_NOFOLLOW when asked):
 * refused unless the descriptor is a regular file of at most `limit` bytes, and never more than
 * `limit` + 1 bytes read (a file that grows after the fstat is refused too). Errors of the open
 * itself (ENOENT, EACCES, ELOOP, ...) are thrown as they are.
 */
export function readFileBounded(file: string, opts: BoundedReadOptions): string {
  const fd = openSync(file, constants.O_RDONLY | O_NONBLOCK | (opts.noFollow ? O_NOFOLLOW : 0));
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      throw new FileRefusedError({ kind: 'not_regular', directory: st.isDirectory() });
    }
    if (st.size > opts.limit) throw new FileRefusedError({ kind: 'too_large', size: st.size });
    opts.verify?.(fd, st);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const want = Math.min(CHUNK, opts.limit + 1 - total);
      if (want <= 0) break;
      const buf = Buffer.allocUnsafe(want);
      const n = readSync(fd, buf, 0, want, null);
      if (n === 0) break;
      chunks.push(n === want ? buf : buf.subarray(0, n));
      total += n;
    }
    if (total > opts.limit) {
      // Grown since the fstat: say the size it has now (at least what was read).
      let size = total;
      try {
        size = Math.max(total, fstatSync(fd).size);
      } catch {
        // keep what was read
      }
      throw new FileRefusedError({ kind: 'too_large', size });
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * The path the kernel gives an open descriptor (Linux: /proc/self/fd/N), or undefined where there
 * is no such link (macOS, Windows, no /proc).
 */
export function descriptorPath(fd: number): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
}

/** Device and inode: the identity of a file whatever path names it. */
export function sameFile(a: Pick<Stats, 'dev' | 'ino'>, b: Pick<Stats, 'dev' | 'ino'>): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}
