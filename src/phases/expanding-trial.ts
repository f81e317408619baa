/**
 * Expanding-window scores of one channel group's candidates (search.ts), bit for bit as the full
 * computation per candidate.
 *
 * The search's expanding score of a candidate is the mean, over the inner folds f, of the R² on
 * fold f's validation segment of the standardized Ridge fitted on its training segments (a
 * prefix of the segments, merged by Chan, Golub & LeVeque). During one coordinate step only the G
 * columns of the searched channel change. Every number the full computation derives from the
 * other columns alone is the same for every candidate of the step, and is computed once here
 * (prepare), by the same operations in the same order:
 *   - the merged training means and co-moments of the other columns, and each merge step's mean
 *     deviations of them (what the group's merged co-moments read);
 *   - their training scales, their standardized Gram entries and right-hand sides;
 *   - the Cholesky rows and forward-solved right-hand side of the coordinates before the group
 *     (Cholesky-Banachiewicz computes row i from rows 0..i alone, so those rows do not depend on
 *     the group, which comes after them).
 * A candidate then merges its group's moments, builds the Gram rows from the group on, factors
 * those rows, finishes the forward solve, back-solves every coefficient and scores the
 * validation segment: O(G q) per merge and O(G off^2 + p^2) per fold instead of O(q^2) and
 * O(p^3). Each value is the same expression of the same inputs as in the full computation
 * (GroupScorer.score with expandingTrials false, tests/search-fast-path.test.ts), so the scores,
 * and the search, are the same to the bit.
 */
import { standardScale } from '../core/standardize.js';
import type { SegmentMoments, TrialMoments } from './blocked-trial.js';

/** An inner fold as GroupScorer keeps it: its training segments are the first trainCount. */
export interface SegmentFold {
  trainCount: number;
  /** Validation segments (this solver serves folds with exactly one). */
  valid: readonly number[];
}

export class ExpandingTrialSolver {
  private readonly p: number;
  private readonly nSeg: number;
  /** Per merge step m >= 1: segment m's mean minus the running mean of segments 0..m-1 (q each). */
  private readonly stepDev: Float64Array;
  // Per fold f (p or q or p x p each, at f times that size):
  private readonly foldN: Float64Array;
  private readonly foldMean: Float64Array;
  private readonly foldScale: Float64Array;
  /** Standardized Gram entries of the other columns (lower triangle, alpha on the diagonal). */
  private readonly foldGram: Float64Array;
  /** Rows before the group: the Cholesky factor; rows from the group on: scratch. */
  private readonly foldChol: Float64Array;
  /** Before the group: the forward-solved right-hand side; other columns after it: the raw one. */
  private readonly foldRhs: Float64Array;
  /** False when the factor of the rows before the group failed (the fold scores -Infinity). */
  private readonly foldLeadOk: Uint8Array;
  // Candidate work buffers.
  private readonly gMean: Float64Array;
  private readonly gCo: Float64Array;
  private readonly dG: Float64Array;
  private readonly sc: Float64Array;
  private readonly b: Float64Array;
  private readonly rowSum: Float64Array;

  constructor(
    private readonly m: SegmentMoments,
    private readonly folds: readonly SegmentFold[],
    private readonly q: number,
    private readonly off: number,
    private readonly G: number,
    private readonly alpha: number,
  ) {
    this.p = q - 1;
    this.nSeg = m.segN.length;
    const { p, nSeg } = this;
    const F = folds.length;
    this.stepDev = new Float64Array(nSeg * q);
    this.foldN = new Float64Array(F);
    this.foldMean = new Float64Array(F * q);
    this.foldScale = new Float64Array(F * p);
    this.foldGram = new Float64Array(F * p * p);
    this.foldChol = new Float64Array(F * p * p);
    this.foldRhs = new Float64Array(F * p);
    this.foldLeadOk = new Uint8Array(F);
    this.gMean = new Float64Array(G);
    this.gCo = new Float64Array(G * q);
    this.dG = new Float64Array(G);
    this.sc = new Float64Array(p);
    this.b = new Float64Array(p);
    this.rowSum = new Float64Array(p);
    this.prepare();
  }

