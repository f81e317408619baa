/**
 * Charts of how well the model predicts and what the prediction is made of: out-of-sample fit
 * fold by fold, fold R² beside the oracle, contributions over time and their totals.
 */
import {
  BASELINE_COLOR,
  CHART_WIDTH,
  PASS_COLOR,
  FAIL_COLOR,
  TRUTH_COLOR,
  WEATHER_COLOR,
  CONTROLS_COLOR,
  channelColors,
  topLevel,
  type ChartDef,
  type Row,
} from './chart.js';
import { count, num, pct, periodWord, r2, sig } from './format.js';
import { displayPeriods, monthLabel, monthPeriods } from './periods.js';

/** Most bars the contributions chart stacks before it groups by month. */
const MAX_STACKED_BARS = 1200;
/** A fold's R² label goes inside its bar from this height on (room for 10 px text on the axis). */
const INSIDE_LABEL_R2 = 0.15;
import type { TenantReportData } from './types.js';

const utcTime = {
  type: 'temporal',
  scale: { type: 'utc' },
  axis: { format: '%b %Y', tickCount: 8, labelOverlap: true },
} as const;

/** Actual vs out-of-sample predicted revenue over time, one colour per fold. */
export function fitChart(d: TenantReportData): ChartDef {
  const period = periodWord(d.tenant.frequency);
  const target = d.tenant.target;
  const byFold = new Map(d.result.folds.map((f) => [f.fold, f]));
  const rows: Row[] = [];
  for (const f of d.fit) {
    const fr = byFold.get(f.fold);
    const label = `fold ${f.fold + 1} (R² ${r2(fr ? fr.r2 : null)})`;
    f.dates.forEach((date, i) => {
      rows.push({
        date,
        fold: label,
        actual: sig(f.actual[i]),
        predicted: sig(f.predicted[i]),
        oracle: f.expected ? sig(f.expected[i]) : null,
      });
    });
  }
  const weekly = d.tenant.frequency === 'daily' && rows.length > 180;
  const hasOracle = d.fit.some((f) => f.expected !== null);
  const series = hasOracle ? ['actual', 'predicted', 'oracle'] : ['actual', 'predicted'];
  const seriesTitle = hasOracle
    ? 'actual, out-of-sample prediction, oracle (noise-free truth)'
    : 'actual, out-of-sample prediction';
  const x = weekly
    ? { field: 'date', timeUnit: 'utcyearweek', ...utcTime, title: 'week (test periods only)' }
    : { field: 'date', ...utcTime, title: `${period} (test periods only)` };
  const y = {
    field: 'value',
    type: 'quantitative',
    aggregate: 'mean',
    title: weekly
      ? `${target} per day, weekly mean (currency)`
      : `${target} per ${period} (currency)`,
  };
  const spec = topLevel(`Out-of-sample fit: actual vs predicted ${target}, fold by fold`, rows, {
    width: CHART_WIDTH,
    height: 260,
    layer: [
      {
        transform: [{ fold: series, as: ['series', 'value'] }, { filter: 'datum.value != null' }],
        mark: { type: 'line', interpolate: 'monotone' },
        encoding: {
          x,
          y,
          color: {
            field: 'series',
            type: 'nominal',
            title: seriesTitle,
            scale: {
              domain: series,
              range: ['#9e9e9e', '#4c78a8', TRUTH_COLOR].slice(0, series.length),
            },
            legend: { orient: 'top', title: null },
          },
          strokeDash: {
            field: 'series',
            type: 'nominal',
            scale: {
              domain: series,
              range: [
                [1, 0],
                [1, 0],
                [4, 3],
              ].slice(0, series.length),
            },
            legend: { orient: 'top', title: null },
          },
          detail: { field: 'fold', type: 'nominal' },
        },
      },
      {
        mark: { type: 'rule', color: '#bbbbbb', strokeDash: [2, 2] },
        encoding: {
          x: { field: 'date', aggregate: 'min', ...utcTime },
          detail: { field: 'fold', type: 'nominal' },
        },
      },
      {
        mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, y: 2, fontSize: 10 },
        encoding: {
          x: { field: 'date', aggregate: 'min', ...utcTime },
          text: { field: 'fold', type: 'nominal' },
        },
      },
    ],
  });
  const folds = d.result.folds;
  const first = folds[0];
  const last = folds[folds.length - 1];
  const oracleText =
    d.result.oracle_r2 !== null ? ` vs the oracle's ${r2(d.result.oracle_r2)}` : '';
  const reading =
    folds.length > 1
      ? `Trained on ${count(first.train_rows)} ${period}s, the model explains R² ${r2(first.r2)} of the next block; ` +
        `with ${count(last.train_rows)} ${period}s, ${r2(last.r2)}. Mean ${r2(d.result.mean_r2)}${oracleText}.`
      : `Out-of-sample R² ${r2(d.result.mean_r2)}${oracleText}.`;
  return {
    id: 'fit',
    title: `Out-of-sample fit: actual vs predicted ${target}, fold by fold`,
    reading,
    rows,
    spec,
    notes: weekly
      ? [
          'Lines show weekly means of daily values; R² is computed on the daily values. The CSV has every day.',
        ]
      : [],
  };
}

