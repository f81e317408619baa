// Diagnosis of the plan model's linear part (issue 16, docs/planner.md "The linear part"): with
// the TRUE curve parameters (decay, Hill k and s), the revenue is linear in each channel's gain
// per Hill unit, so only the gains over the horizon and tail decide the plan. For each regret
// tenant: the gains of the plan model's Ridge at the true curves beside the truth's (level and
// weather profile), and the capture of the optimum of variants of the linear part.
// The truth builds the variants marked "oracle" (diagnostics); the others are estimators.
// Usage: npm run build && [CURVES=plan] node scripts/measure/plan-linear.mjs [seed|builtin] [variant ...]
// (CURVES=plan: the plan model's own curves, planCurveModel, instead of the truth's; variant
// names are matched by substring; per-tenant lines go to stderr, the summary table to stdout).
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const load = (p) => import(pathToFileURL(`${resolve('dist')}/${p}`).href);
const data = await load('src/core/data/index.js');
const { builtinSpec } = await load('src/core/data/catalog.js');
const { fitFinalModel } = await load('src/phases/final.js');
const { buildMediaDesign, hillKFor } = await load('src/phases/media.js');
const { geometricAdstock } = await load('src/core/transforms.js');
const plan = await load('src/plan/index.js');
const { choleskyInPlace, choleskySolveInPlace } = await load('src/core/linalg.js');

const arg = process.argv[2] ?? 'builtin';
const only = process.argv.slice(3);
const TIERS = ['extreme', 'high'];
function tenants() {
  if (arg === 'builtin')
    return data.BUILTIN_TENANT_IDS.filter((id) => TIERS.some((t) => id.startsWith(`${t}_`))).map(
      (id) => ({ tenant: data.generateTenant(id), mix: builtinSpec(id).mix }),
    );
  const seed = Number(arg);
  const out = [];
  for (let i = 0; i < 200 && out.length < 10; i++) {
    const spec = data.generatedSpec(i, seed);
    if (TIERS.includes(spec.tier))
      out.push({ tenant: data.generateTenantSet(i + 1, { seed })[i], mix: spec.mix });
  }
  return out;
}
const sum = (x) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
};
const median = (v) => {
  const a = [...v].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
};

/**
 * (Weighted) Ridge on standardized columns with a penalty per column (Infinity = dropped):
 * weights normalized to mean 1, weighted centring (the intercept), population scales.
 * Returns the model and, for the kept columns, what tests and GCV need.
 */
function solveWith(columns, y, penalties, weights = null) {
  const n = y.length;
  const v = new Float64Array(n).fill(1);
  if (weights) {
    const m = sum(weights) / n;
    for (let t = 0; t < n; t++) v[t] = weights[t] / m;
  }
  const keep = penalties.map((pen, j) => (Number.isFinite(pen) ? j : -1)).filter((j) => j >= 0);
  const p = keep.length;
  let yMean = 0;
  for (let t = 0; t < n; t++) yMean += v[t] * y[t];
  yMean /= n;
  const Z = keep.map((j) => {
    const x = columns[j];
    let m = 0;
    for (let t = 0; t < n; t++) m += v[t] * x[t];
    m /= n;
    let ss = 0;
    for (let t = 0; t < n; t++) ss += v[t] * (x[t] - m) ** 2;
    const sc = ss / n > 1e-24 ? Math.sqrt(ss / n) : 1;
    return { m, sc, z: Float64Array.from(x, (u) => (u - m) / sc) };
  });
  const G = new Float64Array(p * p);
  const r = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    for (let k = i; k < p; k++) {
      let s2 = 0;
      const a = Z[i].z;
      const b = Z[k].z;
      for (let t = 0; t < n; t++) s2 += v[t] * a[t] * b[t];
      G[i * p + k] = G[k * p + i] = s2;
    }
    let s3 = 0;
    for (let t = 0; t < n; t++) s3 += v[t] * Z[i].z[t] * (y[t] - yMean);
    r[i] = s3;
  }
  const A = Float64Array.from(G);
  keep.forEach((j, i) => (A[i * p + i] += penalties[j]));
  if (!choleskyInPlace(A, p)) throw new Error('not PD');
  const b = choleskySolveInPlace(A, p, Float64Array.from(r));
  const P = columns.length;
  const coef = new Float64Array(P);
  const coefStandardized = new Float64Array(P);
  const means = new Float64Array(P);
  const scales = new Float64Array(P).fill(1);
  let intercept = yMean;
  keep.forEach((j, i) => {
    coef[j] = b[i] / Z[i].sc;
    coefStandardized[j] = b[i];
    means[j] = Z[i].m;
    scales[j] = Z[i].sc;
    intercept -= coef[j] * Z[i].m;
  });
  const fitted = new Float64Array(n).fill(yMean);
  for (let i = 0; i < p; i++) for (let t = 0; t < n; t++) fitted[t] += b[i] * Z[i].z[t];
  let rss = 0;
  for (let t = 0; t < n; t++) rss += v[t] * (y[t] - fitted[t]) ** 2;
  // df = 1 + tr(G (G + L)^-1) = 1 + p - sum_j pen_j [(G + L)^-1]_jj
  let df = 1 + p;
  keep.forEach((j, i) => {
    if (penalties[j] === 0) return;
    const e = new Float64Array(p);
    e[i] = 1;
    df -= penalties[j] * choleskySolveInPlace(A, p, e)[i];
  });
  const model = { alpha: 1, n, means, scales, coefStandardized, coef, intercept, yMean };
  return { model, keep, Z, b, A, G, v, fitted, rss, df, gcv: (n * rss) / (n - df) ** 2 };
}
const ridgeWith = (columns, y, penalties, weights) =>
  solveWith(columns, y, penalties, weights).model;