  /** True when coordinate j belongs to the group. */
  private inGroup(j: number): boolean {
    return j >= this.off && j < this.off + this.G;
  }

  /** The candidate-independent parts (module comment), as GroupScorer.score computes them. */
  private prepare(): void {
    const { q, p, off, alpha, folds } = this;
    const { segN, segMean, segCo } = this.m;
    const qq = q * q;
    const outMean = new Float64Array(q);
    const outCo = new Float64Array(qq);
    let n = 0;
    let merged = 0;
    folds.forEach((fold, f) => {
      // The merges of search.ts mergeInto (every entry; the group's are not used).
      for (; merged < fold.trainCount; merged++) {
        const k = merged;
        const nB = segN[k];
        const mB = k * q;
        const cB = k * qq;
        if (n === 0) {
          for (let j = 0; j < q; j++) outMean[j] = segMean[mB + j];
          for (let i = 0; i < qq; i++) outCo[i] = segCo[cB + i];
          n = nB;
          continue;
        }
        const nTot = n + nB;
        const w = (n * nB) / nTot;
        for (let j = 0; j < q; j++) this.stepDev[mB + j] = segMean[mB + j] - outMean[j];
        for (let j = 0; j < q; j++) {
          const dj = segMean[mB + j] - outMean[j];
          for (let l = j; l < q; l++) {
            const v =
              outCo[j * q + l] + segCo[cB + j * q + l] + dj * (segMean[mB + l] - outMean[l]) * w;
            outCo[j * q + l] = v;
            outCo[l * q + j] = v;
          }
        }
        for (let j = 0; j < q; j++) outMean[j] += ((segMean[mB + j] - outMean[j]) * nB) / nTot;
        n = nTot;
      }
      this.foldN[f] = n;
      this.foldMean.set(outMean, f * q);
      // search.ts foldR2, for the other columns.
      const s = this.foldScale.subarray(f * p, (f + 1) * p);
      for (let j = 0; j < p; j++)
        if (!this.inGroup(j)) s[j] = standardScale(outCo[j * q + j] / n, outMean[j], n);
      const gram = this.foldGram.subarray(f * p * p, (f + 1) * p * p);
      const rhs = this.foldRhs.subarray(f * p, (f + 1) * p);
      for (let j = 0; j < p; j++) {
        if (this.inGroup(j)) continue;
        for (let l = 0; l <= j; l++)
          if (!this.inGroup(l)) gram[j * p + l] = outCo[j * q + l] / (s[j] * s[l]);
        gram[j * p + j] += alpha;
        rhs[j] = outCo[j * q + p] / s[j];
      }
      // Cholesky rows and forward solve before the group (linalg.ts choleskyInPlace and
      // choleskySolveInPlace, their first `off` rows).
      const l = this.foldChol.subarray(f * p * p, (f + 1) * p * p);
      let ok = true;
      for (let i = 0; i < off && ok; i++) {
        const ri = i * p;
        for (let j = 0; j <= i; j++) {
          const rj = j * p;
          let v = gram[ri + j];
          for (let k = 0; k < j; k++) v -= l[ri + k] * l[rj + k];
          if (i === j) {
            if (!(v > 0)) {
              ok = false;
              break;
            }
            l[ri + i] = Math.sqrt(v);
          } else {
            l[ri + j] = v / l[rj + j];
          }
        }
      }
      this.foldLeadOk[f] = ok ? 1 : 0;
      if (ok) {
        for (let i = 0; i < off; i++) {
          const ri = i * p;
          let v = rhs[i];
          for (let k = 0; k < i; k++) v -= l[ri + k] * rhs[k];
          rhs[i] = v / l[ri + i];
        }
      }
    });
  }

