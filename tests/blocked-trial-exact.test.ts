/**
 * The blocked search's Schur-complement score (src/phases/blocked-trial.ts) runs independent sums
 * side by side (two segments' back solves, two rows of the forward and quadratic-form sums, four
 * group rows) for speed. Every value must still be the same sum in the same order, so each score
 * must equal, to the bit (Object.is), the plain computation: one segment, one row, one sum at a
 * time, as the module computed it before (written out below from its formulas and order). The
 * search's results then do not move (tests/search-fast-path.test.ts holds the whole search).
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../src/core/random.js';
import { standardScale } from '../src/core/standardize.js';
import {
  BlockedTrialSolver,
  savedSchurLength,
  type SegmentMoments,
  type TrialMoments,
} from '../src/phases/blocked-trial.js';

/** Centered per-segment moments of columns (coordinate-major, target last), as search.ts keeps them. */
function momentsOf(cols: Float64Array[], cuts: number[]): SegmentMoments & { cen: Float64Array[] } {
  const q = cols.length;
  const nSeg = cuts.length - 1;
  const segN = new Float64Array(nSeg);
  const segMean = new Float64Array(nSeg * q);
  const segCo = new Float64Array(nSeg * q * q);
  const cen = cols.map((c) => new Float64Array(c.length));
  for (let k = 0; k < nSeg; k++) {
    const [a, b] = [cuts[k], cuts[k + 1]];
    segN[k] = b - a;
    for (let j = 0; j < q; j++) {
      let s = 0;
      for (let t = a; t < b; t++) s += cols[j][t];
      const m = s / (b - a);
      segMean[k * q + j] = m;
      for (let t = a; t < b; t++) cen[j][t] = cols[j][t] - m;
    }
    for (let j = 0; j < q; j++) {
      for (let l = 0; l < q; l++) {
        let s = 0;
        for (let t = a; t < b; t++) s += cen[j][t] * cen[l][t];
        segCo[k * q * q + j * q + l] = s;
      }
    }
  }
  return { segN, segMean, segCo, cen };
}

/** The trial moments of group columns g placed at coordinates off.. (the rest from m). */
function trialOf(
  m: SegmentMoments & { cen: Float64Array[] },
  group: Float64Array[],
  off: number,
  cuts: number[],
): TrialMoments {
  const gm = momentsOf(group, cuts);
  const q = m.cen.length;
  const G = group.length;
  const nSeg = cuts.length - 1;
  const mean = new Float64Array(nSeg * G);
  const co = new Float64Array(nSeg * G * q);
  for (let k = 0; k < nSeg; k++) {
    for (let g = 0; g < G; g++) {
      mean[k * G + g] = gm.segMean[k * G + g];
      for (let j = 0; j < q; j++) {
        const other = j >= off && j < off + G ? gm.cen[j - off] : m.cen[j];
        let s = 0;
        for (let t = cuts[k]; t < cuts[k + 1]; t++) s += gm.cen[g][t] * other[t];
        co[(k * G + g) * q + j] = s;
      }
    }
  }
  return { mean, co };
}

/**
 * The plain score: per segment k in order, the Ridge of the other columns factored, the group
 * solved through its Schur complement, one column, row and sum at a time, then the held-out R².
 */