/**
 * Newey-West (Bartlett, L lags) covariance of the standardized coefficients of fit `f`:
 * A^-1 S A^-1 with S = sum_l w_l sum_t z_t e_t e_(t-l) z_(t-l)' (weighted rows: z v, e).
 */
function hacCov(f, y, lags) {
  const { Z, A, v, fitted } = f;
  const p = Z.length;
  const n = y.length;
  const u = Z.map(({ z }) => Float64Array.from(z, (x, t) => x * v[t] * (y[t] - fitted[t])));
  const S = new Float64Array(p * p);
  for (let l = 0; l <= lags; l++) {
    const w = l === 0 ? 1 : 1 - l / (lags + 1);
    for (let i = 0; i < p; i++)
      for (let k = 0; k < p; k++) {
        let s2 = 0;
        for (let t = l; t < n; t++) s2 += u[i][t] * u[k][t - l];
        S[i * p + k] += l === 0 ? s2 : w * s2;
        if (l > 0) S[k * p + i] += w * s2;
      }
  }
  // A^-1 S A^-1
  const Ainv = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    const e = new Float64Array(p);
    e[i] = 1;
    const col = choleskySolveInPlace(A, p, e);
    for (let k = 0; k < p; k++) Ainv[k * p + i] = col[k];
  }
  const T = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let k = 0; k < p; k++) {
      let s2 = 0;
      for (let m = 0; m < p; m++) s2 += Ainv[i * p + m] * S[m * p + k];
      T[i * p + k] = s2;
    }
  const V = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let k = 0; k < p; k++) {
      let s2 = 0;
      for (let m = 0; m < p; m++) s2 += T[i * p + m] * Ainv[m * p + k];
      V[i * p + k] = s2;
    }
  return V;
}
/** Wald statistic of the kept-index set `idx` (positions in f.keep) being zero. */
function wald(f, V, idx) {
  const q = idx.length;
  const M = new Float64Array(q * q);
  idx.forEach((i, a) => idx.forEach((k, c) => (M[a * q + c] = V[i * f.keep.length + k])));
  if (!choleskyInPlace(M, q)) return Infinity;
  const x = choleskySolveInPlace(M, q, Float64Array.from(idx.map((i) => f.b[i])));
  return idx.reduce((s2, i, a) => s2 + f.b[i] * x[a], 0);
}
/** Upper 5% quantiles of chi-square with 1..12 df. */
const CHI2_95 = [
  3.841, 5.991, 7.815, 9.488, 11.07, 12.592, 14.067, 15.507, 16.919, 18.307, 19.675, 21.026,
];
const CHI2_99 = [
  6.635, 9.21, 11.345, 13.277, 15.086, 16.812, 18.475, 20.09, 21.666, 23.209, 24.725, 26.217,
];

