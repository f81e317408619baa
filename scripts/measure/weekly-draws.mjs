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

export async function weeklyDraws(repo, kind) {
  const load = (p) => import(pathToFileURL(`${repo}/dist/${p}`).href);
  const { pymcShapedWeekly } = await load('bench/external.js');
  const { generateShape, shapeSpecOf } = await load('src/core/data/index.js');
  if (kind !== 'ext' && !WEEKLY_SPECS[kind])
    throw new RangeError(`KIND: ext, ${Object.keys(WEEKLY_SPECS).join(', ')}`);
  return (seed) => {
    if (kind === 'ext') return pymcShapedWeekly(seed);
    const t = generateShape(shapeSpecOf(`${kind}_s${seed}_0`, seed, WEEKLY_SPECS[kind]), { seed });
    return { series: t.series, expected: t.truth.expected, trueMedia: t.truth.contributions };
  };
}