function plainScore(
  m: SegmentMoments,
  trial: TrialMoments,
  q: number,
  off: number,
  G: number,
  alpha: number,
  zero: number,
): number {
  const p = q - 1;
  const nSeg = m.segN.length;
  const oIdx: number[] = [];
  for (let j = 0; j < p; j++) if ((j < off || j >= off + G) && j !== zero) oIdx.push(j);
  const po = oIdx.length;
  const { segN, segCo } = m;
  const sm = Float64Array.from(m.segMean);
  for (let k = 0; k < nSeg; k++)
    for (let g = 0; g < G; g++) sm[k * q + off + g] = trial.mean[k * G + g];
  let n = 0;
  for (let k = 0; k < nSeg; k++) n += segN[k];
  const mean = new Float64Array(q);
  for (let j = 0; j < q; j++) {
    let s = 0;
    for (let k = 0; k < nSeg; k++) s += segN[k] * m.segMean[k * q + j];
    mean[j] = s / n;
  }
  for (let g = 0; g < G; g++) {
    let s = 0;
    for (let k = 0; k < nSeg; k++) s += segN[k] * trial.mean[k * G + g];
    mean[off + g] = s / n;
  }
  const co = (k: number, i: number, j: number): number => {
    const gi = i >= off && i < off + G;
    const gj = j >= off && j < off + G;
    if (gi) return trial.co[(k * G + i - off) * q + j];
    if (gj) return trial.co[(k * G + j - off) * q + i];
    return segCo[k * q * q + i * q + j];
  };
  // Total co-moments: the others' pairs as the solver's set-up sums them (lower coordinate
  // first: n_k d_i d_j is not n_k d_j d_i to the bit), the group's by segment.
  const totO = (i: number, j: number): number => {
    if (i > j) return totO(j, i);
    let s = 0;
    for (let k = 0; k < nSeg; k++)
      s +=
        co(k, i, j) + segN[k] * (m.segMean[k * q + i] - mean[i]) * (m.segMean[k * q + j] - mean[j]);
    return s;
  };
  const totG = (g: number, j: number): number => {
    let s = 0;
    for (let k = 0; k < nSeg; k++) {
      const a = segN[k] * (trial.mean[k * G + g] - mean[off + g]);
      s += co(k, off + g, j) + a * (sm[k * q + j] - mean[j]);
    }
    return s;
  };
  let sum = 0;
  for (let k = 0; k < nSeg; k++) {
    const nK = segN[k];
    const nR = n - nK;
    const w = (nR * nK) / n;
    const pm = new Float64Array(q);
    for (let j = 0; j < q; j++) pm[j] = (n * mean[j] - nK * m.segMean[k * q + j]) / nR;
    for (let g = 0; g < G; g++) pm[off + g] = (n * mean[off + g] - nK * sm[k * q + off + g]) / nR;
    const pcO = (i: number, j: number): number =>
      i > j
        ? pcO(j, i)
        : totO(i, j) -
          co(k, i, j) -
          (m.segMean[k * q + i] - pm[i]) * (m.segMean[k * q + j] - pm[j]) * w;
    const pcG = (g: number, j: number): number =>
      totG(g, j) -
      co(k, off + g, j) -
      (sm[k * q + off + g] - pm[off + g]) * w * (sm[k * q + j] - pm[j]);
    const sO = oIdx.map((j) => standardScale(pcO(j, j) / nR, pm[j], nR));
    // L L' = A_oo, u = L^-1 b_o.
    const L = new Float64Array(po * po);
    for (let a = 0; a < po; a++)
      for (let b = 0; b <= a; b++) L[a * po + b] = pcO(oIdx[a], oIdx[b]) / (sO[a] * sO[b]);
    for (let a = 0; a < po; a++) L[a * po + a] += alpha;
    cholesky(L, po);
    const u = oIdx.map((j, a) => pcO(j, p) / sO[a]);
    forward(L, po, u);
    const sG = Array.from({ length: G }, (_, g) =>
      standardScale(pcG(g, off + g) / nR, pm[off + g], nR),
    );
    const Z = Array.from({ length: G }, (_, g) => {
      const zg = oIdx.map((j, a) => pcG(g, j) / (sG[g] * sO[a]));
      forward(L, po, zg);
      return zg;
    });
    const S = new Float64Array(G * G);
    const r: number[] = [];
    for (let g = 0; g < G; g++) {
      for (let h = 0; h <= g; h++) {
        let s = pcG(g, off + h) / (sG[g] * sG[h]);
        for (let a = 0; a < po; a++) s -= Z[g][a] * Z[h][a];
        S[g * G + h] = s;
      }
      S[g * G + g] += alpha;
      let rg = pcG(g, p) / sG[g];
      for (let a = 0; a < po; a++) rg -= Z[g][a] * u[a];
      r.push(rg);
    }
    cholesky(S, G);
    const wG = Float64Array.from(r);
    forward(S, G, wG);
    backward(S, G, wG);
    const wO = new Float64Array(po);
    for (let a = 0; a < po; a++) {
      let s = u[a];
      for (let g = 0; g < G; g++) s -= Z[g][a] * wG[g];
      wO[a] = s;
    }
    backward(L, po, wO);
    for (let a = 0; a < po; a++) wO[a] /= sO[a];
    for (let g = 0; g < G; g++) wG[g] /= sG[g];
    let resMean = sm[k * q + p] - pm[p];
    let cross = 0;
    let quad = 0;
    for (let a = 0; a < po; a++) {
      resMean -= wO[a] * (sm[k * q + oIdx[a]] - pm[oIdx[a]]);
      cross += wO[a] * co(k, oIdx[a], p);
      let row = 0;
      for (let b = 0; b < a; b++) row += co(k, oIdx[a], oIdx[b]) * wO[b];
      quad += wO[a] * (2 * row + co(k, oIdx[a], oIdx[a]) * wO[a]);
    }
    for (let g = 0; g < G; g++) {
      resMean -= wG[g] * (sm[k * q + off + g] - pm[off + g]);
      cross += wG[g] * co(k, off + g, p);
      let mixed = 0;
      for (let a = 0; a < po; a++) mixed += co(k, off + g, oIdx[a]) * wO[a];
      let own = 0;
      for (let h = 0; h < G; h++) own += co(k, off + g, off + h) * wG[h];
      quad += wG[g] * (2 * mixed + own);
    }
    const ssTot = segCo[k * q * q + p * q + p];
    const ssRes = Math.max(0, ssTot - 2 * cross + quad + nK * resMean * resMean);
    sum += ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot;
  }
  return sum / nSeg;
}

