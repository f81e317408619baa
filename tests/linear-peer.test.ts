/**
 * Parity with the Python peer (/work/shared/peers/bench_peers.py, scikit-learn): phase 0 and
 * phase 1 fold R² within 1e-6 of the peer's printed (6-decimal) values and of the companion
 * script's full-precision values, and the same GridSearchCV alpha per fold.
 * Fixtures: tests/fixtures/peer/ (CSV from generate.ts, JSON from the peer and alphas.py).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDesign } from '../src/core/features.js';
import { timeSeriesFolds } from '../src/core/folds.js';
import { fitLinearFolds, trainLinearPhase } from '../src/phases/linear.js';
import { PEER_FIXTURES, peerFixtureCsv } from './fixtures/peer/generate.js';
import { loadPeerJson, loadPeerTenant, PEER_DIR, PEER_TENANTS } from './fixtures/peer/load.js';

interface PeerBench {
  tenants: Record<string, Record<'phase0' | 'phase1', { fold_r2: number[]; mean_r2: number }>>;
}
interface PeerAlphas {
  nocal: Record<
    string,
    {
      phase0: { fold_r2: number[] };
      phase1: { fold_r2: number[]; alphas: number[]; inner_mean_r2: number[][] };
    }
  >;
  cal: PeerAlphas['nocal'];
}

const bench = {
  nocal: loadPeerJson<PeerBench>('peer_nocal.json'),
  cal: loadPeerJson<PeerBench>('peer_cal.json'),
};
const full = loadPeerJson<PeerAlphas>('peer_alphas.json');

describe('peer fixtures', () => {
  it('CSV fixtures are what generate.ts produces (deterministic, reproducible)', () => {
    for (const spec of PEER_FIXTURES) {
      expect(readFileSync(`${PEER_DIR}${spec.name}.csv`, 'utf8')).toBe(peerFixtureCsv(spec));
    }
  });
});

for (const mode of ['nocal', 'cal'] as const) {
  describe(`parity with bench_peers.py ${mode === 'cal' ? '--calendar' : '(no calendar)'}`, () => {
    for (const name of PEER_TENANTS) {
      const series = loadPeerTenant(name);
      for (const phase of [0, 1] as const) {
        it(`${name} phase ${phase}: fold R² within 1e-6${phase === 1 ? ', same alphas' : ''}`, () => {
          const res = trainLinearPhase(series, { phase, calendar: mode === 'cal', parity: true });
          const key = phase === 0 ? 'phase0' : 'phase1';
          const printed = bench[mode].tenants[name][key].fold_r2;
          const precise = full[mode][name][key].fold_r2;
          expect(res.fold_r2).toHaveLength(5);
          for (let i = 0; i < 5; i++) {
            expect(Math.abs(res.fold_r2[i] - printed[i])).toBeLessThanOrEqual(1e-6);
            // Full precision: we measured ~2e-13; 1e-9 leaves room for BLAS differences.
            expect(Math.abs(res.fold_r2[i] - precise[i])).toBeLessThanOrEqual(1e-9);
          }
          expect(
            Math.abs(res.mean_r2 - bench[mode].tenants[name][key].mean_r2),
          ).toBeLessThanOrEqual(1e-6);
          if (phase === 1) expect(res.alphas).toEqual(full[mode][name].phase1.alphas);
          else expect(res.alphas).toEqual([1, 1, 1, 1, 1]);
        });
      }
    }
  });
}

describe('alpha search matches GridSearchCV inner scores', () => {
  for (const mode of ['nocal', 'cal'] as const) {
    it(`mean inner R² of every grid alpha within 1e-6 (${mode})`, () => {
      for (const name of PEER_TENANTS) {
        const series = loadPeerTenant(name);
        const design = buildDesign(series, {
          interactions: true,
          calendar: mode === 'cal',
          controls: false,
          dayOfWeek: 'always',
        });
        const fits = fitLinearFolds(design, series.target, timeSeriesFolds(1095, 5), {
          tuneAlpha: true,
        });
        fits.forEach((fit, i) => {
          const peer = full[mode][name].phase1.inner_mean_r2[i];
          expect(fit.alphaScores).toHaveLength(peer.length);
          // Small inner training sets (47 rows, alpha 0.01) are ill-conditioned: ~3e-9 measured.
          fit.alphaScores!.forEach((s, g) =>
            expect(Math.abs(s - peer[g])).toBeLessThanOrEqual(1e-6),
          );
        });
      }
    });
  }
});
