// npm run build && [KIND=ext|hv|w3|w2|w3e] node scripts/measure/weekly-media-forms.mjs REPO A-B. Offline (diagnosis; reads the truth): Ridge (alpha by GCV on [0,T)) on each fold window with different media columns.
import { pathToFileURL } from 'node:url';
import { weeklyDraws } from './weekly-draws.mjs';
const [repo, seedsArg = '4-23'] = process.argv.slice(2);
const load = (p) => import(pathToFileURL(`${repo}/dist/${p}`).href);
const { protocolOf, ladderOf } = await load('src/phases/phase2.js');
const { FOLD_MODEL_LAGS } = await load('src/phases/search.js');
const { buildMediaDesign, mediaTransform, hillKFor } = await load('src/phases/media.js');
const { geometricAdstock } = await load('src/core/transforms.js');
const { selectAlphaGcv, fitRidge, predictRidge } = await load('src/core/ridge.js');
const { r2 } = await load('src/core/metrics.js');
const [a, b] = seedsArg.split('-').map(Number);
const draw = await weeklyDraws(repo, process.env.KIND ?? 'ext');
const out = {};
const add = (k, v) => (out[k] ??= []).push(v);
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
