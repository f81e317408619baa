// npm run build && [KIND=ext|hv|w3|w2|w3e] node scripts/measure/weekly-media-forms.mjs REPO A-B. Offline (diagnosis; reads the truth): Ridge (alpha by GCV on [0,T)) on each fold window with different media columns.
import { pathToFileURL } from 'node:url';
const [repo, seedsArg = '4-23'] = process.argv.slice(2);
const load = (p) => import(pathToFileURL(`${repo}/dist/${p}`).href);
const { pymcShapedWeekly } = await load('bench/external.js');
const { protocolOf, ladderOf } = await load('src/phases/phase2.js');
const { FOLD_MODEL_LAGS } = await load('src/phases/search.js');
const { buildMediaDesign, mediaTransform, hillKFor } = await load('src/phases/media.js');
const { geometricAdstock } = await load('src/core/transforms.js');
const { selectAlphaGcv, fitRidge, predictRidge } = await load('src/core/ridge.js');
const { r2 } = await load('src/core/metrics.js');
const [a, b] = seedsArg.split('-').map(Number);
const { generateShape, shapeSpecOf } = await load('src/core/data/index.js');
const kind = process.env.KIND ?? 'ext';
const SPECS = {
  hv: {
    frequency: 'weekly',
    years: 3,
    channels: 5,
    correlation: 0.7,
    weather: 'renamed',
    adstock: 'delayed',
  },
  hw: {
    frequency: 'weekly',
    years: 2,
    channels: 8,
    correlation: 0.6,
    weather: 'none',
    events: true,
    saturation: 'logistic',
  },
  w3: { frequency: 'weekly', years: 3, channels: 3 },
  w2: { frequency: 'weekly', years: 2, channels: 2, weather: 'none' },
  w3e: { frequency: 'weekly', years: 3, channels: 4, weather: 'none', events: true },
};
const draw = (seed) => {
  if (kind === 'ext') {
    const d = pymcShapedWeekly(seed);
    const trueMedia = [
      logi(
        norm(
          Array.from(d.series.spend[0], (v) => v / 1000),
          0.4,
        ),
        4,
      ),
      logi(
        norm(
          Array.from(d.series.spend[1], (v) => v / 1000),
          0.2,
        ),
        3,
      ),
    ];
    return { ...d, trueMedia };
  }
  const t = generateShape(shapeSpecOf(`${kind}_s${seed}_0`, seed, SPECS[kind]), { seed });
  return { series: t.series, expected: t.truth.expected, trueMedia: t.truth.contributions };
};
const out = {};
const add = (k, v) => (out[k] ??= []).push(v);
const norm = (x, d, L = 8) => {
  const w = Array.from({ length: L }, (_, l) => d ** l);
  const z = w.reduce((p, q) => p + q, 0);
  return Float64Array.from(x, (_, t) => {
    let v = 0;
    for (let l = 0; l < L && t - l >= 0; l++) v += w[l] * x[t - l];
    return v / z;
  });
};
const logi = (a, lam) =>
  Float64Array.from(a, (v) => (1 - Math.exp(-lam * v)) / (1 + Math.exp(-lam * v)));
for (let seed = a; seed <= b; seed++) {
  const { series, trueMedia } = draw(seed);
  const C = series.channels.length;
  const { folds, protocol } = protocolOf(series, {});
  const ladder = ladderOf(series, {}, protocol.test_rows, {
    search: { scheme: 'blocked', lags: FOLD_MODEL_LAGS.weekly },
  });
  const y = series.target;
  for (const fold of folds) {
    const T = fold.trainEnd;
    const own3 = ladder.own(3, T);
    const base = buildMediaDesign(series, own3.channelParams);
    const score = (media) => {
      const cols = base.columns.map((c, j) => (j < media.length ? media[j] : c));
      const { alpha } = selectAlphaGcv(cols, y, T);
      const m = fitRidge(cols, y, { start: 0, end: T }, alpha);
      const p = predictRidge(m, cols, { start: fold.testStart, end: fold.testEnd });
      return r2(y.subarray(fold.testStart, fold.testEnd), p);
    };
    add('search shared', score(base.columns.slice(0, C)));
    add('true media', score(trueMedia));
    // Hill per channel, grid by GCV on [0,T)
    const decays = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
    const kms = [0.25, 0.5, 1, 2, 4];
    const ss = [0.5, 1, 1.5, 2, 3];
    const cand = (i, d, km, s) => {
      const ad = geometricAdstock(series.spend[i], d);
      return mediaTransform(series.spend[i], { decay: d, k: hillKFor(ad, T, km), s });
    };
    const chosen = [];
    for (let i = 0; i < C; i++) {
      let bi = null;
      for (const d of decays)
        for (const km of kms)
          for (const s of ss) {
            const media = series.channels.map((_, j) =>
              j === i ? cand(i, d, km, s) : (chosen[j] ?? base.columns[j]),
            );
            const cols = base.columns.map((c, j) => (j < C ? media[j] : c));
            const g = selectAlphaGcv(cols, y, T);
            const sc = Math.min(...g.scores);
            if (!bi || sc < bi.score) bi = { score: sc, col: media[i], d, km, s };
          }
      chosen[i] = bi.col;
    }
    add('per-channel GCV grid', score(chosen));
    {
      let bs = null;
      for (const d of decays)
        for (const km of kms)
          for (const s of ss) {
            const media = series.channels.map((_, i) => cand(i, d, km, s));
            const cols = base.columns.map((c, j) => (j < C ? media[j] : c));
            const sc = Math.min(...selectAlphaGcv(cols, y, T).scores);
            if (!bs || sc < bs.score) bs = { score: sc, media };
          }
      add('shared GCV grid', score(bs.media));
    }
    add(
      'log1p spend',
      score(
        series.channels.map((_, i) => {
          const med = [...series.spend[i].subarray(0, T)]
            .filter((v) => v > 0)
            .sort((p, q) => p - q);
          const m = med[med.length >> 1];
          return Float64Array.from(series.spend[i], (v) => Math.log1p(v / m));
        }),
      ),
    );
  }
}
const m = (v) => v.reduce((p, q) => p + q, 0) / v.length;
for (const [k, v] of Object.entries(out)) console.log(k.padEnd(22), m(v).toFixed(3), v.length);
