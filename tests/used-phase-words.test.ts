/** A fold's fallback named without the apparent contradiction "uses phase 0 ... fell back to phase 2". */
import { describe, expect, it } from 'vitest';
import { usedPhaseWords } from '../src/app/index.js';
import { generateShape, shapeSpecOf } from '../src/core/data/index.js';
import { trainPhase } from '../src/phases/index.js';

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
  it('reads the structured fell_back_to before the reason (runs stored before it have only the reason)', () => {
    expect(usedPhaseWords({ used_phase: 0, fell_back_to: 2, reason: 'stacked' })).toBe(
      "phase 0 (fell back to phase 2, whose model there is phase 0's)",
    );
    expect(usedPhaseWords({ used_phase: 2, fell_back_to: 2, reason: '' })).toBe('phase 2');
  });
  it('says a fold forecasts with the mean of its model and another (averaged_with)', () => {
    // A daily phase-3 fold that fell back: half phase 2's laddered model, half phase 3's own.
    const half = { phase: 3, model: 'own', share: 0.5 } as const;
    expect(
      usedPhaseWords({ used_phase: 2, fell_back_to: 2, averaged_with: half, reason: '' }),
    ).toBe("phase 2 averaged half and half with phase 3's own model");
    expect(
      usedPhaseWords({
        used_phase: 0,
        fell_back_to: 2,
        averaged_with: { phase: 3, model: 'own', share: 0.25 },
        reason: '',
      }),
    ).toBe(
      "phase 0 (fell back to phase 2, whose model there is phase 0's) averaged 75% to 25% with phase 3's own model",
    );
  });
  it("a fold that fell back records the phase it fell back to, as its reason says, and the kept ones don't", () => {
    // A daily year of 3 channels: phase 3 is turned down on its validation blocks on some folds.
    const spec = { frequency: 'daily', years: 1, channels: 3, events: true } as const;
    const t = generateShape(shapeSpecOf('d1_s8259_0', 8259, spec), { seed: 8259 });
    const folds = trainPhase(t.series, 3, {}, null).folds;
    const fell = folds.filter((f) => f.fallback && !f.fallback.kept);
    expect(fell.length).toBeGreaterThan(0);
    for (const f of fell) {
      expect(f.fallback!.fell_back_to).toBe(2);
      expect(f.fallback!.reason).toContain('fell back to phase 2');
      expect(f.fallback!.used_phase).toBeLessThanOrEqual(2);
    }
    for (const f of folds.filter((x) => x.fallback?.kept))
      expect(f.fallback!.fell_back_to).toBeUndefined();
  });
});