/** Fold R² as bars with each fold's oracle R² as a tick. */
export function foldR2Chart(d: TenantReportData): ChartDef {
  const period = periodWord(d.tenant.frequency);
  const rows: Row[] = d.result.folds.map((f) => ({
    fold: `fold ${f.fold + 1}`,
    test_start: f.test_start,
    test_end: f.test_end,
    train_periods: f.train_rows,
    test_periods: f.test_rows,
    r2: sig(f.r2),
    oracle_r2: f.oracle_r2 === null ? null : sig(f.oracle_r2),
    model: f.model,
  }));
  const threshold = passThresholdOf(d);
  const x = {
    field: 'fold',
    type: 'nominal',
    title: 'outer fold (training grows left to right)',
    axis: { labelAngle: 0 },
  };
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: 'bar', width: { band: 0.6 } },
      encoding: {
        x,
        y: { field: 'r2', type: 'quantitative', title: 'out-of-sample R² (1 = perfect)' },
        color: {
          condition: { test: `datum.r2 >= ${threshold}`, value: PASS_COLOR },
          value: FAIL_COLOR,
        },
        tooltip: [
          { field: 'fold' },
          { field: 'r2' },
          { field: 'oracle_r2' },
          { field: 'train_periods' },
          { field: 'test_start' },
          { field: 'test_end' },
        ],
      },
    },
    {
      data: { values: [{}] },
      mark: { type: 'rule', strokeDash: [4, 3], color: '#555555' },
      encoding: { y: { datum: threshold } },
    },
  ];
  if (rows.some((r) => r.oracle_r2 !== null)) {
    layers.push({
      transform: [{ filter: 'datum.oracle_r2 != null' }],
      mark: { type: 'tick', color: TRUTH_COLOR, thickness: 3, size: 36 },
      encoding: { x, y: { field: 'oracle_r2', type: 'quantitative' } },
    });
  }
  // Value labels last: inside the top of a bar tall enough to hold one (white), else above the
  // bar, the oracle's tick and a pass bar just above it (the tick and the dashed bar ran through
  // "0.74" and "0.38"; above the tick a label read as the tick's).
  // Each layer reads every row (an empty one warned of an infinite extent) and leaves its text
  // empty where the other draws the label.
  const inside = `datum.r2 >= ${INSIDE_LABEL_R2}`;
  layers.push(
    {
      transform: [{ calculate: `${inside} ? format(datum.r2, '.2f') : ''`, as: 'label' }],
      mark: { type: 'text', baseline: 'top', dy: 4, fontSize: 10, color: '#ffffff' },
      encoding: {
        x,
        y: { field: 'r2', type: 'quantitative' },
        text: { field: 'label' },
      },
    },
    {
      transform: [
        { calculate: `${inside} ? '' : format(datum.r2, '.2f')`, as: 'label' },
        {
          calculate: `max(datum.r2, 0, datum.oracle_r2 != null ? datum.oracle_r2 : datum.r2, abs(datum.r2 - ${threshold}) < 0.06 ? ${threshold} : datum.r2)`,
          as: 'label_y',
        },
      ],
      mark: { type: 'text', dy: -8, fontSize: 10 },
      encoding: {
        x,
        y: { field: 'label_y', type: 'quantitative' },
        text: { field: 'label' },
      },
    },
  );

  const best = d.result.folds.reduce((a, b) => (b.r2 > a.r2 ? b : a));
  const worst = d.result.folds.reduce((a, b) => (b.r2 < a.r2 ? b : a));
  const pass = d.result.passes ? 'passes' : 'fails';
  const gaps = d.result.folds
    .filter((f) => f.oracle_r2 !== null)
    .map((f) => (f.oracle_r2 as number) - f.r2);
  const gapText = gaps.length
    ? `; it sits ${gaps.map((g) => g.toFixed(2)).join(', ')} below the oracle fold by fold`
    : '';
  // Real data have no oracle: the title promised a black tick that was not drawn.
  const foldTitle = `Out-of-sample R² per fold (${rows.some((r) => r.oracle_r2 !== null) ? 'black tick: oracle R², ' : ''}dashed: pass bar)`;
  return {
    id: 'fold-r2',
    title: foldTitle,
    reading:
      `Mean R² ${r2(d.result.mean_r2)} ${pass} the ${threshold.toFixed(2)} bar; best fold ${best.fold + 1} (${r2(best.r2)}), ` +
      `worst fold ${worst.fold + 1} (${r2(worst.r2)}, ${count(worst.train_rows)} training ${period}s)${gapText}.`,
    rows,
    spec: topLevel(foldTitle, rows, {
      width: Math.min(CHART_WIDTH, 120 * rows.length + 80),
      height: 220,
      layer: layers,
    }),
  };
}