  /** Mean inner-fold R² with the candidate group in place (GroupScorer.score's value). */
  score(trial: TrialMoments): number {
    const { q, off, G, folds, gMean, gCo, dG } = this;
    const { segN } = this.m;
    const tm = trial.mean;
    const tc = trial.co;
    let n = 0;
    let merged = 0;
    let sum = 0;
    for (let f = 0; f < folds.length; f++) {
      const fold = folds[f];
      // The group's merged training moments (mergeInto's expression for every pair with a
      // group coordinate: (C + C_k) + d_j d_l w, d = segment mean - running mean).
      for (; merged < fold.trainCount; merged++) {
        const k = merged;
        const nB = segN[k];
        if (n === 0) {
          for (let g = 0; g < G; g++) {
            gMean[g] = tm[k * G + g];
            const row = (k * G + g) * q;
            for (let j = 0; j < q; j++) gCo[g * q + j] = tc[row + j];
          }
          n = nB;
          continue;
        }
        const nTot = n + nB;
        const w = (n * nB) / nTot;
        const dev = k * q;
        for (let g = 0; g < G; g++) dG[g] = tm[k * G + g] - gMean[g];
        for (let g = 0; g < G; g++) {
          const dg = dG[g];
          const row = (k * G + g) * q;
          const o = g * q;
          for (let j = 0; j < off; j++)
            gCo[o + j] = gCo[o + j] + tc[row + j] + dg * this.stepDev[dev + j] * w;
          for (let h = 0; h < G; h++) {
            const j = off + h;
            gCo[o + j] = gCo[o + j] + tc[row + j] + dg * dG[h] * w;
          }
          for (let j = off + G; j < q; j++)
            gCo[o + j] = gCo[o + j] + tc[row + j] + dg * this.stepDev[dev + j] * w;
        }
        for (let g = 0; g < G; g++) gMean[g] += ((tm[k * G + g] - gMean[g]) * nB) / nTot;
        n = nTot;
      }
      sum += this.foldScore(f, n, tm, tc);
    }
    return sum / folds.length;
  }

