/**
 * Fast blocked-CV scores of one channel group's candidates (search.ts), by a Schur complement.
 *
 * The search's blocked score of a candidate is the mean, over the held-out segments k, of the R²
 * on segment k of the standardized Ridge fitted on all other segments. During one coordinate step
 * only the G columns of the searched channel change (its transformed spend and its spend x
 * weather); the other p_o = p - G columns, their scales and the target are the same for every
 * candidate. So per segment k the Ridge system of the other columns,
 *   A_oo = C_oo / (s_o s_o') + alpha I = L L',   u = L^-1 (C_oy / s_o),
 * is factored once per step (prepare), and each candidate solves the bordered system
 *   [A_oo A_og; A_go A_gg] [w_o; w_g] = [b_o; b_g]
 * through the Schur complement of its group (score):
 *   Z = L^-1 A_og,  S = A_gg - Z'Z,  S w_g = b_g - Z'u,  L' w_o = u - Z w_g,
 * in O(p_o^2 G) per segment instead of the O(p^3) of a fresh Cholesky of the whole system.
 * Mathematically the same solution (the block LDL' factorization of the same matrix); rounding
 * differs in the last digits (tests/search-fast-path.test.ts holds both paths to 1e-9).
 *
 * Moments follow search.ts: per segment centered means and co-moments of every coordinate (the
 * fixed and channel columns, the target last); training moments of segment k's fold are the
 * moments of all rows minus segment k's (Chan, Golub & LeVeque's merge, inverted).
 */
import { standardScale } from '../core/standardize.js';

/** Per-segment moments as GroupScorer keeps them (coordinate-major, q coordinates, target last). */
export interface SegmentMoments {
  /** Rows per segment. */
  segN: Float64Array;
  /** Per segment: means (q each). */
  segMean: Float64Array;
  /** Per segment: full symmetric co-moments (q x q each). */
  segCo: Float64Array;
}

/** One candidate group: per segment its G means and its co-moments against all q coordinates. */
export interface TrialMoments {
  /** trialMean[k G + g]. */
  mean: Float64Array;
  /** trialCo[(k G + g) q + j]; for j inside the group, the co-moment with trial column j - off. */
  co: Float64Array;
}

/**
 * What score() keeps of one candidate for a later solver of the same search whose first `stable`
 * other coordinates are the same columns (the reduced search's fixed columns, whatever the other
 * channels do): per segment the group's training scales, Z's rows for those coordinates, and the
 * Schur complement and right-hand side with those rows subtracted. Reusing them performs the rest
 * of each sum in the same order, so the score is the same to the bit.
 */
export interface SavedSchur {
  /** Leading other coordinates whose columns every solver this is used with shares. */
  readonly stable: number;
  /**
   * Per segment: sG (G), Z rows (G x stable), partial S (G x G), partial r (G), of length
   * savedSchurLength (allocated by score when null).
   */
  data: Float64Array | null;
  /** True once a score filled every segment. */
  ready: boolean;
}

/** Length of SavedSchur.data for segments, group size G and `stable` coordinates. */
export function savedSchurLength(segments: number, G: number, stable: number): number {
  return segments * G * (2 + stable + G);
}

/**
 * `zero`, when given, is a coordinate whose column is zero on every row (the reduced search's
 * visited channel): it is left out of the other columns. Its co-moments, its Cholesky row and its
 * coefficient are exact zeros, so every sum it would enter only adds +0: the scores are the same
 * to the bit as with the column in the system.
 */