/** The pass bar the result was judged with (failures say "mean R² x < bar"; default 0.5). */
function passThresholdOf(d: TenantReportData): number {
  for (const f of d.result.failures) {
    const m = /mean R² [-\d.]+ < ([-\d.]+)/.exec(f);
    if (m) return Number(m[1]);
  }
  return 0.5;
}

/** Component names in stacking order, with colours. */
function components(d: TenantReportData): { names: string[]; colors: string[] } {
  const ch = d.decomposition.channels.map((c) => c.channel);
  const colors = channelColors(d.tenant.channels);
  const names = [
    'baseline',
    ...(d.decomposition.weather ? ['weather'] : []),
    ...((d.decomposition.controls ?? []).length > 0 ? ['controls'] : []),
    ...ch,
  ];
  const fixed: Record<string, string> = {
    baseline: BASELINE_COLOR,
    weather: WEATHER_COLOR,
    controls: CONTROLS_COLOR,
  };
  return { names, colors: names.map((n) => fixed[n] ?? colors[n]) };
}

/** "baseline, weather, controls and each channel", naming only the parts the chart has. */
function partsWords(weather: boolean, controls: boolean): string {
  const parts = ['baseline', ...(weather ? ['weather'] : []), ...(controls ? ['controls'] : [])];
  return parts.length === 1 ? 'baseline, each channel' : `${parts.join(', ')} and each channel`;
}

/** The controls' summed true contribution, when the explanation has a truth for every one. */
function controlsTruth(d: TenantReportData): number | null {
  const k = d.explanation.controls;
  if (k.length === 0 || k.some((c) => c.truth === null)) return null;
  return sig(k.reduce((s, c) => s + c.truth!.contribution, 0));
}

