/**
 * stdin re-chunked at line ends before the SDK's reader (wholeLines): every piece but an
 * unfinished last line ends with "\n", nothing is lost or reordered, and a line longer than the
 * limit is passed on unfinished for the SDK to refuse.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { wholeLines } from '../src/mcp/stdio.js';

async function pieces(chunks: string[], max = 1 << 20): Promise<string[]> {
  const input = new PassThrough();
  const out = wholeLines(input, max);
  const got: string[] = [];
  out.on('data', (b: Buffer) => got.push(b.toString('utf8')));
  const ended = new Promise((r) => out.on('end', r));
  for (const c of chunks) input.write(Buffer.from(c, 'utf8'));
  input.end();
  await ended;
  return got;
}

describe('wholeLines', () => {
  it('joins a line sent in many pieces into one, and keeps what follows its end for the next', async () => {
    const got = await pieces(['{"a":', '1', '}\n{"b"', ':2}\r\n', '{"c":3}\n{"d"', ':4}']);
    expect(got).toEqual(['{"a":1}\n', '{"b":2}\r\n', '{"c":3}\n', '{"d":4}']);
    expect(got.join('')).toBe('{"a":1}\n{"b":2}\r\n{"c":3}\n{"d":4}');
  });

  it('passes several lines of one piece at once, and multi-byte characters split between pieces whole', async () => {
    const text = '{"x":"é€😀"}\n';
    const bytes = Buffer.from(text + text, 'utf8');
    const input = new PassThrough();
    const out = wholeLines(input, 1 << 20);
    const got: Buffer[] = [];
    out.on('data', (b: Buffer) => got.push(b));
    const ended = new Promise((r) => out.on('end', r));
    // Cut inside the emoji's four bytes.
    const cut = Buffer.from('{"x":"é€', 'utf8').length + 2;
    input.write(bytes.subarray(0, cut));
    input.write(bytes.subarray(cut));
    input.end();
    await ended;
    expect(got.map((b) => b.toString('utf8'))).toEqual([text + text]);
  });

  it('passes on a line that outgrows the limit unfinished (the SDK refuses it)', async () => {
    const got = await pieces(['x'.repeat(60), 'y'.repeat(60), 'z\n'], 100);
    expect(got).toEqual(['x'.repeat(60) + 'y'.repeat(60), 'z\n']);
  });
});