export class BlockedTrialSolver {
  private readonly nSeg: number;
  private readonly p: number;
  private readonly po: number;
  /** Coordinates of the other columns (all but the group and the zero column), in order. */
  private oIdx: Int32Array;
  /** Every coordinate, in order. */
  private readonly allIdx: Int32Array;
  private n = 0;
  /** Overall means of every coordinate (the group's entries unused). */
  private readonly totMean: Float64Array;
  // Per segment k, for the other columns (compact, p_o) and the target:
  private readonly chol: Float64Array; // L of A_oo, p_o x p_o
  private readonly cholT: Float64Array; // L' (rows of L' are read in order by the back solve)
  private readonly u: Float64Array; // L^-1 b_o
  private readonly sO: Float64Array; // training scales
  private readonly pmAll: Float64Array; // training means of all q coordinates (group unused)
  /**
   * False when some segment's system of the other columns is degenerate (see CANCELLED) or not
   * positive definite: the caller then scores by refitting the whole system, as before.
   */
  usable = true;
  private readonly vcOO: Float64Array; // segment k's co-moments among the others
  private readonly vcOY: Float64Array; // segment k's co-moments others x target
  // Candidate work buffers.
  private readonly tot: Float64Array; // G x q total co-moments of the group
  /** G x q training co-moments of the group (segment k out): its own and the target's entries. */
  private readonly pcG: Float64Array;
  /** Per group member: its held-out mean's deviation from its training mean, times n_R n_k / n. */
  private readonly dgAll: Float64Array;
  private readonly sG: Float64Array;
  private readonly z: Float64Array; // G x p_o
  private readonly schur: Float64Array; // G x G
  private readonly rG: Float64Array;
  /** Per segment: the others' coefficients (p_o each), the group's (G) and training means (G). */
  private readonly wOAll: Float64Array;
  private readonly wGAll: Float64Array;
  private readonly pmGAll: Float64Array;
  /** Scratch: a segment's group rows of C times the others' coefficients (G). */
  private readonly mixed: Float64Array;
  private readonly segMeanAll: Float64Array;
  /** Scratch: per coordinate, a segment's mean minus the overall or training mean. */
  private readonly dev: Float64Array;

  constructor(
    private readonly m: SegmentMoments,
    private readonly q: number,
    private off: number,
    private readonly G: number,
    private readonly alpha: number,
    zero = -1,
  ) {
    this.nSeg = m.segN.length;
    this.p = q - 1;
    this.oIdx = othersOf(this.p, off, G, zero);
    this.po = this.oIdx.length;
    const { nSeg, po } = this;
    this.allIdx = Int32Array.from({ length: q }, (_, j) => j);
    this.totMean = new Float64Array(q);
    this.chol = new Float64Array(nSeg * po * po);
    this.cholT = new Float64Array(nSeg * po * po);
    this.dev = new Float64Array(q);
    this.u = new Float64Array(nSeg * po);
    this.sO = new Float64Array(nSeg * po);
    this.pmAll = new Float64Array(nSeg * q);
    this.vcOO = new Float64Array(nSeg * po * po);
    this.vcOY = new Float64Array(nSeg * po);
    this.tot = new Float64Array(G * q);
    this.pcG = new Float64Array(G * q);
    this.dgAll = new Float64Array(G);
    this.sG = new Float64Array(G);
    this.z = new Float64Array(G * po);
    this.schur = new Float64Array(G * G);
    this.rG = new Float64Array(G);
    this.wOAll = new Float64Array(nSeg * po);
    this.wGAll = new Float64Array(nSeg * G);
    this.pmGAll = new Float64Array(nSeg * G);
    this.mixed = new Float64Array(G);
    this.segMeanAll = new Float64Array(nSeg * q);
    this.prepare();
  }

  /**
   * Points this solver at the group at `off` (zero column `zero`) of the current moments, reusing
   * its buffers (a phase-3 search makes one per coordinate step: ~150 KB each at 10 channels, and
   * their collection was a measurable part of the run). Every value that prepare and score read
   * is written again first, so it scores as a new solver does. False, and nothing changed, when
   * the number of other columns differs.
   */
  retarget(off: number, zero = -1): boolean {
    const oIdx = othersOf(this.p, off, this.G, zero);
    if (oIdx.length !== this.po) return false;
    this.off = off;
    this.oIdx = oIdx;
    this.usable = true;
    this.prepare();
    return true;
  }