/** The controls' summed contribution per row (one chart component), or null without controls. */
function controlsPart(d: TenantReportData): number[] | null {
  const k = d.decomposition.controls ?? [];
  if (k.length === 0) return null;
  return d.decomposition.dates.map((_, t) => k.reduce((s, c) => s + c.contribution[t], 0));
}

/** Stacked bars of what the all-rows model attributes to baseline, weather and each channel. */
export function contributionsChart(d: TenantReportData): ChartDef {
  const dec = d.decomposition;
  const controls = controlsPart(d);
  const period = periodWord(d.tenant.frequency);
  const parts: { name: string; values: number[] }[] = [
    { name: 'baseline', values: dec.baseline },
    ...(dec.weather ? [{ name: 'weather', values: dec.weather }] : []),
    ...(controls ? [{ name: 'controls', values: controls }] : []),
    ...dec.channels.map((c) => ({ name: c.channel, values: c.contribution })),
  ];
  // Weeks (or the data's own periods); months when that would draw too many bars to read.
  let periods = displayPeriods(dec.dates, d.tenant.frequency);
  let unit = periods.length < dec.dates.length ? 'week' : period;
  if (periods.length * parts.length > MAX_STACKED_BARS) {
    periods = monthPeriods(dec.dates);
    unit = 'month';
  }
  // Periods grouped from rows hold unequal counts (months of 4 or 5 weeks, a first and a last week
  // of a day or two): each is scaled to the rows of a whole period, so that a 5-week month does not
  // stand 25% above a 4-week one and an edge week does not read as a collapse (a probe's weekly
  // 12-channel report: every 5-week month a local peak, a seasonal sawtooth the data did not have).
  const grouped = periods.length < dec.dates.length;
  const fullRows =
    unit === 'month'
      ? d.tenant.frequency === 'weekly'
        ? 365.25 / 12 / 7
        : 365.25 / 12
      : unit === 'week' && grouped
        ? 7
        : 1;
  const scaleOf = (p: { rows: number[] }): number => (grouped ? fullRows / p.rows.length : 1);
  const rows: Row[] = [];
  for (const p of periods) {
    for (const part of parts) {
      let s = 0;
      for (const t of p.rows) s += part.values[t];
      rows.push({
        period_start: p.start,
        period_end: p.end,
        component: part.name,
        contribution: sig(s * scaleOf(p)),
      });
    }
  }
  const { names, colors } = components(d);
  const total = dec.predicted.reduce((a, b) => a + b, 0);
  const sumOf = (v: number[]) => v.reduce((a, b) => a + b, 0);
  const shares = parts.map((p) => `${p.name} ${pct(sumOf(p.values) / total)}`);
  const when = (start: string) => (unit === 'month' ? monthLabel(start) : `${unit} of ${start}`);
  let weatherText = '';
  if (dec.weather) {
    const w = periods.map((p) => {
      let ws = 0;
      for (const t of p.rows) ws += (dec.weather as number[])[t];
      return { value: ws * scaleOf(p), start: p.start };
    });
    const lo = w.reduce((a, b) => (b.value < a.value ? b : a));
    const hi = w.reduce((a, b) => (b.value > a.value ? b : a));
    weatherText =
      `; against average weather, weather adds up to ${num(Math.max(0, hi.value))} in a ${unit} (${when(hi.start)}) ` +
      `and takes up to ${num(Math.max(0, -lo.value))} (${when(lo.start)})`;
  }
  return {
    id: 'contributions',
    title: `Contributions over time: ${partsWords(dec.weather !== null, controls !== null)} (per ${unit})`,
    reading: `Share of predicted ${d.tenant.target}: ${shares.join(', ')}${weatherText}.`,
    rows,
    spec: topLevel(
      `Contributions over time: ${partsWords(dec.weather !== null, controls !== null)} (per ${unit})`,
      rows,
      {
        width: CHART_WIDTH,
        height: 260,
        transform: [
          { calculate: `indexof(${JSON.stringify(names)}, datum.component)`, as: 'order' },
          {
            stack: 'contribution',
            groupby: ['period_start'],
            sort: [{ field: 'order', order: 'ascending' }],
            offset: 'zero',
            as: ['stack_lo', 'stack_hi'],
          },
        ],
        mark: { type: 'rect' },
        encoding: {
          x: { field: 'period_start', ...utcTime, title: unit },
          x2: { field: 'period_end' },
          y: {
            field: 'stack_lo',
            type: 'quantitative',
            title: `contribution per ${unit} (currency)`,
          },
          y2: { field: 'stack_hi' },
          color: {
            field: 'component',
            type: 'nominal',
            scale: { domain: names, range: colors },
            title: 'component',
          },
          tooltip: [
            { field: 'period_start' },
            { field: 'component' },
            { field: 'contribution', format: ',.0f' },
          ],
        },
      },
    ),
    notes: [
      ...(grouped
        ? [
            unit === 'month'
              ? `Each month's bars are its ${d.tenant.frequency === 'weekly' ? 'weeks' : 'days'} scaled to an average month (${d.tenant.frequency === 'weekly' ? '4.35 weeks' : '30.4 days'}): months of 4 and 5 weeks, and the first and last months of the data, compare as like with like; the shares above are of the unscaled totals.`
              : 'Each week is its days scaled to 7: a first or last week the data hold only part of compares with the others; the shares above are of the unscaled totals.',
          ]
        : []),
      'Channel parts are counterfactual (prediction minus prediction with that channel at zero, carry-over included); weather is prediction minus prediction at average weather; ' +
        (controls
          ? 'controls are the sum over the controls of prediction minus prediction with the control at 0 when it is 0 on at least half the rows (events, promotions), else at its mean (prices; the decomposition CSV has each); '
          : '') +
        'baseline is the rest, so the parts add up to the prediction.',
    ],
  };
}