  /** search.ts foldR2 of fold f with the group's merged moments in gMean, gCo. */
  private foldScore(f: number, nP: number, tm: Float64Array, tc: Float64Array): number {
    const { q, p, off, G, alpha, gMean, gCo, sc, b } = this;
    const { segN, segMean, segCo } = this.m;
    const end = off + G;
    const fs = f * p;
    for (let j = 0; j < p; j++) sc[j] = this.foldScale[fs + j];
    for (let g = 0; g < G; g++)
      sc[off + g] = standardScale(gCo[g * q + off + g] / nP, gMean[g], nP);
    if (this.foldLeadOk[f] === 0) return Number.NEGATIVE_INFINITY;
    const gram = this.foldGram;
    const l = this.foldChol;
    const base = f * p * p;
    // Gram rows from the group on, then their Cholesky rows (choleskyInPlace's row step).
    for (let i = off; i < p; i++) {
      const ri = base + i * p;
      if (i < end) {
        const o = (i - off) * q;
        for (let j = 0; j <= i; j++) l[ri + j] = gCo[o + j] / (sc[i] * sc[j]);
        l[ri + i] += alpha;
      } else {
        for (let j = 0; j <= i; j++) {
          l[ri + j] = j >= off && j < end ? gCo[(j - off) * q + i] / (sc[i] * sc[j]) : gram[ri + j];
        }
      }
      // Entries j and j + 1 share one pass over k < j (two independent sums, each in its own
      // order); j + 1 then takes its k = j term from the finished entry j.
      let j = 0;
      for (; j + 1 < i; j += 2) {
        const rj = base + j * p;
        const rj1 = rj + p;
        let v0 = l[ri + j];
        let v1 = l[ri + j + 1];
        for (let k = 0; k < j; k++) {
          const x = l[ri + k];
          v0 -= x * l[rj + k];
          v1 -= x * l[rj1 + k];
        }
        const lij = v0 / l[rj + j];
        l[ri + j] = lij;
        v1 -= lij * l[rj1 + j];
        l[ri + j + 1] = v1 / l[rj1 + j + 1];
      }
      for (; j < i; j++) {
        const rj = base + j * p;
        let v = l[ri + j];
        for (let k = 0; k < j; k++) v -= l[ri + k] * l[rj + k];
        l[ri + j] = v / l[rj + j];
      }
      let d = l[ri + i];
      for (let k = 0; k < i; k++) d -= l[ri + k] * l[ri + k];
      if (!(d > 0)) return Number.NEGATIVE_INFINITY;
      l[ri + i] = Math.sqrt(d);
    }
    // Right-hand side: forward-solved before the group; the rest, then the forward solve there.
    for (let i = 0; i < p; i++) b[i] = this.foldRhs[fs + i];
    for (let g = 0; g < G; g++) b[off + g] = gCo[g * q + p] / sc[off + g];
    for (let i = off; i < p; i++) {
      const ri = base + i * p;
      let v = b[i];
      for (let k = 0; k < i; k++) v -= l[ri + k] * b[k];
      b[i] = v / l[ri + i];
    }
    for (let i = p - 1; i >= 0; i--) {
      let v = b[i];
      for (let k = i + 1; k < p; k++) v -= l[base + k * p + i] * b[k];
      b[i] = v / l[base + i * p + i];
    }
    for (let j = 0; j < p; j++) b[j] /= sc[j];
    // Held-out R² on the validation segment (foldR2), its moments read in place.
    const k = this.folds[f].valid[0];
    const nV = segN[k];
    const vm = k * q;
    const vc = k * q * q;
    const pm = this.foldMean;
    const fm = f * q;
    // Rows of C w (each sum in its own order), two rows outside the group per pass.
    const rows = this.rowSum;
    const outside = (j: number): boolean => j < off || j >= end;
    for (let j = 0; j < p;) {
      if (b[j] === 0) {
        j++;
        continue;
      }
      if (outside(j) && j + 1 < p && outside(j + 1) && b[j + 1] !== 0) {
        const r0 = vc + j * q;
        const r1 = r0 + q;
        let row0 = 0;
        let row1 = 0;
        for (let h = 0; h < off; h++) {
          const bh = b[h];
          row0 += segCo[r0 + h] * bh;
          row1 += segCo[r1 + h] * bh;
        }
        for (let g = 0; g < G; g++) {
          const tr = (k * G + g) * q;
          const bg = b[off + g];
          row0 += tc[tr + j] * bg;
          row1 += tc[tr + j + 1] * bg;
        }
        for (let h = end; h < p; h++) {
          const bh = b[h];
          row0 += segCo[r0 + h] * bh;
          row1 += segCo[r1 + h] * bh;
        }
        rows[j] = row0;
        rows[j + 1] = row1;
        j += 2;
        continue;
      }
      let row = 0;
      if (!outside(j)) {
        const tr = (k * G + j - off) * q;
        for (let h = 0; h < p; h++) row += tc[tr + h] * b[h];
      } else {
        const r = vc + j * q;
        for (let h = 0; h < off; h++) row += segCo[r + h] * b[h];
        for (let g = 0; g < G; g++) row += tc[(k * G + g) * q + j] * b[off + g];
        for (let h = end; h < p; h++) row += segCo[r + h] * b[h];
      }
      rows[j] = row;
      j++;
    }
    let resMean = segMean[vm + p] - pm[fm + p];
    let cross = 0;
    let quad = 0;
    for (let j = 0; j < p; j++) {
      const wj = b[j];
      if (wj === 0) continue;
      if (!outside(j)) {
        const g = j - off;
        resMean -= wj * (tm[k * G + g] - gMean[g]);
        cross += wj * tc[(k * G + g) * q + p];
      } else {
        const r = vc + j * q;
        resMean -= wj * (segMean[vm + j] - pm[fm + j]);
        cross += wj * segCo[r + p];
      }
      quad += wj * rows[j];
    }
    const ssTot = segCo[vc + p * q + p];
    const ssRes = Math.max(0, ssTot - 2 * cross + quad + nV * resMean * resMean);
    if (ssTot === 0) return ssRes === 0 ? 1 : 0;
    return 1 - ssRes / ssTot;
  }
}
