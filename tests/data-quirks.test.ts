/**
 * Real-world data quirks an analyst's own CSV brings (session 44 sweep): a channel stopped before
 * the end of the data, a one-row revenue spike, channels whose figures are not measurements
 * (almost no spend, the same spend on every row) in the ROAS pooling, a comparison printed in
 * too few decimals. Expected figures are computed here from the inputs, not taken from the code.
 */
import { describe, expect, it } from 'vitest';
import { parseTenantCsv, targetSpikes } from '../src/core/csv/parse.js';
import {
  BUILTIN_TENANT_IDS,
  generateShape,
  generateTenant,
  SHAPE_SUITE,
} from '../src/core/data/index.js';
import { constantSpendChannels, dataWarnings, stoppedChannels } from '../src/core/data-warnings.js';
import { jamesStein } from '../src/core/james-stein.js';
import { protocolForSeries } from '../src/core/protocol.js';
import type { TenantSeries } from '../src/core/types.js';
import { CLI_OPTION_WORDS } from '../src/core/words.js';
import { f2vs } from '../src/phases/choose.js';
import { fitFinalModel } from '../src/phases/final.js';
import { poolRoas, unpooledChannels } from '../src/phases/intervals.js';
import type { Explanation } from '../src/phases/types.js';
import { makePlan, revenueModelOf, scenarioOutlook } from '../src/plan/index.js';
import { shortMoney } from '../src/plan/summary.js';

/** The series with channel c's spend set to 0 from row `from` on. */
function stopAt(s: TenantSeries, c: number, from: number): TenantSeries {
  const spend = s.spend.map((x, i) => {
    const y = Float64Array.from(x);
    if (i === c) y.fill(0, from);
    return y;
  });
  return { ...s, spend };
}

describe('a channel stopped before the end of the data', () => {
  const base = generateTenant('extreme_heating').series;
  const n = base.target.length;

  it('is found from 28 days (4 weeks) without spend at the end, with its last date', () => {
    const s = stopAt(base, 1, n - 40);
    expect(stoppedChannels(s)).toEqual([
      { channel: s.channels[1], last: s.dates[n - 41], idle: 40 },
    ]);
    expect(stoppedChannels(stopAt(base, 1, n - 27))).toEqual([]);
    expect(stoppedChannels(base)).toEqual([]);
    const weekly: TenantSeries = { ...s, frequency: 'weekly' };
    expect(stoppedChannels({ ...weekly, spend: stopAt(base, 0, n - 4).spend })).toEqual([
      { channel: s.channels[0], last: s.dates[n - 5], idle: 4 },
    ]);
    expect(stoppedChannels({ ...weekly, spend: stopAt(base, 0, n - 3).spend })).toEqual([]);
  });

  it('gets an import warning that says what the plan does and how to keep it off', () => {
    const s = stopAt(base, 1, n - 90);
    const w = dataWarnings(s, { folds: protocolForSeries(s).folds, words: CLI_OPTION_WORDS });
    const stopped = w.filter((x) => x.code === 'stopped_channel');
    expect(stopped.map((x) => x.message)).toEqual([
      `channel "${s.channels[1]}" has no spend on the last 90 days (3 months) of the data ` +
        `(last on ${s.dates[n - 91]}): its ROAS and response curve describe the time it ran, and a plan spends on it ` +
        `at its share of the last year's spend, restarting it; if it stays off, plan with a bound of 0 on it (${s.channels[1]}=0:0)`,
    ]);
  });

  it('the plan that spends on it says it restarts it; none without a stop', () => {
    const s = stopAt(base, 0, n - 90);
    const model = revenueModelOf(fitFinalModel(s, 3));
    const outlook = scenarioOutlook(s, 'typical', model.weather, 60);
    // This model's own optimum puts the budget elsewhere: a bound keeps the channel in the plan.
    const p = makePlan(
      { series: s, model, outlook },
      {
        horizon: 14,
        budget: 100_000,
        bounds: [
          { channel: s.channels[0], min: { value: 20_000, multiple: false }, perPeriod: false },
        ],
      },
    );
    const ch = p.channels.find((c) => c.channel === s.channels[0])!;
    expect(ch.spend).toBeGreaterThan(0);
    expect(p.notes).toContain(
      `the plan restarts a channel that stopped before the end of the data: ${s.channels[0]} ${shortMoney(ch.spend)} ` +
        `(no spend on the data's last 90 days (3 months), last on ${s.dates[n - 91]}); its return is what the model learned while it ran; ` +
        `if it stays off, give it a bound of 0 (${s.channels[0]}=0:0)`,
    );
    const off = makePlan(
      { series: s, model, outlook },
      {
        horizon: 14,
        budget: 100_000,
        bounds: [
          {
            channel: s.channels[0],
            min: { value: 0, multiple: false },
            max: { value: 0, multiple: false },
            perPeriod: false,
          },
        ],
      },
    );
    expect(off.channels.find((c) => c.channel === s.channels[0])!.spend).toBe(0);
    expect(off.notes.some((x) => x.startsWith('the plan restarts'))).toBe(false);
  });
});