/** Totals of the decomposition, with the truth for channels of synthetic tenants. */
export function totalsChart(d: TenantReportData): ChartDef {
  const dec = d.decomposition;
  const controls = controlsPart(d);
  const sumOf = (v: number[]) => v.reduce((a, b) => a + b, 0);
  const total = sumOf(dec.predicted);
  const truthByChannel = new Map(
    d.explanation.channels.map((c) => [c.channel, c.truth ? c.truth.contribution : null]),
  );
  const rows: Row[] = [
    {
      component: 'baseline',
      total: sig(sumOf(dec.baseline)),
      share: sig(sumOf(dec.baseline) / total),
      truth: null,
    },
    ...(dec.weather
      ? [
          {
            component: 'weather',
            total: sig(sumOf(dec.weather)),
            share: sig(sumOf(dec.weather) / total),
            truth: null,
          },
        ]
      : []),
    ...(controls
      ? [
          {
            component: 'controls',
            total: sig(sumOf(controls)),
            share: sig(sumOf(controls) / total),
            // The generator's event revenue, when every control has one (synthetic event tenants).
            truth: controlsTruth(d),
          },
        ]
      : []),
    ...dec.channels.map((c) => {
      const tv = truthByChannel.get(c.channel) ?? null;
      return {
        component: c.channel,
        total: sig(sumOf(c.contribution)),
        share: sig(sumOf(c.contribution) / total),
        truth: tv === null ? null : sig(tv),
      };
    }),
  ];
  const { names, colors } = components(d);
  const y = { field: 'component', type: 'nominal', sort: names, title: null };
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: 'bar', height: { band: 0.6 } },
      encoding: {
        y,
        x: {
          field: 'total',
          type: 'quantitative',
          title: `total over the period (currency of ${d.tenant.target})`,
        },
        color: {
          field: 'component',
          type: 'nominal',
          scale: { domain: names, range: colors },
          legend: null,
        },
        tooltip: [
          { field: 'component' },
          { field: 'total', format: ',.0f' },
          { field: 'share', format: '.1%' },
          { field: 'truth', format: ',.0f' },
        ],
      },
    },
    {
      mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 },
      encoding: {
        y,
        x: { field: 'total', type: 'quantitative' },
        text: { field: 'share', format: '.1%' },
      },
    },
  ];
  const hasTruth = rows.some((r) => r.truth !== null);
  if (hasTruth) {
    layers.push({
      transform: [{ filter: 'datum.truth != null' }],
      mark: { type: 'tick', color: TRUTH_COLOR, thickness: 3 },
      encoding: { y, x: { field: 'truth', type: 'quantitative' } },
    });
  }
  const channelText = d.explanation.channels
    .map(
      (c) =>
        `${c.channel} ${num(c.contribution)}${c.truth ? ` (true ${num(c.truth.contribution)})` : ''}`,
    )
    .join(', ');
  return {
    id: 'totals',
    title: `Decomposition totals over ${d.tenant.start} .. ${d.tenant.end}${hasTruth ? ' (black tick: truth)' : ''}`,
    reading: `Of ${num(total)} predicted ${d.tenant.target}, the channels brought ${channelText}.`,
    rows,
    spec: topLevel(
      `Decomposition totals over ${d.tenant.start} .. ${d.tenant.end}${hasTruth ? ' (black tick: truth)' : ''}`,
      rows,
      { width: CHART_WIDTH - 120, height: { step: 30 }, layer: layers },
    ),
  };
}