const rows = [];
for (const { tenant, mix } of tenants()) {
  const series = tenant.series;
  const n = series.dates.length;
  const id = series.tenant;
  const params = {};
  series.channels.forEach((c, i) => {
    const t = tenant.truth.channels[i];
    const unit = hillKFor(geometricAdstock(series.spend[i], t.decay), n, 1);
    params[c] = { decay: t.decay, k_mult: t.hillK / unit, k: t.hillK, s: t.hillS };
  });
  if (process.env.CURVES === 'plan') {
    const pm = plan.planCurveModel(series, fitFinalModel(series, 3));
    for (const c of series.channels) params[c] = pm.channelParams[c];
  }
  const base = fitFinalModel(series, 3, { channelParams: params, nonNegativeMedia: false });
  const design = buildMediaDesign(series, params, {
    calendar: base.calendar,
    weather: base.weather,
  });
  const names = design.names;
  const H = 28;
  const truthTail = plan.tailLength(
    tenant.truth.channels.map((c) => c.decay),
    365,
  );
  const tail = truthTail;
  const outlook = plan.extendOutlook(
    series,
    plan.scenarioOutlook(series, 'typical', base.weather, H),
    H + tail,
  );
  const tr = plan.truthResponse(tenant, mix, outlook, H, tail);
  const reference = series.spend.reduce((s, x) => s + sum(x.slice(-365)), 0) / 365;
  const budget = reference * H;
  const perPeriod = series.spend.map((x) => sum(x.subarray(n - 365)) / 365);
  const split0 = perPeriod.map((v) => v / sum(perPeriod));
  const a = split0.map((w) => new Float64Array(H).fill((budget * w) / H));
  const C = a.length;
  const U = (q, x) => plan.incrementalRevenue(q, x) - plan.incrementalRevenue(q, a);
  const cons = plan.resolveBounds([], tr.channels, H, perPeriod, budget);
  const starts = [
    a,
    ...a.map((_, c) =>
      a.map((__, j) => new Float64Array(H).fill((budget * (j === c ? 0.6 : 0.4 / (C - 1))) / H)),
    ),
  ];
  const full = U(tr, plan.optimizePlan(tr, cons, starts).spend);
  const capture = (q) => U(tr, plan.optimizePlan(q, cons, starts).spend) / full;
  const respOf = (m) => plan.responseOf(plan.revenueModelOf(m), series, outlook, H, tail);
  const withRidge = (ridge) => ({ ...base, ridge, chosen: null, kind: 'ridge' });
  const r0 = respOf(base);
  const mean = (g) => sum(g.subarray(0, H)) / H;
  const level = r0.gain.map((g, c) => mean(g) / mean(tr.gain[c]));
  const prof = (g) => {
    const m = mean(g);
    return Float64Array.from(g, (v) => v / m);
  };
  const swap = (q, gain) => ({ ...q, gain });
  const isInter = names.map((nm) => /_x_/.test(nm));
  const variants = {
    'plan Ridge (alpha by inner CV)': () => r0,
    'oracle: model profile, true level': () =>
      swap(
        r0,
        r0.gain.map((g, c) => Float64Array.from(prof(g), (v) => v * mean(tr.gain[c]))),
      ),
    'oracle: true profile, model level': () =>
      swap(
        r0,
        tr.gain.map((g, c) => Float64Array.from(prof(g), (v) => v * mean(r0.gain[c]))),
      ),
    'flat model gains': () =>
      swap(
        r0,
        r0.gain.map((g) => new Float64Array(g.length).fill(mean(g))),
      ),
    'no media x weather': () =>
      respOf(
        withRidge(
          ridgeWith(
            design.columns,
            series.target,
            isInter.map((x) => (x ? Infinity : base.alpha)),
          ),
        ),
      ),
    'interactions alpha x100': () =>
      respOf(
        withRidge(
          ridgeWith(
            design.columns,
            series.target,
            isInter.map((x) => (x ? base.alpha * 100 : base.alpha)),
          ),
        ),
      ),
    'interactions alpha 1000': () =>
      respOf(
        withRidge(
          ridgeWith(
            design.columns,
            series.target,
            isInter.map((x) => (x ? 1000 : base.alpha)),
          ),
        ),
      ),
    'oracle: noise-free target, plan alpha': () =>
      respOf(
        withRidge(
          ridgeWith(
            design.columns,
            tenant.truth.expected,
            names.map(() => base.alpha),
          ),
        ),
      ),
    'oracle: noise-free target, alpha 0.01': () =>
      respOf(
        withRidge(
          ridgeWith(
            design.columns,
            tenant.truth.expected,
            names.map(() => 0.01),
          ),
        ),
      ),
    'oracle: noise-free target, no media x weather': () =>
      respOf(
        withRidge(
          ridgeWith(
            design.columns,
            tenant.truth.expected,
            isInter.map((x) => (x ? Infinity : 0.01)),
          ),
        ),
      ),
    'media unpenalized': () =>
      respOf(
        withRidge(
          ridgeWith(
            design.columns,
            series.target,
            names.map((nm, j) => (j < C ? 0 : base.alpha)),
          ),
        ),
      ),
    'alpha 0.01 all': () =>
      respOf(
        withRidge(
          ridgeWith(
            design.columns,
            series.target,
            names.map(() => 0.01),
          ),
        ),
      ),
  };
  const y = series.target;
  const ALPHAS = [0.01, 0.1, 1, 10, 100];
  const lags = Math.floor(4 * (n / 100) ** (2 / 9));
  const weatherOf = names.map((nm) => (/_x_/.test(nm) ? nm.split('_x_')[1] : null));
  const wNames = base.weather;
  // Interaction groups kept by a HAC Wald test on a fit at penalties `pen` (weights `wts`).
  const tested = (pen, wts, by, level = CHI2_95) => {
    const f = solveWith(design.columns, y, pen, wts);
    const V = hacCov(f, y, lags);
    const pos = (j) => f.keep.indexOf(j);
    const out = pen.slice();
    const groups =
      by === 'weather'
        ? wNames.map((w) => names.map((_, j) => j).filter((j) => weatherOf[j] === w))
        : by === 'channel'
          ? series.channels.map((c, i) =>
              names
                .map((_, j) => j)
                .filter((j) => isInter[j] && names[j].startsWith(names[i] + '_x_')),
            )
          : by === 'all'
            ? [names.map((_, j) => j).filter((j) => isInter[j])]
            : names
                .map((_, j) => j)
                .filter((j) => isInter[j])
                .map((j) => [j]);
    for (const g of groups) {
      const st = wald(f, V, g.map(pos));
      if (!(st > level[g.length - 1])) for (const j of g) out[j] = Infinity;
    }
    return out;
  };
  const gcv1 = () => {
    let best = null;
    for (const al of ALPHAS) {
      const f = solveWith(
        design.columns,
        y,
        names.map(() => al),
      );
      if (!best || f.gcv < best.gcv) best = { gcv: f.gcv, al };
    }
    return best.al;
  };
  const gcv2 = (wts) => {
    let best = null;
    for (const al of ALPHAS)
      for (const ax of [...ALPHAS, 1000, 10000, Infinity]) {
        const f = solveWith(
          design.columns,
          y,
          isInter.map((x) => (x ? ax : al)),
          wts,
        );
        if (!best || f.gcv < best.gcv) best = { gcv: f.gcv, al, ax };
      }
    return isInter.map((x) => (x ? best.ax : best.al));
  };
  const planPen = names.map(() => base.alpha);
  const fglsW = () => {
    const f = solveWith(design.columns, y, planPen);
    return Float64Array.from(f.fitted, (v) => 1 / Math.max(v, 1e-9) ** 2);
  };
  Object.assign(variants, {
    'same solver, plan alpha': () => respOf(withRidge(ridgeWith(design.columns, y, planPen))),
    'GCV one alpha': () => {
      const al = gcv1();
      return respOf(
        withRidge(
          ridgeWith(
            design.columns,
            y,
            names.map(() => al),
          ),
        ),
      );
    },
    'GCV 2-D (main, interactions)': () =>
      respOf(withRidge(ridgeWith(design.columns, y, gcv2(null)))),
    'media and interactions unpenalized': () =>
      respOf(
        withRidge(
          ridgeWith(
            design.columns,
            y,
            names.map((nm, j) => (j < C || isInter[j] ? 0 : base.alpha)),
          ),
        ),
      ),
    'media and interactions at alpha <= 1': () =>
      respOf(
        withRidge(
          ridgeWith(
            design.columns,
            y,
            names.map((nm, j) => (j < C || isInter[j] ? Math.min(1, base.alpha) : base.alpha)),
          ),
        ),
      ),
    'all at alpha <= 1': () =>
      respOf(
        withRidge(
          ridgeWith(
            design.columns,
            y,
            names.map(() => Math.min(1, base.alpha)),
          ),
        ),
      ),
    'HAC 5% per weather column, least squares test': () =>
      respOf(
        withRidge(
          ridgeWith(
            design.columns,
            y,
            tested(
              names.map(() => 0),
              null,
              'weather',
            ).map((v) => (Number.isFinite(v) ? base.alpha : v)),
          ),
        ),
      ),
    'HAC 5% per weather column': () =>
      respOf(withRidge(ridgeWith(design.columns, y, tested(planPen, null, 'weather')))),
    'HAC 1% per weather column': () =>
      respOf(withRidge(ridgeWith(design.columns, y, tested(planPen, null, 'weather', CHI2_99)))),
    'HAC 5% per channel': () =>
      respOf(withRidge(ridgeWith(design.columns, y, tested(planPen, null, 'channel')))),
    'HAC 5% all interactions': () =>
      respOf(withRidge(ridgeWith(design.columns, y, tested(planPen, null, 'all')))),
    'HAC 5% per coefficient': () =>
      respOf(withRidge(ridgeWith(design.columns, y, tested(planPen, null, 'coef')))),
    'FGLS 1/fit^2, plan alpha': () =>
      respOf(withRidge(ridgeWith(design.columns, y, planPen, fglsW()))),
    'FGLS + HAC 5% per weather column': () => {
      const w = fglsW();
      return respOf(withRidge(ridgeWith(design.columns, y, tested(planPen, w, 'weather'), w)));
    },
    'FGLS + GCV 2-D': () => {
      const w = fglsW();
      return respOf(withRidge(ridgeWith(design.columns, y, gcv2(w), w)));
    },
  });
  // HAC standard error of each channel's mean gain over the horizon (plan alpha, all columns).
  {
    const f = solveWith(design.columns, y, planPen);
    const V = hacCov(f, y, lags);
    const p = f.keep.length;
    const wMean = wNames.map(
      (w) => sum(outlook.weather[outlook.weatherNames.indexOf(w)].subarray(0, H)) / H,
    );
    const ses = series.channels.map((c, i) => {
      const g = new Float64Array(p);
      f.keep.forEach((j, pos) => {
        if (j === i) g[pos] = 1 / f.Z[pos].sc;
        else if (isInter[j] && names[j].startsWith(names[i] + '_x_'))
          g[pos] = wMean[wNames.indexOf(weatherOf[j])] / f.Z[pos].sc;
      });
      let lev = 0;
      for (let a2 = 0; a2 < p; a2++) lev += g[a2] * f.b[a2];
      let v2 = 0;
      for (let a2 = 0; a2 < p; a2++)
        for (let b2 = 0; b2 < p; b2++) v2 += g[a2] * V[a2 * p + b2] * g[b2];
      return `${(lev / mean(tr.gain[i])).toFixed(2)}±${(Math.sqrt(v2) / mean(tr.gain[i])).toFixed(2)}`;
    });
    process.stderr.write(`${id} horizon level / truth ± HAC se: ${ses.join(' ')}\n`);
  }
  // Interactions with the weather centred at its training mean: h (w - mean w).
  const wMeans = names.map((nm, j) => {
    if (!isInter[j]) return 0;
    const w = series.weather[series.weatherNames.indexOf(weatherOf[j])];
    return sum(w) / n;
  });
  const mediaOf = names.map((nm, j) =>
    isInter[j] ? series.channels.findIndex((c, i) => nm.startsWith(names[i] + '_x_')) : -1,
  );
  const centredCols = design.columns.map((col, j) =>
    isInter[j]
      ? Float64Array.from(col, (v, t) => v - wMeans[j] * design.columns[mediaOf[j]][t])
      : col,
  );
  /** A model fitted on the centred design, mapped back to the standard design's raw coefficients. */
  const uncentre = (m) => {
    const coef = Float64Array.from(m.coef);
    names.forEach((_, j) => {
      if (isInter[j]) coef[mediaOf[j]] -= wMeans[j] * m.coef[j];
    });
    return {
      ...m,
      coef,
      coefStandardized: coef,
      means: new Float64Array(coef.length),
      scales: new Float64Array(coef.length).fill(1),
      yMean: m.intercept,
    };
  };
  /** Log marginal likelihood (sigma profiled, ML) of Ridge with prior b_j ~ N(0, sigma^2 / pen_j). */
  const marginal = (cols, pen, wts) => {
    const f = solveWith(cols, y, pen, wts);
    const p2 = f.keep.length;
    let quad = 0;
    let logPen = 0;
    f.keep.forEach((j, i) => {
      quad += pen[j] * f.b[i] ** 2;
      logPen += Math.log(pen[j]);
    });
    // log|G + L| from the Cholesky factor (lower triangle in A)
    let logDet = 0;
    for (let i = 0; i < p2; i++) logDet += 2 * Math.log(f.A[i * p2 + i]);
    const s2 = (f.rss + quad) / n;
    return -0.5 * (n * Math.log(s2) + logDet - logPen);
  };
  const mlPen = (cols, mains, wts = null) => {
    let best = null;
    for (const al of mains)
      for (const ax of [0.01, 0.1, 1, 10, 100, 1000, 10000, 1e5, Infinity]) {
        const pen = isInter.map((x) => (x ? ax : al));
        const ll = marginal(cols, pen, wts);
        if (!best || ll > best.ll) best = { ll, pen, al, ax };
      }
    return best;
  };
  Object.assign(variants, {
    'centred interactions, plan alpha': () =>
      respOf(withRidge(uncentre(ridgeWith(centredCols, y, planPen)))),
    'centred, interactions alpha 1000': () =>
      respOf(
        withRidge(
          uncentre(
            ridgeWith(
              centredCols,
              y,
              isInter.map((x) => (x ? 1000 : base.alpha)),
            ),
          ),
        ),
      ),
    'ML lambda_X (main plan alpha)': () => {
      const b = mlPen(design.columns, [base.alpha]);
      process.stderr.write(`  ML: ax ${b.ax}\n`);
      return respOf(withRidge(ridgeWith(design.columns, y, b.pen)));
    },
    'ML 2-D': () => {
      const b = mlPen(design.columns, ALPHAS);
      process.stderr.write(`  ML2: al ${b.al} ax ${b.ax}\n`);
      return respOf(withRidge(ridgeWith(design.columns, y, b.pen)));
    },
    'centred, ML lambda_X (main plan alpha)': () => {
      const b = mlPen(centredCols, [base.alpha]);
      process.stderr.write(`  cML: ax ${b.ax}\n`);
      return respOf(withRidge(uncentre(ridgeWith(centredCols, y, b.pen))));
    },
    'centred, ML 2-D': () => {
      const b = mlPen(centredCols, ALPHAS);
      process.stderr.write(`  cML2: al ${b.al} ax ${b.ax}\n`);
      return respOf(withRidge(uncentre(ridgeWith(centredCols, y, b.pen))));
    },
  });
  const row = { id, alpha: base.alpha, level, capture: {} };
  for (const [name, f] of Object.entries(variants)) {
    if (
      only.length &&
      !only.some((o) => name.includes(o)) &&
      name !== 'plan Ridge (alpha by inner CV)'
    )
      continue;
    const q = f();
    row.capture[name] = capture(q);
    if (name === 'no media x weather' || name === 'plan Ridge (alpha by inner CV)')
      row[`level ${name}`] = q.gain.map((g, c) => mean(g) / mean(tr.gain[c]));
  }
  row.profile = r0.gain.map((g, c) => {
    const p = prof(g).subarray(0, H);
    const t = prof(tr.gain[c]).subarray(0, H);
    return [Math.min(...p), Math.max(...p), Math.min(...t), Math.max(...t)]
      .map((v) => v.toFixed(2))
      .join('/');
  });
  rows.push(row);
  process.stderr.write(
    `${id} alpha ${base.alpha} level ${level.map((v) => v.toFixed(2)).join(' ')} noX level ${(row['level no media x weather'] ?? []).map((v) => v.toFixed(2)).join(' ')} profile ${row.profile.join(' ')}\n  ` +
      Object.entries(row.capture)
        .map(([k, v]) => `${k}: ${(100 * v).toFixed(0)}%`)
        .join(' | ') +
      '\n',
  );
}
const names = Object.keys(rows[0].capture);
console.log(
  `| variant (${arg}, ${process.env.CURVES === 'plan' ? 'plan model curves' : 'true curves'}) | >= 80% | not worse | median |`,
);
for (const nm of names) {
  const v = rows.map((r) => r.capture[nm]);
  console.log(
    `| ${nm} | ${v.filter((x) => x >= 0.8).length}/${v.length} | ${v.filter((x) => x >= -1e-9).length}/${v.length} | ${(100 * median(v)).toFixed(0)}% |`,
  );
}
