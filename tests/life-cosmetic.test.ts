/**
 * Two lines a monthly re-import probe read as odd: `report` printed "0.3 s of which rendering
 * 0.34 s" (the total to 0.1 s, its part to 0.01 s), and six daily years printed the protocol as
 * "TimeSeriesSplit(5): the first training window (365 rows) is at least 365 rows".
 */
import { describe, expect, it } from 'vitest';
import type { App } from '../src/app/index.js';
import { report } from '../src/cli/commands/report.js';
import { chooseProtocol } from '../src/core/folds.js';

describe('report timing line', () => {
  it('prints the total and its rendering part to the same precision', async () => {
    let out = '';
    const app = {
      writeReport: async () => ({
        kind: 'run',
        subject: '1',
        phase: 3,
        run_id: 1,
        file: '/x/run-1.html',
        uri: 'report://run/1',
        bytes: 32 * 1024,
        seconds: 0.349,
        render_seconds: 0.341,
        charts: [{ id: 'a', title: 'a', reading: 'a' }],
        summary: [],
        caveats: [],
        warnings: [],
      }),
    } as unknown as App;
    await report.run({
      flags: { run: '1' },
      positionals: [],
      app: () => app,
      signal: new AbortController().signal,
      print: (_d, text) => (out = text()),
      note: () => {},
    });
    expect(out).toContain('(32 KB, 1 charts, 0.35 s of which rendering 0.34 s)');
  });
});

describe('protocol reason', () => {
  it('says what the split gives, not that a window is at least itself', () => {
    // Six daily years: blocks of floor(2190 / 6) = 365, first window 2190 - 5 x 365 = 365.
    const six = chooseProtocol(2190, 'daily').protocol;
    expect(six.rule).toBe('timeseriessplit');
    expect(six.reason).toBe(
      'TimeSeriesSplit(5) as is: test blocks of 365 rows, the first fold trains on 365 rows, exactly the least the protocol needs',
    );
    // Three daily years of a built-in tenant: 185 rows, the plan's half year 182.
    expect(chooseProtocol(1095, 'daily', { planProtocol: true }).protocol.reason).toBe(
      'TimeSeriesSplit(5) as is: test blocks of 182 rows, the first fold trains on 185 rows (the protocol needs at least 182)',
    );
  });
});
