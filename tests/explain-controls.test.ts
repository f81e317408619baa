/**
 * The controls' part of an explanation (Explanation.controls): what each control column added to
 * the all-rows model's prediction, with its 80% / 95% interval, against the generator's event
 * revenue (shape tenants with events: promo and holiday, which lift the non-media revenue of
 * their days by a drawn share).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { explainText } from '../src/cli/commands/explain.js';
import { explanationOut } from '../src/mcp/schemas.js';
import {
  generateShape,
  generateTenant,
  shapeSpecOf,
  type ShapeOptions,
} from '../src/core/data/index.js';
import { SeededRandom } from '../src/core/random.js';
import type { SyntheticTenant } from '../src/core/types.js';
import { decomposeOverTime } from '../src/phases/decompose.js';
import { explainFinalModel } from '../src/phases/explain.js';
import { fitFinalModel } from '../src/phases/final.js';
import {
  addIntervals,
  CONTROL_STRETCH,
  explanationCaveats,
  figureVector,
  stretchControlInterval,
} from '../src/phases/intervals.js';
import type { Explanation } from '../src/phases/types.js';

const inside = (x: number, [lo, hi]: readonly [number, number]): boolean => lo <= x && x <= hi;

function explained(t: SyntheticTenant, replicates: number): Explanation {
  const model = fitFinalModel(t.series, 3);
  const e = explainFinalModel(t.series, model, t);
  return addIntervals(e, t.series, model, { replicates });
}

/** Event tenants of several shapes, drawn with a seed no factor was chosen on (dev: 14800). */
const SHAPES: ShapeOptions[] = [
  { frequency: 'daily', years: 3, channels: 2 },
  { frequency: 'daily', years: 2, channels: 3, weather: 'none' },
  { frequency: 'daily', years: 3, channels: 4, correlation: 0.6 },
  { frequency: 'daily', years: 2, channels: 2, weather: 'renamed', saturation: 'logistic' },
  { frequency: 'weekly', years: 3, channels: 3, weather: 'none' },
  { frequency: 'weekly', years: 2, channels: 2 },
  { frequency: 'weekly', years: 3, channels: 4, adstock: 'delayed' },
  { frequency: 'weekly', years: 3, channels: 2, saturation: 'exponential' },
];
const tenants = (): SyntheticTenant[] =>
  SHAPES.map((o, i) =>
    generateShape(shapeSpecOf(`ctl_s14803_${i}`, 14803, { ...o, events: true })),
  );