  /** Factors every segment's Ridge system of the other columns (the current moments). */
  private prepare(): void {
    const { q, p, po, nSeg, oIdx, alpha } = this;
    const { segN, segMean, segCo } = this.m;
    let n = 0;
    for (let k = 0; k < nSeg; k++) n += segN[k];
    this.n = n;
    const mean = this.totMean;
    for (let j = 0; j < q; j++) {
      let s = 0;
      for (let k = 0; k < nSeg; k++) s += segN[k] * segMean[k * q + j];
      mean[j] = s / n;
    }
    // Total co-moments of the other columns and the target (compact: p_o + 1 coordinates).
    const r = po + 1;
    const idx = Int32Array.from([...oIdx, p]);
    const tot = new Float64Array(r * r);
    for (let a = 0; a < r; a++) {
      const ja = idx[a];
      for (let b = a; b < r; b++) {
        const jb = idx[b];
        let s = 0;
        for (let k = 0; k < nSeg; k++) {
          const mk = k * q;
          s +=
            segCo[k * q * q + ja * q + jb] +
            segN[k] * (segMean[mk + ja] - mean[ja]) * (segMean[mk + jb] - mean[jb]);
        }
        tot[a * r + b] = s;
        tot[b * r + a] = s;
      }
    }
    const pc = new Float64Array(r * r);
    for (let k = 0; k < nSeg; k++) {
      const nK = segN[k];
      const nR = n - nK;
      const mK = k * q;
      const cK = k * q * q;
      const pm = this.pmAll.subarray(k * q, (k + 1) * q);
      for (let j = 0; j < q; j++) pm[j] = (n * mean[j] - nK * segMean[mK + j]) / nR;
      const w = (nR * nK) / n;
      for (let a = 0; a < r; a++) {
        const ja = idx[a];
        const da = segMean[mK + ja] - pm[ja];
        for (let b = a; b < r; b++) {
          const jb = idx[b];
          const v = tot[a * r + b] - segCo[cK + ja * q + jb] - da * (segMean[mK + jb] - pm[jb]) * w;
          pc[a * r + b] = v;
          pc[b * r + a] = v;
        }
      }
      const s = this.sO.subarray(k * po, (k + 1) * po);
      for (let a = 0; a < po; a++) s[a] = standardScale(pc[a * r + a] / nR, pm[oIdx[a]], nR);
      const l = this.chol.subarray(k * po * po, (k + 1) * po * po);
      const u = this.u.subarray(k * po, (k + 1) * po);
      const vc = this.vcOO.subarray(k * po * po, (k + 1) * po * po);
      for (let a = 0; a < po; a++) {
        for (let b = 0; b < po; b++) {
          vc[a * po + b] = segCo[cK + oIdx[a] * q + oIdx[b]];
          if (b <= a) l[a * po + b] = pc[a * r + b] / (s[a] * s[b]);
        }
        l[a * po + a] += alpha;
        u[a] = pc[a * r + po] / s[a];
        this.vcOY[k * po + a] = segCo[cK + oIdx[a] * q + p];
      }
      for (let a = 0; a <= po; a++)
        if (cancelled(pc[a * r + a], tot[a * r + a])) this.usable = false;
      if (!choleskyLower(l, po)) this.usable = false;
      if (!this.usable) return;
      const lt = this.cholT.subarray(k * po * po, (k + 1) * po * po);
      for (let a = 0; a < po; a++) for (let b = 0; b <= a; b++) lt[b * po + a] = l[a * po + b];
      forwardSolve(l, 0, po, u, 0);
    }
  }

