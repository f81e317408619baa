/**
 * docs/own-data.md, run as written: every `wv-mmm ...` line of its ```sh blocks, in order, on the
 * example CSV, in a fresh state directory. Each must exit 0, and every line of a ```text block that
 * directly follows a ```sh block must appear in what its last command printed. When a model change
 * moves a figure, update the doc (and the prose around it, step 7 in particular).
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempStateDir, wv } from './cli-helpers.js';

interface Step {
  commands: string[][];
  expected: string[];
}

function stepsOf(markdown: string): Step[] {
  const blocks = [...markdown.matchAll(/```(\w+)\n([\s\S]*?)```\n?/g)];
  const steps: Step[] = [];
  blocks.forEach((b, i) => {
    if (b[1] !== 'sh') return;
    const commands = b[2]
      .split('\n')
      .filter((l) => l.startsWith('wv-mmm '))
      .map((l) => l.slice('wv-mmm '.length).trim().split(/\s+/));
    const next = blocks[i + 1];
    const between =
      next === undefined ? '' : markdown.slice(b.index + b[0].length, next.index).trim();
    const expected =
      next && next[1] === 'text' && between === ''
        ? next[2].split('\n').filter((l) => l.trim() !== '' && l.trim() !== '...')
        : [];
    steps.push({ commands, expected });
  });
  return steps;
}

describe('docs/own-data.md walkthrough', () => {
  const state = tempStateDir();
  afterAll(() => state.remove());
  const steps = stepsOf(readFileSync('docs/own-data.md', 'utf8'));

  it('has the commands of the walkthrough', () => {
    const all = steps.flatMap((s) => s.commands.map((c) => c[0]));
    expect(all).toEqual([
      'import',
      'import',
      'train',
      'explain',
      'explain',
      'report',
      'run-phase',
      'plan',
      'lift',
      'lift',
      'explain',
      'import',
      'tenants',
    ]);
  });

  it('runs every command as written, with the output the doc shows', () => {
    for (const step of steps) {
      let last = '';
      for (const args of step.commands) {
        const r = wv(state.dir, args);
        expect(r.code, `wv-mmm ${args.join(' ')}\n${r.stderr}`).toBe(0);
        last = r.stdout;
      }
      const lines = last.split('\n').map((l) => l.trimEnd());
      for (const line of step.expected) expect(lines, line).toContain(line.trimEnd());
    }
  }, 180_000);
});