function cholesky(a: Float64Array, m: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * m + j];
      for (let k = 0; k < j; k++) s -= a[i * m + k] * a[j * m + k];
      a[i * m + j] = i === j ? Math.sqrt(s) : s / a[j * m + j];
    }
  }
}

function forward(l: Float64Array, m: number, v: number[] | Float64Array): void {
  for (let i = 0; i < m; i++) {
    let s = v[i];
    for (let k = 0; k < i; k++) s -= l[i * m + k] * v[k];
    v[i] = s / l[i * m + i];
  }
}

function backward(l: Float64Array, m: number, v: Float64Array): void {
  for (let i = m - 1; i >= 0; i--) {
    let s = v[i];
    for (let k = i + 1; k < m; k++) s -= l[k * m + i] * v[k];
    v[i] = s / l[i * m + i];
  }
}

describe('blocked Schur score: the same bits as the plain computation', () => {
  const rng = new SeededRandom(20261201);
  const T = 211;
  // Segments of unequal length, as floor(k T / blocks) gives them, and an odd count (7) so that
  // one back solve runs without a partner.
  const cutsOf = (blocks: number): number[] =>
    Array.from({ length: blocks + 1 }, (_, k) => Math.floor((k * T) / blocks));
  const column = (): Float64Array => Float64Array.from({ length: T }, () => rng.normal(0, 1));

  for (const { fixed, G, blocks, zero } of [
    { fixed: 16, G: 4, blocks: 8, zero: false },
    { fixed: 13, G: 4, blocks: 7, zero: true },
    { fixed: 11, G: 3, blocks: 8, zero: false },
    { fixed: 7, G: 1, blocks: 5, zero: true },
  ]) {
    it(`${fixed} other columns, a group of ${G}, ${blocks} blocks${zero ? ', a zero column' : ''}`, () => {
      // Other columns (one all zero when asked), the current group, the target last.
      const others = Array.from({ length: fixed }, (_, j) =>
        zero && j === 2 ? new Float64Array(T) : column(),
      );
      const group = Array.from({ length: G }, column);
      const y = Float64Array.from(
        { length: T },
        (_, t) => others[0][t] - 0.5 * group[0][t] + rng.normal(0, 1),
      );
      const cols = [...others, ...group, y];
      const q = cols.length;
      const off = fixed;
      const cuts = cutsOf(blocks);
      const m = momentsOf(cols, cuts);
      const solver = new BlockedTrialSolver(m, q, off, G, 1, zero ? 2 : -1);
      expect(solver.usable).toBe(true);
      const scores: number[] = [];
      for (let c = 0; c < 6; c++) {
        const cand = Array.from({ length: G }, (_, g) =>
          Float64Array.from(
            group[g],
            (v, t) => Math.abs(v) ** (0.5 + 0.25 * c) + 0.1 * c * others[1][t],
          ),
        );
        const trial = trialOf(m, cand, off, cuts);
        const fast = solver.score(trial);
        const plain = plainScore(m, trial, q, off, G, 1, zero ? 2 : -1);
        expect(fast).not.toBeNull();
        expect(Object.is(fast, plain)).toBe(true);
        // Saved parts (the first 4 other columns stable): filled, then read back, same bits.
        const saved = { stable: 4, data: null, ready: false };
        expect(Object.is(solver.score(trial, saved), plain)).toBe(true);
        expect(saved.ready).toBe(true);
        expect((saved.data as Float64Array | null)?.length).toBe(savedSchurLength(blocks, G, 4));
        expect(Object.is(solver.score(trial, saved), plain)).toBe(true);
        scores.push(plain);
      }
      // The candidates differ (not one number compared with itself).
      expect(new Set(scores).size).toBe(scores.length);
      // Pointed at another group (the last G other columns; the zero column stays out), the
      // solver scores as a new one does and as the plain computation does.
      const off2 = fixed - G;
      expect(solver.retarget(off2, zero ? 2 : -1)).toBe(true);
      const fresh = new BlockedTrialSolver(m, q, off2, G, 1, zero ? 2 : -1);
      const cand2 = Array.from({ length: G }, (_, g) =>
        Float64Array.from(others[off2 + g], (v) => Math.abs(v) ** 0.75),
      );
      const trial2 = trialOf(m, cand2, off2, cuts);
      const plain2 = plainScore(m, trial2, q, off2, G, 1, zero ? 2 : -1);
      expect(Object.is(solver.score(trial2), plain2)).toBe(true);
      expect(Object.is(fresh.score(trial2), plain2)).toBe(true);
      expect(scores).not.toContain(plain2);
      // A group whose other columns number differently is refused.
      expect(solver.retarget(off2, zero ? -1 : 2)).toBe(false);
    });
  }
});