/** Estimated vs true contribution of each channel per period (synthetic tenants only). */
export function contributionTruthChart(d: TenantReportData): ChartDef | null {
  const dec = d.decomposition;
  if (!dec.channels.some((c) => c.truth !== null)) return null;
  const periods = displayPeriods(dec.dates, d.tenant.frequency);
  const unit = periods.length < dec.dates.length ? 'week' : periodWord(d.tenant.frequency);
  const rows: Row[] = [];
  const errors: string[] = [];
  for (const c of dec.channels) {
    if (!c.truth) continue;
    let absErr = 0;
    let absTrue = 0;
    for (const p of periods) {
      let e = 0;
      let t = 0;
      for (const i of p.rows) {
        e += c.contribution[i];
        t += (c.truth as number[])[i];
      }
      absErr += Math.abs(e - t);
      absTrue += Math.abs(t);
      rows.push({ period_start: p.start, channel: c.channel, estimate: sig(e), truth: sig(t) });
    }
    errors.push(`${c.channel} ${pct(absTrue > 0 ? absErr / absTrue : 0)}`);
  }
  const colors = channelColors(d.tenant.channels);
  const chans = dec.channels.map((c) => c.channel);
  return {
    id: 'contributions-truth',
    title: `Channel contribution per ${unit}: estimate (solid) vs truth (dashed)`,
    reading: `Per ${unit}, the estimated channel contribution is off the truth by ${errors.join(', ')} of the true total (sum of absolute ${unit}ly errors).`,
    rows,
    spec: topLevel(`Channel contribution per ${unit}: estimate (solid) vs truth (dashed)`, rows, {
      width: CHART_WIDTH,
      height: 200,
      transform: [{ fold: ['estimate', 'truth'], as: ['kind', 'value'] }],
      mark: { type: 'line', interpolate: 'monotone' },
      encoding: {
        x: { field: 'period_start', ...utcTime, title: unit },
        y: { field: 'value', type: 'quantitative', title: `contribution per ${unit} (currency)` },
        color: {
          field: 'channel',
          type: 'nominal',
          scale: { domain: chans, range: chans.map((c) => colors[c]) },
          title: 'channel',
        },
        strokeDash: {
          field: 'kind',
          type: 'nominal',
          scale: {
            domain: ['estimate', 'truth'],
            range: [
              [1, 0],
              [4, 3],
            ],
          },
          title: 'line',
        },
        detail: { field: 'channel', type: 'nominal' },
      },
    }),
  };
}