/**
 * A daily CSV of 400 rows: two channels, revenue 1000 + 10 t % 7 (never far from its neighbours);
 * `extra` adds a column (its header and its cell on row t).
 */
function dailyCsv(
  revenue: (t: number, y: number) => number,
  extra?: { name: string; cell: (t: number) => number },
): string {
  const lines = [
    `date,meta_spend,google_spend,temperature_c,${extra ? `${extra.name},` : ''}revenue`,
  ];
  const start = Date.UTC(2023, 0, 2);
  for (let t = 0; t < 400; t++) {
    const d = new Date(start + t * 86_400_000).toISOString().slice(0, 10);
    const y = 1000 + 10 * (t % 7);
    const more = extra ? `${extra.cell(t)},` : '';
    lines.push(`${d},${100 + (t % 5)},${50 + (t % 3)},${10 + (t % 11)},${more}${revenue(t, y)}`);
  }
  return lines.join('\n');
}

describe('a revenue spike', () => {
  const spike = (w: string[]) => w.filter((x) => x.includes('times the median of the'));

  it('is named with its date, its value and the median around it; two spikes are both named', () => {
    // Row 200 (2023-07-21) at 10 x 1000 + 10 x (200 % 7 = 4): neighbours 1000..1060, median of
    // the 28 around it 1030.
    const up = parseTenantCsv(
      dailyCsv((t, y) => (t === 200 ? 10 * y : y)),
      { tenant: 'spike' },
    );
    expect(spike(up.warnings)).toEqual([
      `"revenue" is over 3.5 times the median of the 28 days around it on 1 day beyond what spend, weather, controls, the season and weekdays explain: ` +
        `2023-07-21 (10400, 10 times 1030). An event (a sale, Black Friday), or a typo or a total pasted into one row? ` +
        `The model fits it as it is, and such a row pulls the whole fit: check that row; ` +
        `if it is real, add a control column that is 1 on that row and 0 elsewhere (one column per kind of event, e.g. black_friday)`,
    ]);
    const two = parseTenantCsv(
      dailyCsv((t, y) => (t === 100 || t === 300 ? 8 * y : y)),
      { tenant: 'two' },
    );
    // Row 100 (2023-04-12): 8 x 1020 = 8160, 7.9 times 1030; row 300 (2023-10-29): 8 x 1060.
    expect(spike(two.warnings)[0]).toContain(
      'on 2 days beyond what spend, weather, controls, the season and weekdays explain: ' +
        '2023-04-12 (8160, 7.9 times 1030) and 2023-10-29 (8480, 8.2 times 1030). ',
    );
    expect(spike(two.warnings)[0]).toContain('1 on those rows and 0 elsewhere');
  });

  it('names a Black Friday at 3.7 and 4 times its neighbours (the factor was 5: session 62)', () => {
    const bf = parseTenantCsv(
      dailyCsv((t, y) => (t === 200 ? 3.7 * y : t === 300 ? 4 * y : y)),
      { tenant: 'bf' },
    );
    expect(spike(bf.warnings)[0]).toContain(
      ': 2023-07-21 (3848, 3.7 times 1030) and 2023-10-29 (4240, 4.1 times 1030). ',
    );
  });

  it('says nothing of a rise within 3.5 times, a dip (a day without spend), a 1000x outlier (its own warning), or a spike a column explains', () => {
    expect(
      spike(
        parseTenantCsv(
          dailyCsv((t, y) => (t === 200 ? 3.4 * y : y)),
          { tenant: 'a' },
        ).warnings,
      ),
    ).toEqual([]);
    const dip = parseTenantCsv(
      dailyCsv((t, y) => (t === 200 ? y / 10 : y)),
      { tenant: 'dip' },
    );
    expect(spike(dip.warnings)).toEqual([]);
    const huge = parseTenantCsv(
      dailyCsv((t, y) => (t === 200 ? 5000 * y : y)),
      { tenant: 'b' },
    );
    expect(spike(huge.warnings)).toEqual([]);
    expect(huge.warnings.some((x) => x.includes('over 1000 times its median'))).toBe(true);
    // Days a 0/1 control marks (a sale on rows 100-101 and 300), 4 times their neighbours: the
    // control explains them. Without it they are named.
    const sale = (t: number) => (t === 100 || t === 101 || t === 300 ? 1 : 0);
    const marked = (t: number, y: number) => (sale(t) === 1 ? 4 * y : y);
    expect(
      spike(
        parseTenantCsv(dailyCsv(marked, { name: 'sale', cell: sale }), { tenant: 'c' }).warnings,
      ),
    ).toEqual([]);
    expect(spike(parseTenantCsv(dailyCsv(marked), { tenant: 'd' }).warnings)[0]).toContain(
      'on 3 days',
    );
    // A rain-gear shop's rainy days (rain on every 40th day, revenue 4.5 times): the weather explains them.
    const rain = (t: number) => (t % 40 === 7 ? 12 : 0);
    expect(
      spike(
        parseTenantCsv(
          dailyCsv((t, y) => (rain(t) > 0 ? 4.5 * y : y), { name: 'precipitation_mm', cell: rain }),
          { tenant: 'e' },
        ).warnings,
      ),
    ).toEqual([]);
  });

  it('is silent on the built-in 20 tenants and the shape suite', () => {
    for (const id of BUILTIN_TENANT_IDS)
      expect(targetSpikes(generateTenant(id).series), id).toEqual([]);
    for (const spec of SHAPE_SUITE)
      expect(targetSpikes(generateShape(spec).series), spec.id).toEqual([]);
  });
});