  /**
   * Mean over the segments of the held-out R² with the candidate group in place; null when a
   * group column is degenerate on some segment's training rows (see CANCELLED) or the bordered
   * system is not positive definite, where the caller refits the whole system instead.
   */
  score(trial: TrialMoments, saved?: SavedSchur): number | null {
    const { q, p, po, nSeg, G, off, oIdx, n, alpha } = this;
    // Saved parts of an earlier score of this candidate (see SavedSchur): with `reuse` only the
    // other coordinates from `lead` on are computed here.
    const reuse = saved?.ready === true;
    const lead = saved ? saved.stable : 0;
    if (lead > po) throw new RangeError(`${lead} stable columns but only ${po} other columns`);
    const per = G * (2 + lead + G);
    if (saved && saved.data === null)
      saved.data = new Float64Array(savedSchurLength(nSeg, G, lead));
    const keep = saved?.data ?? null;
    // Coordinates whose group co-moments are needed: all (cols[0, q)), or on reuse the others
    // from lead on (cols[lead, po)).
    const cols = reuse ? oIdx : this.allIdx;
    const first = reuse ? lead : 0;
    const to = reuse ? po : q;
    const { segN, segCo } = this.m;
    const { tot, pcG, sG, z, schur, rG, chol, u, sO, vcOO, vcOY, pmAll } = this;
    const { wOAll, wGAll, pmGAll, dgAll } = this;
    const tm = trial.mean;
    const tc = trial.co;
    // Segment means of every coordinate with the group's from the trial, and overall means.
    const sm = this.segMeanAll;
    sm.set(this.m.segMean);
    for (let k = 0; k < nSeg; k++) for (let g = 0; g < G; g++) sm[k * q + off + g] = tm[k * G + g];
    const mean = this.totMean;
    for (let g = 0; g < G; g++) {
      let s = 0;
      for (let k = 0; k < nSeg; k++) s += segN[k] * tm[k * G + g];
      mean[off + g] = s / n;
    }
    // Total co-moments of the group against every coordinate (Chan's merge of all segments):
    // tot[g][j] = sum over k, in order, of C_k[g][j] + n_k (mean_k[g] - mean[g]) (mean_k[j] - mean[j]),
    // accumulated segment by segment so that each segment's rows are read in order. (Without
    // reuse the coordinates are all of [0, q), read without the index array.)
    const dev = this.dev;
    if (reuse) {
      for (let g = 0; g < G; g++) for (let i = first; i < to; i++) tot[g * q + cols[i]] = 0;
    } else tot.fill(0);
    for (let k = 0; k < nSeg; k++) {
      const mk = k * q;
      if (reuse) {
        for (let i = first; i < to; i++) {
          const j = cols[i];
          dev[j] = sm[mk + j] - mean[j];
        }
      } else for (let j = 0; j < q; j++) dev[j] = sm[mk + j] - mean[j];
      for (let g = 0; g < G; g++) {
        const a = segN[k] * (tm[k * G + g] - mean[off + g]);
        const row = (k * G + g) * q;
        const tg = g * q;
        if (reuse) {
          for (let i = first; i < to; i++) {
            const j = cols[i];
            tot[tg + j] += tc[row + j] + a * dev[j];
          }
        } else for (let j = 0; j < q; j++) tot[tg + j] += tc[row + j] + a * dev[j];
      }
    }
    // First pass over the segments: each segment's Ridge solution up to the back solve of the
    // other columns (wOAll holds the right-hand side u - Z w_g, wGAll the group's coefficients,
    // scaled, and pmGAll the group's training means).
    for (let k = 0; k < nSeg; k++) {
      const nK = segN[k];
      const nR = n - nK;
      const w = (nR * nK) / n;
      const mK = k * q;
      const kG = k * G;
      for (let g = 0; g < G; g++) pmGAll[kG + g] = (n * mean[off + g] - nK * sm[mK + off + g]) / nR;
      // Training co-moments of the group (segment k out) against every coordinate; the training
      // means of the other coordinates are pmAll's, the group's pmG.
      if (reuse) {
        for (let i = first; i < to; i++) {
          const j = cols[i];
          dev[j] = sm[mK + j] - pmAll[mK + j];
        }
      } else {
        for (let j = 0; j < q; j++) dev[j] = sm[mK + j] - pmAll[mK + j];
        for (let g = 0; g < G; g++) dev[off + g] = sm[mK + off + g] - pmGAll[kG + g];
      }
      // Those against the group itself and the target here (the scales, S and r read them);
      // those against the other columns as Z is filled below (the same value, not stored).
      for (let g = 0; g < G; g++) {
        const dg = (sm[mK + off + g] - pmGAll[kG + g]) * w;
        dgAll[g] = dg;
        if (reuse) continue;
        const row = (k * G + g) * q;
        const pg = g * q;
        for (let j = off; j < off + G; j++) pcG[pg + j] = tot[pg + j] - tc[row + j] - dg * dev[j];
        pcG[pg + p] = tot[pg + p] - tc[row + p] - dg * dev[p];
      }
      // Saved parts of segment k: sG at ks, Z's leading rows at kz, S at kS, r at kr.
      const ks = k * per;
      const kz = ks + G;
      const kS = kz + G * lead;
      const kr = kS + G * G;
      if (reuse && keep) {
        for (let g = 0; g < G; g++) sG[g] = keep[ks + g];
      } else {
        for (let g = 0; g < G; g++) {
          if (cancelled(pcG[g * q + off + g], tot[g * q + off + g])) return null;
          sG[g] = standardScale(pcG[g * q + off + g] / nR, pmGAll[kG + g], nR);
        }
        if (keep) for (let g = 0; g < G; g++) keep[ks + g] = sG[g];
      }
      // Z = L^-1 A_og (one column per group member), S = A_gg + alpha I - Z'Z, r = b_g - Z'u.
      const lo = k * po * po;
      const uo = k * po;
      for (let g = 0; g < G; g++) {
        const zo = g * po;
        const sg = sG[g];
        const dg = dgAll[g];
        const row = (k * G + g) * q;
        const pg = g * q;
        if (reuse && keep) for (let a = 0; a < lead; a++) z[zo + a] = keep[kz + g * lead + a];
        for (let a = first; a < po; a++) {
          const j = oIdx[a];
          z[zo + a] = (tot[pg + j] - tc[row + j] - dg * dev[j]) / (sg * sO[uo + a]);
        }
      }
      forwardSolveColumns(chol, lo, po, z, G, first);
      if (keep && !reuse) {
        for (let g = 0; g < G; g++)
          for (let a = 0; a < lead; a++) keep[kz + g * lead + a] = z[g * po + a];
      }
      for (let g = 0; g < G; g++) {
        const zg = g * po;
        for (let h = 0; h <= g; h++) {
          const zh = h * po;
          let s: number;
          if (reuse && keep) s = keep[kS + g * G + h];
          else {
            s = pcG[g * q + off + h] / (sG[g] * sG[h]);
            for (let a = 0; a < lead; a++) s -= z[zg + a] * z[zh + a];
            if (keep) keep[kS + g * G + h] = s;
          }
          for (let a = lead; a < po; a++) s -= z[zg + a] * z[zh + a];
          schur[g * G + h] = s;
        }
        schur[g * G + g] += alpha;
        let r: number;
        if (reuse && keep) r = keep[kr + g];
        else {
          r = pcG[g * q + p] / sG[g];
          for (let a = 0; a < lead; a++) r -= z[zg + a] * u[uo + a];
          if (keep) keep[kr + g] = r;
        }
        for (let a = lead; a < po; a++) r -= z[zg + a] * u[uo + a];
        rG[g] = r;
      }
      if (!choleskyLower(schur, G)) return null;
      for (let g = 0; g < G; g++) wGAll[kG + g] = rG[g];
      forwardSolve(schur, 0, G, wGAll, kG);
      backSolve(schur, 0, G, wGAll, kG);
      // u - Z w_g, each value's terms in group order, in one pass over Z.
      for (let a = 0; a < po; a++) {
        let v = u[uo + a];
        for (let g = 0; g < G; g++) v -= z[g * po + a] * wGAll[kG + g];
        wOAll[uo + a] = v;
      }
      for (let g = 0; g < G; g++) wGAll[kG + g] /= sG[g];
    }
    // Back solves of the other columns, two segments at a time (independent sums side by side).
    let k0 = 0;
    for (; k0 + 1 < nSeg; k0 += 2)
      backSolveTransposedPair(this.cholT, k0 * po * po, (k0 + 1) * po * po, po, wOAll, k0 * po);
    if (k0 < nSeg) backSolveTransposed(this.cholT, k0 * po * po, po, wOAll, k0 * po);
    for (let i = 0; i < nSeg * po; i++) wOAll[i] /= sO[i];
    // Held-out R² of each segment from its moments (as search.ts foldR2), summed in order.
    let sum = 0;
    for (let k = 0; k < nSeg; k++) {
      const nK = segN[k];
      const mK = k * q;
      const cK = k * q * q;
      const lo = k * po * po;
      const uo = k * po;
      const kG = k * G;
      let resMean = sm[mK + p] - pmAll[mK + p];
      let cross = 0;
      let quad = 0;
      // w'Cw over the others from the lower triangle: each off-diagonal pair once, doubled; two
      // rows' sums side by side.
      let a = 0;
      for (; a + 1 < po; a += 2) {
        const r0 = lo + a * po;
        const r1 = r0 + po;
        let row0 = 0;
        let row1 = 0;
        for (let b = 0; b < a; b++) {
          const wb = wOAll[uo + b];
          row0 += vcOO[r0 + b] * wb;
          row1 += vcOO[r1 + b] * wb;
        }
        const wa0 = wOAll[uo + a];
        const wa1 = wOAll[uo + a + 1];
        row1 += vcOO[r1 + a] * wa0;
        const j0 = oIdx[a];
        const j1 = oIdx[a + 1];
        resMean -= wa0 * (sm[mK + j0] - pmAll[mK + j0]);
        cross += wa0 * vcOY[uo + a];
        quad += wa0 * (2 * row0 + vcOO[r0 + a] * wa0);
        resMean -= wa1 * (sm[mK + j1] - pmAll[mK + j1]);
        cross += wa1 * vcOY[uo + a + 1];
        quad += wa1 * (2 * row1 + vcOO[r1 + a + 1] * wa1);
      }
      for (; a < po; a++) {
        const r = lo + a * po;
        let row = 0;
        for (let b = 0; b < a; b++) row += vcOO[r + b] * wOAll[uo + b];
        const wa = wOAll[uo + a];
        const j = oIdx[a];
        resMean -= wa * (sm[mK + j] - pmAll[mK + j]);
        cross += wa * vcOY[uo + a];
        quad += wa * (2 * row + vcOO[r + a] * wa);
      }
      // The group's rows of C against the others' coefficients: four rows' sums side by side.
      const mixed = this.mixed;
      let g0 = 0;
      for (; g0 + 3 < G; g0 += 4) {
        const r0 = (k * G + g0) * q;
        const r1 = r0 + q;
        const r2 = r1 + q;
        const r3 = r2 + q;
        let m0 = 0;
        let m1 = 0;
        let m2 = 0;
        let m3 = 0;
        for (let i = 0; i < po; i++) {
          const j = oIdx[i];
          const wi = wOAll[uo + i];
          m0 += tc[r0 + j] * wi;
          m1 += tc[r1 + j] * wi;
          m2 += tc[r2 + j] * wi;
          m3 += tc[r3 + j] * wi;
        }
        mixed[g0] = m0;
        mixed[g0 + 1] = m1;
        mixed[g0 + 2] = m2;
        mixed[g0 + 3] = m3;
      }
      for (; g0 < G; g0++) {
        const row = (k * G + g0) * q;
        let m = 0;
        for (let i = 0; i < po; i++) m += tc[row + oIdx[i]] * wOAll[uo + i];
        mixed[g0] = m;
      }
      for (let g = 0; g < G; g++) {
        const wg = wGAll[kG + g];
        const row = (k * G + g) * q;
        resMean -= wg * (sm[mK + off + g] - pmGAll[kG + g]);
        cross += wg * tc[row + p];
        let own = 0;
        for (let h = 0; h < G; h++) own += tc[row + off + h] * wGAll[kG + h];
        quad += wg * (2 * mixed[g] + own);
      }
      const ssTot = segCo[cK + p * q + p];
      const ssRes = Math.max(0, ssTot - 2 * cross + quad + nK * resMean * resMean);
      sum += ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot;
    }
    if (saved) saved.ready = true;
    return sum / nSeg;
  }
}

