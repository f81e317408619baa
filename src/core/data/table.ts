/** Markdown tables of the built-in and shape-suite tenants' ground truth, pasted into docs/data-generation.md. */

import { BUILTIN_TENANT_IDS } from './catalog.js';
import { generateTenant } from './generate.js';
import { SHAPE_SUITE, generateShape } from './shapes.js';

const f = (x: number, digits: number): string => x.toFixed(digits);

/** One row per built-in tenant: tier, city, driver, A, noise sd, oracle R², per-channel ROAS / decay / Hill. */
export function truthTable(seed?: number): string {
  const lines = [
    '| tenant | tier | city | driver | A | noise sd | oracle R² (fold mean) | oracle R² (folds min..max) | meta ROAS | google ROAS | meta decay | google decay | meta k / s | google k / s | gamma meta / google |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const id of BUILTIN_TENANT_IDS) {
    const t = generateTenant(id, seed === undefined ? {} : { seed });
    const tr = t.truth;
    const [m, g] = tr.channels;
    lines.push(
      `| ${id} | ${t.info.tier} | ${t.info.city} | ${tr.driver} | ${f(tr.weatherAmplitude, 2)} | ${f(tr.noiseSd, 3)} | ` +
        `${f(tr.oracleMeanR2, 3)} | ${f(Math.min(...tr.oracleFoldR2), 2)}..${f(Math.max(...tr.oracleFoldR2), 2)} | ` +
        `${f(m.roas, 2)} | ${f(g.roas, 2)} | ${f(m.decay, 2)} | ${f(g.decay, 2)} | ` +
        `${f(m.hillK, 0)} / ${f(m.hillS, 2)} | ${f(g.hillK, 0)} / ${f(g.hillS, 2)} | ${f(m.gamma, 2)} / ${f(g.gamma, 2)} |`,
    );
  }
  return lines.join('\n');
}

/** One row per shape-suite tenant: shape, rows, channels, noise sd, oracle R², spend correlation, ROAS range. */
export function shapeTruthTable(seed?: number): string {
  const lines = [
    '| tenant | shape | rows | channels | template / city | noise sd | oracle R² (fold mean) | oracle R² (folds min..max) | spend corr | true ROAS min..max | event lifts |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const spec of SHAPE_SUITE) {
    const t = generateShape(spec, seed === undefined ? {} : { seed });
    const tr = t.truth;
    const sh = tr.shape;
    const roas = tr.channels.map((c) => c.roas);
    lines.push(
      `| ${spec.id} | ${sh?.label ?? ''} | ${t.series.dates.length} | ${tr.channels.length} | ${spec.template} / ${t.info.city} | ` +
        `${f(tr.noiseSd, 3)} | ${f(tr.oracleMeanR2, 3)} | ${f(Math.min(...tr.oracleFoldR2), 2)}..${f(Math.max(...tr.oracleFoldR2), 2)} | ` +
        `${f(sh?.spendCorrelation ?? 0, 2)} | ${f(Math.min(...roas), 2)}..${f(Math.max(...roas), 2)} | ` +
        `${sh && sh.events.length ? sh.events.map((e) => `${e.column} ${f(e.lift, 2)}`).join(', ') : '-'} |`,
    );
  }
  return lines.join('\n');
}