/** An explanation with only what poolRoas reads. */
function explanation(roas: number[]): Explanation {
  return {
    channels: roas.map((r, c) => ({
      channel: `ch${c}`,
      spend: 100,
      contribution: r * 100,
      roas: r,
      marginal_roas: r / 2,
      share_of_predicted: 0.1,
      truth: null,
      roas_error: null,
      intervals: null,
    })),
  } as unknown as Explanation;
}

describe('ROAS pooling leaves out channels whose figures are not measurements', () => {
  it('pools the others alone, with their own variances, and names the one left out', () => {
    // ch4 is a channel of almost no spend: ROAS 0.5 with a replicate spread of +-300.
    const roas = [1, 2, 3, 6, 0.5];
    const d = [1, 1, 1, 1, 300];
    const reps = [1, -1].map((sign) => roas.flatMap((r, c) => [0, r + sign * d[c], r / 2]));
    const all = explanation(roas);
    poolRoas(all, reps);
    // All five: the 300's variance (on the log scale 2 x 300^2 / 0.5^2) swamps the spread, every
    // channel at the mean, which the text says keeps no ranking between them (a probe read 12
    // weekly channels pooled to one 0.571).
    expect(all.roas_pooling!.factor).toBe(1);
    expect(all.roas_pooling!.text).toContain(
      "(all the way: the refits cannot tell these channels' ROAS apart, so the pooled figure keeps no ranking between them",
    );
    const e = explanation(roas);
    poolRoas(e, reps, ['ch4']);
    // The four others on the log scale, variance 2 d^2 / r^2 (delta method).
    const four = [1, 2, 3, 6];
    const js = jamesStein(
      four.map(Math.log),
      four.map((r) => 2 / r ** 2),
    )!;
    expect(js.factor).toBeGreaterThan(0);
    expect(js.factor).toBeLessThan(1);
    expect(e.roas_pooling!.factor).toBeCloseTo(js.factor, 12);
    expect(e.roas_pooling!.channels).toEqual(['ch0', 'ch1', 'ch2', 'ch3']);
    expect(e.channels[0].pooled_roas).toBeCloseTo(Math.exp(js.shrunk[0]), 12);
    expect(e.channels[4].pooled_roas).toBeUndefined();
    expect(e.roas_pooling!.text).toContain('; not pooled: ch4 (almost no spend');
    expect(e.roas_pooling!.text).not.toContain('all the way');
  });

  it('leaves out a channel held at 0, whose ROAS of 0 is not a measurement (INTERVALS_VERSION 20)', () => {
    // ch5 held at 0 (FinalModel.heldAtZero): ROAS 0, replicate spread +-1 like the others.
    const roas = [2, 4, 6, 8, 10, 0];
    const reps = [1, -1].map((sign) => roas.flatMap((r) => [0, r + sign, r / 2]));
    const e = explanation(roas);
    poolRoas(e, reps, [], ['ch5']);
    // The five others, toward their geometric mean (2 x 4 x 6 x 8 x 10)^(1/5).
    const five = [2, 4, 6, 8, 10];
    const js = jamesStein(
      five.map(Math.log),
      five.map((r) => 2 / r ** 2),
    )!;
    expect(e.roas_pooling!.channels).toEqual(['ch0', 'ch1', 'ch2', 'ch3', 'ch4']);
    expect(e.roas_pooling!.mean_roas).toBeCloseTo(3840 ** 0.2, 12);
    expect(e.roas_pooling!.factor).toBeCloseTo(js.factor, 12);
    expect(e.channels[0].pooled_roas).toBeCloseTo(Math.exp(js.shrunk[0]), 12);
    expect(e.channels[5].pooled_roas).toBeUndefined();
    expect(e.roas_pooling!.text).toContain('; not pooled: ch5 (held at 0');
    // Not named as held, its ROAS of 0 is still left out (no log of 0; before INTERVALS_VERSION
    // 35 it pulled the linear mean to 5), and named for that.
    const all = explanation(roas);
    poolRoas(all, reps);
    expect(all.roas_pooling!.mean_roas).toBeCloseTo(3840 ** 0.2, 12);
    expect(all.roas_pooling!.text).toContain("not pooled: ch5's ROAS (at or below 0");
  });

  it('are the channels of almost no spend and of the same spend on every row', () => {
    const s = generateTenant('extreme_heating').series;
    const n = s.target.length;
    const tiny = Float64Array.from(s.spend[0], (v) => v * 1e-4);
    const flat = new Float64Array(n).fill(250);
    const q: TenantSeries = {
      ...s,
      channels: [...s.channels, 'tiny', 'flat'],
      spend: [...s.spend, tiny, flat],
    };
    expect(constantSpendChannels(q)).toEqual(['flat']);
    expect(unpooledChannels(q)).toEqual(['tiny', 'flat']);
    expect(unpooledChannels(s)).toEqual([]);
  });
});

describe('a comparison with the pass bar', () => {
  it('prints the figure in enough decimals not to read equal to the bar', () => {
    expect(f2vs(0.4996, 0.5)).toBe('0.4996');
    expect(f2vs(0.4951, 0.5)).toBe('0.495');
    expect(f2vs(0.43, 0.5)).toBe('0.43');
    expect(f2vs(0.5, 0.5)).toBe('0.5000');
    expect(f2vs(0.1504, 0.15)).toBe('0.1504'); // a fold std that failed read "0.15 > 0.15"
  });
});