/** The coordinates below p outside the group [off, off + G) and other than `zero`, in order. */
function othersOf(p: number, off: number, G: number, zero: number): Int32Array {
  const isOther = (j: number): boolean => (j < off || j >= off + G) && j !== zero;
  return Int32Array.from({ length: p }, (_, j) => j).filter(isOther);
}

/**
 * A column whose training rows (all segments but one) hold at most this share of its total sum
 * of squared deviations is, to rounding, constant there: its training co-moment is the
 * difference of two nearly equal numbers (all rows minus the held-out segment), so its scale and
 * cross-moments are rounding noise, which a full refit and this path turn into different
 * numbers. Such candidates and steps keep the full refit, so they are scored exactly as before.
 * (An event dummy whose events all fall in one segment; weather that is zero but in one.)
 */
const CANCELLED = 1e-8;

function cancelled(trainingSS: number, totalSS: number): boolean {
  return totalSS > 0 && trainingSS <= CANCELLED * totalSS;
}

/**
 * Cholesky of the lower triangle of a (row-major m x m) in place, as linalg.choleskyInPlace but
 * without touching the upper triangle. False when a pivot is not positive.
 */
function choleskyLower(a: Float64Array, m: number): boolean {
  for (let i = 0; i < m; i++) {
    const ri = i * m;
    for (let j = 0; j <= i; j++) {
      const rj = j * m;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k];
      if (i === j) {
        if (!(s > 0)) return false;
        a[ri + i] = Math.sqrt(s);
      } else {
        a[ri + j] = s / a[rj + j];
      }
    }
  }
  return true;
}

