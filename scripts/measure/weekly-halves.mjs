// npm run build && [KIND=ext|hv|hw|w3|w2] node scripts/measure/weekly-halves.mjs REPO A-B (seeds A..B): per fold test R² of phase 2 (laddered), phase 3 laddered, own(3) (mix),
// own(3) without its mix (adstock/Hill alone), own(1) and own(0); draws: scripts/measure/weekly-draws.mjs
import { pathToFileURL } from 'node:url';
import { weeklyDraws } from './weekly-draws.mjs';
const [repo, seedsArg = '4-43'] = process.argv.slice(2);
const load = (p) => import(pathToFileURL(`${repo}/dist/${p}`).href);
const draw = await weeklyDraws(repo, process.env.KIND ?? 'ext');
const { protocolOf, ladderOf } = await load('src/phases/phase2.js');
const { evaluateFoldFit } = await load('src/phases/ladder.js');
const { FOLD_MODEL_LAGS } = await load('src/phases/search.js');
const { r2 } = await load('src/core/metrics.js');
const [a, b] = seedsArg.split('-').map(Number);
const sums = {};
const add = (k, f, v) => {
  (sums[k] ??= [[], [], [], []])[f].push(v);
};
for (let seed = a; seed <= b; seed++) {
  const { series, expected } = draw(seed);
  const { folds, protocol } = protocolOf(series, {});
  const ladder = ladderOf(series, {}, protocol.test_rows, {
    search: { scheme: 'blocked', lags: FOLD_MODEL_LAGS.weekly },
  });
  folds.forEach((fold, f) => {
    const T = fold.trainEnd;
    const y = series.target.subarray(fold.testStart, fold.testEnd);
    const sc = (fit) => r2(y, evaluateFoldFit(series, fold, fit).predicted);
    add('oracle', f, r2(y, expected.subarray(fold.testStart, fold.testEnd)));
    add('p2', f, sc(ladder.fit(2, T)));
    add('p3', f, sc(ladder.fit(3, T)));
    const own3 = ladder.own(3, T);
    add('own3mix', f, sc(own3));
    add('own3alone', f, sc({ ...own3, mixed: null }));
    add('own1', f, sc(ladder.own(1, T)));
    add('own0', f, sc(ladder.own(0, T)));
  });
}
const m = (v) => v.reduce((p, q) => p + q, 0) / v.length;
for (const [k, v] of Object.entries(sums))
  console.log(
    k.padEnd(10),
    v.map((x) => m(x).toFixed(3)).join(' '),
    '| all',
    m(v.flat()).toFixed(3),
  );