describe('explain: the controls', () => {
  it('each control is the sum of its part of the decomposition over time, with the truth beside it', () => {
    const t = tenants()[0];
    const model = fitFinalModel(t.series, 3);
    const e = explainFinalModel(t.series, model, t);
    const dec = decomposeOverTime(t.series, model, t);
    expect(e.controls.map((k) => k.control)).toEqual(['promo', 'holiday']);
    const events = t.truth.shape!.events;
    for (const k of e.controls) {
      const part = dec.controls.find((d) => d.control === k.control)!;
      const total = part.contribution.reduce((a, b) => a + b, 0);
      expect(Math.abs(k.contribution - total)).toBeLessThanOrEqual(1e-9 * Math.abs(total));
      expect(k.reference).toBe(0);
      const x = t.series.controls[t.series.controlNames.indexOf(k.control)];
      expect(k.active_rows).toBe(Array.from(x).filter((v) => v !== 0).length);
      const truth = events.find((ev) => ev.column === k.control)!.totalContribution;
      expect(k.truth).toEqual({ contribution: truth });
      expect(k.contribution_error).toBeCloseTo((k.contribution - truth) / truth, 12);
      // The generator's event revenue, recovered within 25% (a lift of 8-50% on its days).
      expect(Math.abs(k.contribution_error!), k.control).toBeLessThan(0.25);
      const predicted = dec.predicted.reduce((a, b) => a + b, 0);
      expect(k.share_of_predicted).toBeCloseTo(k.contribution / predicted, 12);
    }
  });

  it('a control counted from its mean: contribution about 0, its effect per unit recovered', () => {
    // A built-in tenant with a price column added: a random walk around 10 (sd 0.7) that
    // lowers revenue by 3,000 a day per unit above 10 (a closed-form effect the truth knows).
    const t = generateTenant('medium_sports');
    const rng = new SeededRandom(5);
    const n = t.series.target.length;
    const price = new Float64Array(n);
    let p = 10;
    for (let i = 0; i < n; i++) {
      p += rng.uniform(-0.25, 0.25) - 0.02 * (p - 10);
      price[i] = p;
    }
    const series = {
      ...t.series,
      controlNames: ['price'],
      controls: [price],
      target: Float64Array.from(t.series.target, (y, i) => y - 3000 * (price[i] - 10)),
    };
    const model = fitFinalModel(series, 3);
    const e = addIntervals(explainFinalModel(series, model, null), series, model, {
      replicates: 10,
    });
    const [k] = e.controls;
    const mean = price.reduce((a, b) => a + b, 0) / n;
    expect(k.reference).toBeCloseTo(mean, 12);
    expect(k.active_rows).toBe(n);
    const predicted = e.channels.reduce((s, c) => s + c.contribution / c.share_of_predicted, 0);
    expect(Math.abs(k.contribution)).toBeLessThan((1e-9 * predicted) / e.channels.length);
    expect(Math.abs(k.effect_per_unit / -3000 - 1)).toBeLessThan(0.2);
    expect(inside(-3000, k.intervals!.effect_per_unit.p95)).toBe(true);
    expect(k.intervals!.effect_per_unit.p95[1]).toBeLessThan(0);
    expect(explanationCaveats(e, null).map((c) => c.code)).not.toContain(
      'control_interval_spans_zero',
    );
  });

  it('the controls come after every channel figure: the channels keep their positions', () => {
    const t = tenants()[5];
    const model = fitFinalModel(t.series, 3);
    const e = explainFinalModel(t.series, model, t, { figuresOnly: true });
    const without = figureVector({ ...e, controls: [] });
    const withControls = figureVector(e);
    expect(withControls.slice(0, without.length)).toEqual(without);
    expect(withControls.slice(without.length)).toEqual(
      e.controls.flatMap((k) => [k.contribution, k.effect_per_unit]),
    );
  });

  it('an interval is stretched about its point by CONTROL_STRETCH, the 95% one holding the 80%', () => {
    expect(CONTROL_STRETCH).toEqual({ p80: 1.35, p95: 1.09 });
    // 10 + 1.35 (8 - 10) = 7.3, 10 + 1.35 (13 - 10) = 14.05; 10 + 1.09 (5 - 10) = 4.55, 10 + 1.09 x 6.
    const iv = stretchControlInterval(10, { p80: [8, 13], p95: [5, 16] });
    expect(iv.p80[0]).toBeCloseTo(7.3, 12);
    expect(iv.p80[1]).toBeCloseTo(14.05, 12);
    expect(iv.p95[0]).toBeCloseTo(4.55, 12);
    expect(iv.p95[1]).toBeCloseTo(16.54, 12);
    // A 95% end inside the stretched 80% interval is moved out to it.
    const tight = stretchControlInterval(10, { p80: [8, 13], p95: [7.9, 13.1] });
    expect(tight.p95).toEqual(tight.p80);
  });

  it('a control whose 95% interval includes zero is a caveat, after the channels', () => {
    const e = {
      channels: [],
      weather_states: [],
      controls: [
        // Counted from 0: judged on the contribution.
        {
          control: 'promo',
          reference: 0,
          intervals: {
            contribution: { p80: [1, 9], p95: [-1, 11] },
            effect_per_unit: { p80: [1, 9], p95: [0.5, 11] },
          },
        },
        {
          control: 'holiday',
          reference: 0,
          intervals: {
            contribution: { p80: [3, 7], p95: [1, 9] },
            effect_per_unit: { p80: [3, 7], p95: [-1, 9] },
          },
        },
        // Counted from its mean: judged on the effect per unit (its contribution is about 0).
        {
          control: 'price',
          reference: 9.5,
          intervals: {
            contribution: { p80: [-1e-9, 1e-9], p95: [-2e-9, 2e-9] },
            effect_per_unit: { p80: [-900, -100], p95: [-1000, 50] },
          },
        },
        {
          control: 'discount',
          reference: 0.2,
          intervals: {
            contribution: { p80: [-1e-9, 1e-9], p95: [-2e-9, 2e-9] },
            effect_per_unit: { p80: [200, 900], p95: [100, 1000] },
          },
        },
      ],
    } as unknown as Explanation;
    const caveats = explanationCaveats(e, { mean_r2: 0.8, se_r2: 0.02, pass_threshold: 0.5 });
    expect(caveats.map((c) => c.code)).toEqual([
      'control_interval_spans_zero',
      'control_interval_spans_zero',
    ]);
    expect(caveats[0].message).toContain('control promo: the 95% interval of its contribution');
    expect(caveats[1].message).toContain('control price: the 95% interval of its effect per unit');
  });

  it('the CLI prints a controls table and the MCP output schema holds the controls', () => {
    const e = explained(tenants()[4], 10);
    const text = explainText(e);
    const lines = text.split('\n');
    const head = lines.findIndex((l) => l.startsWith('Controls: what each added'));
    expect(head).toBeGreaterThan(0);
    expect(lines[head + 1]).toContain('per week per unit  per unit 80%');
    expect(lines[head + 1]).toMatch(
      /^control\s+reference\s+weeks off it\s+contribution\s+80%\s+95%/,
    );
    for (const [i, k] of e.controls.entries()) {
      const row = lines[head + 3 + i];
      expect(row.startsWith(k.control)).toBe(true);
      expect(row).toContain(`${Math.round(k.contribution)}`);
      const iv = k.intervals!.contribution.p80;
      expect(row).toContain(`${Math.round(iv[0])} to ${Math.round(iv[1])}`);
    }
    const parsed = z.looseObject(explanationOut).parse(JSON.parse(JSON.stringify(e)));
    expect(parsed.controls).toHaveLength(2);
    // Without controls: no table.
    expect(explainText({ ...e, controls: [] })).not.toContain('Controls: what each added');
  });

  it('coverage of the true event revenue on 8 event tenants of other shapes (16 controls)', () => {
    let n = 0;
    let in80 = 0;
    let in95 = 0;
    for (const t of tenants()) {
      const e = explained(t, 20);
      expect(e.uncertainty?.control_stretch).toEqual(CONTROL_STRETCH);
      for (const k of e.controls) {
        const iv = k.intervals!.contribution;
        expect(iv.p95[0]).toBeLessThanOrEqual(iv.p80[0]);
        expect(iv.p95[1]).toBeGreaterThanOrEqual(iv.p80[1]);
        n++;
        if (inside(k.truth!.contribution, iv.p80)) in80++;
        if (inside(k.truth!.contribution, iv.p95)) in95++;
      }
    }
    expect(n).toBe(16);
    // Binomial(16, 0.8): at most 9 covered has probability 2.7%, all 16 2.8%; Binomial(16, 0.95):
    // at most 12 has probability 0.7%. A method 10 points under nominal fails the first often.
    expect(in80).toBeGreaterThanOrEqual(10);
    expect(in80).toBeLessThanOrEqual(15);
    expect(in95).toBeGreaterThanOrEqual(13);
  }, 300_000);
});