/**
 * Solves L x = b in place for b = v[o .. o + m) (L lower triangular, row-major m x m at lo); with
 * `from`, rows before it already hold their solution.
 */
function forwardSolve(
  l: Float64Array,
  lo: number,
  m: number,
  v: Float64Array,
  o: number,
  from = 0,
): void {
  for (let i = from; i < m; i++) {
    const ri = lo + i * m;
    let s = v[o + i];
    for (let k = 0; k < i; k++) s -= l[ri + k] * v[o + k];
    v[o + i] = s / l[ri + i];
  }
}

/**
 * Solves L X = B in place for the `cols` right-hand sides stored one after the other in v
 * (column g at g m): one pass over L serves every column. Rows before `from` already hold their
 * solution (each row's sum is the same whichever row the pass starts at).
 */
function forwardSolveColumns(
  l: Float64Array,
  lo: number,
  m: number,
  v: Float64Array,
  cols: number,
  from = 0,
): void {
  let g = 0;
  for (; g + 3 < cols; g += 4) {
    const o0 = g * m;
    const o1 = o0 + m;
    const o2 = o1 + m;
    const o3 = o2 + m;
    let i = from;
    // Two rows at a time: row i + 1's sums run beside row i's up to its last term, which needs
    // row i's solution; each sum keeps its order.
    for (; i + 1 < m; i += 2) {
      const ri = lo + i * m;
      const rj = ri + m;
      let s0 = v[o0 + i];
      let s1 = v[o1 + i];
      let s2 = v[o2 + i];
      let s3 = v[o3 + i];
      let t0 = v[o0 + i + 1];
      let t1 = v[o1 + i + 1];
      let t2 = v[o2 + i + 1];
      let t3 = v[o3 + i + 1];
      for (let k = 0; k < i; k++) {
        const lik = l[ri + k];
        const ljk = l[rj + k];
        const v0 = v[o0 + k];
        const v1 = v[o1 + k];
        const v2 = v[o2 + k];
        const v3 = v[o3 + k];
        s0 -= lik * v0;
        s1 -= lik * v1;
        s2 -= lik * v2;
        s3 -= lik * v3;
        t0 -= ljk * v0;
        t1 -= ljk * v1;
        t2 -= ljk * v2;
        t3 -= ljk * v3;
      }
      const d = l[ri + i];
      s0 /= d;
      s1 /= d;
      s2 /= d;
      s3 /= d;
      v[o0 + i] = s0;
      v[o1 + i] = s1;
      v[o2 + i] = s2;
      v[o3 + i] = s3;
      const lji = l[rj + i];
      const e = l[rj + i + 1];
      v[o0 + i + 1] = (t0 - lji * s0) / e;
      v[o1 + i + 1] = (t1 - lji * s1) / e;
      v[o2 + i + 1] = (t2 - lji * s2) / e;
      v[o3 + i + 1] = (t3 - lji * s3) / e;
    }
    for (; i < m; i++) {
      const ri = lo + i * m;
      let s0 = v[o0 + i];
      let s1 = v[o1 + i];
      let s2 = v[o2 + i];
      let s3 = v[o3 + i];
      for (let k = 0; k < i; k++) {
        const lik = l[ri + k];
        s0 -= lik * v[o0 + k];
        s1 -= lik * v[o1 + k];
        s2 -= lik * v[o2 + k];
        s3 -= lik * v[o3 + k];
      }
      const d = l[ri + i];
      v[o0 + i] = s0 / d;
      v[o1 + i] = s1 / d;
      v[o2 + i] = s2 / d;
      v[o3 + i] = s3 / d;
    }
  }
  for (; g < cols; g++) forwardSolve(l, lo, m, v, g * m, from);
}

