/** A fold's fallback named without the apparent contradiction "uses phase 0 ... fell back to phase 2". */
import { describe, expect, it } from 'vitest';
import { usedPhaseWords } from '../src/app/index.js';

describe('usedPhaseWords', () => {
  it('names both phases when the fallback has another phase model in the window', () => {
    expect(
      usedPhaseWords({
        used_phase: 0,
        reason:
          'phase 3 validation R² -1.430 <= phase 2 0.246 on 1 validation block (8 training rows): fell back to phase 2',
      }),
    ).toBe("phase 0 (fell back to phase 2, whose model there is phase 0's)");
  });
  it('names the phase alone when it is the one fallen back to, or no fallback is named', () => {
    expect(usedPhaseWords({ used_phase: 2, reason: '...: fell back to phase 2' })).toBe('phase 2');
    expect(usedPhaseWords({ used_phase: 1, reason: 'stacked' })).toBe('phase 1');
  });
});
