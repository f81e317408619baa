// Weekly draws for the measuring scripts (weekly-halves.mjs, weekly-media-forms.mjs): KIND ext =
// bench/external.ts's PyMC-Marketing recipe; hv / hw / w3 / w2 / w3e = generated shapes (the
// held-out shapes of scripts/measure/heldout.sh and three of the suite's). Each draw gives the
// series, the noise-free expected revenue and each channel's true media column (the recipe's own
// transform, or the generator's true contribution): diagnosis only.
import { pathToFileURL } from 'node:url';

export const WEEKLY_SPECS = {
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

/** The recipe's adstock (8 weeks, weights decay^l over their sum) and logistic saturation. */
const normalized = (x, d, L = 8) => {
  const w = Array.from({ length: L }, (_, l) => d ** l);
  const z = w.reduce((p, q) => p + q, 0);
  return Float64Array.from(x, (_, t) => {
    let v = 0;
    for (let l = 0; l < L && t - l >= 0; l++) v += w[l] * x[t - l];
    return v / z;
  });
};
const logistic = (a, lam) =>
  Float64Array.from(a, (v) => (1 - Math.exp(-lam * v)) / (1 + Math.exp(-lam * v)));

export async function weeklyDraws(repo, kind) {
  const load = (p) => import(pathToFileURL(`${repo}/dist/${p}`).href);
  const { pymcShapedWeekly } = await load('bench/external.js');
  const { generateShape, shapeSpecOf } = await load('src/core/data/index.js');
  if (kind !== 'ext' && !WEEKLY_SPECS[kind])
    throw new RangeError(`KIND: ext, ${Object.keys(WEEKLY_SPECS).join(', ')}`);
  return (seed) => {
    if (kind === 'ext') {
      const d = pymcShapedWeekly(seed);
      const media = (c, decay, lam) =>
        logistic(
          normalized(
            Array.from(d.series.spend[c], (v) => v / 1000),
            decay,
          ),
          lam,
        );
      return { ...d, trueMedia: [media(0, 0.4, 4), media(1, 0.2, 3)] };
    }
    const t = generateShape(shapeSpecOf(`${kind}_s${seed}_0`, seed, WEEKLY_SPECS[kind]), { seed });
    return { series: t.series, expected: t.truth.expected, trueMedia: t.truth.contributions };
  };
}