/**
 * Solves L' x = b in place for b = v[o .. o + m), given U = L' (row-major at lo): as backSolve,
 * the same products in the same order, read along U's rows.
 */
function backSolveTransposed(
  u: Float64Array,
  lo: number,
  m: number,
  v: Float64Array,
  o: number,
): void {
  for (let i = m - 1; i >= 0; i--) {
    const ri = lo + i * m;
    let s = v[o + i];
    for (let k = i + 1; k < m; k++) s -= u[ri + k] * v[o + k];
    v[o + i] = s / u[ri + i];
  }
}

/**
 * backSolveTransposed of two systems at once: U at loA for v[o .. o + m) and U at loB for the next
 * m values of v. Each value is the same sum in the same order; the two run side by side so that
 * one's additions fill the other's wait.
 */
function backSolveTransposedPair(
  u: Float64Array,
  loA: number,
  loB: number,
  m: number,
  v: Float64Array,
  o: number,
): void {
  const oB = o + m;
  for (let i = m - 1; i >= 0; i--) {
    const ra = loA + i * m;
    const rb = loB + i * m;
    let sa = v[o + i];
    let sb = v[oB + i];
    for (let k = i + 1; k < m; k++) {
      sa -= u[ra + k] * v[o + k];
      sb -= u[rb + k] * v[oB + k];
    }
    v[o + i] = sa / u[ra + i];
    v[oB + i] = sb / u[rb + i];
  }
}

/** Solves L' x = b in place for b = v[o .. o + m) (L at lo). */
function backSolve(l: Float64Array, lo: number, m: number, v: Float64Array, o: number): void {
  for (let i = m - 1; i >= 0; i--) {
    let s = v[o + i];
    for (let k = i + 1; k < m; k++) s -= l[lo + k * m + i] * v[o + k];
    v[o + i] = s / l[lo + i * m + i];
  }
}
