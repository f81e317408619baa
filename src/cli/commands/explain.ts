import {
  moneyResolution,
  replicateWords,
  smallAmount,
  validationClause,
  weatherStateLabels,
  weatherStateReading,
  type Explanation,
  type ExplanationView,
  type FigureInterval,
} from '../../app/index.js';
import { int, list, need } from '../args.js';
import type { Command } from '../command.js';
import { fixed, table } from '../format.js';
import { phaseOf } from '../shared.js';

/** 'week' for weekly data (every step 7 days), else 'day'. */
export function periodOf(e: Pick<Explanation, 'rows' | 'start' | 'end'>): 'day' | 'week' {
  const days = (Date.parse(e.end) - Date.parse(e.start)) / 86_400_000;
  return e.rows > 1 && days === 7 * (e.rows - 1) ? 'week' : 'day';
}

/**
 * Amounts as whole units; where the revenue is counted in large units (the channels'
 * contributions sum below 100,000: in millions, 0.0015 a day read "0"), amounts below 100 in
 * three significant figures down to moneyResolution of that sum.
 */
function amountsOf(e: Pick<Explanation, 'channels'>): (x: number) => number | string {
  const scale = e.channels.reduce((a, c) => a + Math.abs(c.contribution), 0);
  const resolution = moneyResolution(scale);
  return (x) =>
    resolution < 0.01 && Number.isFinite(x) && Math.abs(x) < 99.95
      ? smallAmount(x, resolution)
      : Math.round(x);
}

/** "lo to hi" of an interval level, or '-' when there is none. */
function bounds(iv: FigureInterval | undefined, level: 'p80' | 'p95'): string {
  return iv ? `${fixed(iv[level][0], 2)} to ${fixed(iv[level][1], 2)}` : '-';
}

/**
 * A weather state's column header in the response-curve tables: its label without the column
 * name ('cold', 'rain'), or the whole state where two columns share a label (the low / mid / high
 * of two columns of unrecognised name). The column name can be any header ('Temperature (°F)').
 */
export function stateHeaders(
  states: readonly Pick<Explanation['weather_states'][number], 'state' | 'variable'>[],
): string[] {
  return weatherStateLabels(states);
}

/**
 * Channels above which the ROAS-by-weather-state table gives one row per channel and state
 * instead of a column pair per channel: a new analyst's 12 weekly channels made the wide table
 * about 700 characters across.
 */
export const WIDE_STATE_TABLE_CHANNELS = 3;

export function explainText(e: Explanation | ExplanationView): string {
  const round = amountsOf(e);
  const period = periodOf(e);
  const states = e.weather_states;
  const reading = weatherStateReading(e);
  const headers = stateHeaders(states);
  const hasTruth = e.channels.some((c) => c.truth !== null);
  const calibrated = e.calibration?.applied === true;
  const curves = (e.response_curves ?? []).map((curve) => {
    // Every other level and the last: the shape in 7 lines (--json has all of them).
    const shown = curve.spend_levels
      .map((_, i) => i)
      .filter((i) => i % 2 === 0 || i === curve.spend_levels.length - 1);
    const rows = shown.map((i) => [
      round(curve.spend_levels[i]),
      round(curve.contribution[i]),
      ...(curve.true_contribution ? [round(curve.true_contribution[i])] : []),
      ...states.map((s) => round(curve.by_state[s.state]?.[i] ?? NaN)),
    ]);
    return [
      '',
      `${curve.channel}: revenue per ${period} from a constant spend per ${period}`,
      table(
        [
          `spend/${period}`,
          `revenue/${period}`,
          ...(curve.true_contribution ? ['true'] : []),
          ...headers,
        ],
        rows,
      ),
    ].join('\n');
  });
  const fit = validationClause(e);
  const caveats = e.caveats.map((c) => `CAVEAT (${c.code}): ${c.message}`);
  const hasIv = e.channels.some((c) => c.intervals !== null);
  const pooled = e.roas_pooling !== undefined;
  return [
    ...caveats,
    ...(caveats.length ? [''] : []),
    `${e.tenant}: phase ${e.phase} ${e.model_kind} model${fit}, ${e.rows} ${period === 'week' ? 'weekly' : 'daily'} rows ${e.start}..${e.end}`,
    table(
      [
        'channel',
        'spend',
        'contribution',
        calibrated ? 'ROAS calibrated' : 'ROAS',
        ...(hasIv ? ['ROAS 80%', 'ROAS 95%'] : []),
        ...(calibrated ? ['ROAS uncalibrated', 'ROAS refit, no tests'] : []),
        ...(pooled ? ['ROAS pooled'] : []),
        ...(hasTruth ? ['true ROAS'] : []),
        'marginal ROAS',
        ...(hasIv ? ['marginal 80%'] : []),
        ...(pooled ? ['marginal pooled'] : []),
      ],
      e.channels.map((c) => [
        c.channel,
        round(c.spend),
        round(c.contribution),
        // No spend in the data: nothing to estimate (the low_spend_channel caveat says so).
        c.no_spend ? 'no spend' : c.roas,
        ...(hasIv ? [bounds(c.intervals?.roas, 'p80'), bounds(c.intervals?.roas, 'p95')] : []),
        ...(calibrated ? [c.uncalibrated_roas ?? null, c.refit_roas ?? null] : []),
        ...(pooled ? [c.pooled_roas ?? null] : []),
        ...(hasTruth ? [c.truth?.roas ?? null] : []),
        c.no_spend ? null : c.marginal_roas,
        ...(hasIv ? [bounds(c.intervals?.marginal_roas, 'p80')] : []),
        ...(pooled ? [c.pooled_marginal_roas ?? null] : []),
      ]),
    ),
    ...(e.roas_pooling ? [`ROAS pooled: ${e.roas_pooling.text}`] : []),
    ...controlLines(e, round, period),
    ...(e.calibration && e.calibration.tests.length
      ? [
          '',
          `Lift tests (${calibrated ? 'calibrated' : 'not applied'}; docs/calibration.md)`,
          table(
            ['id', 'channel', 'window', 'measured', 'SE', 'uncalibrated', 'calibrated', 'used'],
            e.calibration.tests.map((t, i) => [
              `#${t.id ?? i + 1}`,
              t.channel,
              `${t.start}..${t.end}`,
              round(t.incremental_revenue),
              round(t.standard_error),
              round(t.uncalibrated_lift),
              round(t.calibrated_lift),
              t.used ? 'yes' : t.conflict ? notUsedWhy(t) : 'no',
            ]),
          ),
          ...(calibrated && e.calibration.held_channels.length
            ? [
                heldLine(
                  e.calibration.held_channels,
                  e.calibration.tests,
                  e.caveats.some((c) => c.code === 'lift_tests_ridge_form'),
                ),
              ]
            : []),
        ]
      : []),
    ...(states.length && e.channels.length > WIDE_STATE_TABLE_CHANNELS
      ? [
          '',
          `ROAS by weather state (${period}s in each state), one row per channel and state`,
          table(
            ['state', 'definition', `${period}s`],
            states.map((w) => [w.state, w.definition, w.rows]),
          ),
          table(
            [
              'channel',
              'state',
              'ROAS',
              ...(hasIv ? ['ROAS 80%'] : []),
              ...(hasTruth ? ['true ROAS'] : []),
            ],
            e.channels.flatMap((ch) =>
              states.flatMap((w) => {
                const c = w.channels.find((x) => x.channel === ch.channel);
                if (!c) return [];
                return [
                  [
                    ch.channel,
                    w.state,
                    c.roas === null ? 'no spend' : c.roas,
                    ...(hasIv ? [bounds(c.intervals?.roas, 'p80')] : []),
                    ...(hasTruth ? [c.true_roas] : []),
                  ],
                ];
              }),
            ),
          ),
          ...(reading === null ? [] : [reading.charAt(0).toUpperCase() + reading.slice(1) + '.']),
        ]
      : states.length
        ? [
            '',
            `ROAS by weather state (${period}s in each state)`,
            table(
              [
                'state',
                'definition',
                `${period}s`,
                ...e.channels.flatMap((c) =>
                  hasIv ? [`${c.channel} ROAS`, `${c.channel} 80%`] : [`${c.channel} ROAS`],
                ),
                ...(hasTruth ? e.channels.map((c) => `${c.channel} true`) : []),
              ],
              states.map((w) => [
                w.state,
                w.definition,
                w.rows,
                // No spend in the state: no ROAS there (null in --json).
                ...w.channels.flatMap((c) => {
                  const roas = c.roas === null ? 'no spend' : c.roas;
                  return hasIv ? [roas, bounds(c.intervals?.roas, 'p80')] : [roas];
                }),
                ...(hasTruth ? w.channels.map((c) => c.true_roas) : []),
              ]),
            ),
            ...(reading === null ? [] : [reading.charAt(0).toUpperCase() + reading.slice(1) + '.']),
          ]
        : [
            '',
            'no weather states: the data has no temperature or precipitation column (under any name docs/csv-format.md lists) and no other weather column the model uses',
          ]),
    '',
    `Response curves (mean over the ${e.rows} ${period}s${e.weather_states.length > 0 ? ', and within each weather state' : ''})`,
    ...curves,
    '',
    ...(e.uncertainty
      ? [
          `intervals: ${e.uncertainty.replicates}-replicate moving-block bootstrap (blocks of ${e.uncertainty.block_length} rows), ` +
            `each replicate ${replicateWords(e.phase)}; response-curve bands in --json`,
        ]
      : []),
    ...e.notes.map((n) => `note: ${n}`),
    ...selectionLines(e),
  ].join('\n');
}

/**
 * The controls' table: what each control added to the prediction against its reference (0 for
 * an event column, else its mean), with its intervals; nothing without controls.
 */
function controlLines(
  e: Explanation | ExplanationView,
  round: (x: number) => number | string,
  period: 'day' | 'week',
): string[] {
  if (e.controls.length === 0) return [];
  const hasIv = e.controls.some((k) => k.intervals !== null);
  const hasTruth = e.controls.some((k) => k.truth !== null);
  const money = (iv: FigureInterval | undefined, level: 'p80' | 'p95'): string =>
    iv ? `${round(iv[level][0])} to ${round(iv[level][1])}` : '-';
  // Per unit of a control of any scale (a price in cents, a share in 0-1): 4 significant digits.
  const perUnit = (x: number): string =>
    Number.isFinite(x) ? String(Number(x.toPrecision(4))) : 'n/a';
  const perUnitBand = (iv: FigureInterval | undefined): string =>
    iv ? `${perUnit(iv.p80[0])} to ${perUnit(iv.p80[1])}` : '-';
  return [
    '',
    `Controls: what each added to the prediction, against its reference (0 for a control that is 0 on at least half the ${period}s, else its mean)`,
    table(
      [
        'control',
        'reference',
        `${period}s off it`,
        'contribution',
        ...(hasIv ? ['80%', '95%'] : []),
        'share of predicted',
        ...(hasTruth ? ['true'] : []),
        `per ${period} per unit`,
        ...(hasIv ? ['per unit 80%'] : []),
      ],
      e.controls.map((k) => [
        k.control,
        k.reference,
        k.active_rows,
        round(k.contribution),
        ...(hasIv
          ? [money(k.intervals?.contribution, 'p80'), money(k.intervals?.contribution, 'p95')]
          : []),
        // One decimal: a control counted from its mean shares about 0 (3e-14%, not 3.10e-14%).
        `${(100 * k.share_of_predicted).toFixed(1).replace(/^-(0\.0)$/, '$1')}%`,
        ...(hasTruth ? [k.truth === null ? null : round(k.truth.contribution)] : []),
        perUnit(k.effect_per_unit),
        ...(hasIv ? [perUnitBand(k.intervals?.effect_per_unit)] : []),
      ]),
    ),
    `(per ${period} per unit: the revenue a ${period} gains per unit of the control, the figure to read for a control counted from its mean, whose contribution sums departures on both sides)`,
  ];
}

/** A partial channel selection (--channels), said after the notes; nothing for every channel. */
function selectionLines(e: Explanation | ExplanationView): string[] {
  if (!('selection' in e) || e.selection.channels.length === e.selection.of_channels) return [];
  const sel = e.selection;
  const left =
    sel.caveats_left_out > 0
      ? `; ${sel.caveats_left_out} caveat(s) about the other channels only left out`
      : '';
  return [`shown: ${sel.channels.length} of ${sel.of_channels} channels (--channels)${left}`];
}

export const explain: Command = {
  name: 'explain',
  section: 'Modeling',
  summary:
    'what each channel is worth: contributions, ROAS, ROAS by weather state, response curves',
  usage: '--tenant ID [--phase 0|1|2|3] [--replicates B] [--channels a,b] [--json]',
  details:
    'Decomposes the phase model fitted on all rows (default phase 3) by counterfactual: revenue\n' +
    "predicted with the channel's spend minus revenue predicted with it at zero. Weather states:\n" +
    'temperature terciles of the data (cold, mild, hot, thresholds printed) and rain/dry.\n' +
    'Controls (events, promotions, prices): what each added to the prediction against its\n' +
    'reference (0 for a column that is 0 on at least half the rows, else its mean).\n' +
    'Every figure has 80% and 95% intervals from B bootstrap refits of the whole model (default\n' +
    'round(120 / channels) in 10-60: 60 for two channels, about 5 s of CPU for phase 3; 0 = none).\n' +
    'Caveats come first: a model below the pass bar (mean fold R² < 0.50), data\n' +
    'problems (revenue and spend in different units, two channels with the same spend), phases 0-2\n' +
    'without carry-over, a negative or unidentified channel effect, a contribution interval\n' +
    'above the revenue, a weather state a channel never spent in (its ROAS there: no spend),\n' +
    'or a figure whose 95% interval includes zero; every code in docs/intervals.md "Caveats".\n' +
    'The warnings of import and train on the data (level shift, duplicate spend, units) are\n' +
    'in docs/csv-format.md.' +
    '\n' +
    'With lift tests (wv-mmm lift add), phase 3 is calibrated with them: calibrated and\n' +
    'uncalibrated ROAS side by side, and tests that conflict with the data are reported.',
  options: {
    tenant: { type: 'string', value: 'ID', help: 'the tenant' },
    phase: {
      type: 'string',
      value: '0|1|2|3',
      help: 'the phase model to explain (default 3; phases 0-2 have no carry-over: their ROAS reads low)',
    },
    replicates: {
      type: 'string',
      value: 'B',
      help: 'bootstrap refits behind the intervals (0 = none, or 10-500; default round(120 / channels) in 10-60: 60 for 2 channels, 10 for 12)',
    },
    channels: {
      type: 'string',
      value: 'a,b',
      help: 'only these channels: their figures, weather states, curves and caveats, plus those about the whole model (default every channel; the figures are the same)',
    },
  },
  json: true,
  jsonHelp: "the fields of the MCP tool explain_tenant's result with curves: true, every digit",
  async run({ app, flags, print, signal }) {
    const tenant = need(flags, 'tenant', 'a tenant id (see `wv-mmm tenants`)');
    const replicates = int(flags, 'replicates', 0, 500);
    const channels = flags.channels === undefined ? undefined : (list(flags.channels) ?? []);
    const e = await app().explainTenantView(
      { tenant, phase: phaseOf(flags, false), replicates, channels, curves: true },
      { signal },
    );
    print(e, () => explainText(e));
  },
};

/**
 * Why a test is left out (calibration.ts): in conflict with the data, or out of line with the
 * channel's other tests, which are used (the caveat lift_test_conflict gives the figures).
 */
function notUsedWhy(t: {
  conflict_with?: 'data' | 'tests' | null;
  out_of_line_with?: string[];
}): string {
  return t.conflict_with === 'tests' && t.out_of_line_with?.length
    ? `no (out of line with ${t.out_of_line_with.join(', ')})`
    : 'no (conflict with the data)';
}

/**
 * The channels a calibrated model holds at the uncalibrated figures: those without a lift test
 * and those whose tests were left out as a conflict (calibration.ts).
 */
function heldLine(
  held: readonly string[],
  tests: readonly { channel: string }[],
  ridgeForm: boolean,
): string {
  const notUsed = held.filter((c) => tests.some((t) => t.channel === c));
  const none = held.filter((c) => !notUsed.includes(c));
  const parts = [
    ...(none.length > 0 ? [`No lift test: ${none.join(', ')}`] : []),
    ...(notUsed.length > 0 ? [`lift test not used (conflict): ${notUsed.join(', ')}`] : []),
  ];
  // A tree model's tests calibrate its Ridge form: "held" there is at that Ridge's figures, which
  // differ from the tree model's own explanation without tests (probe s71: video 0.78 -> 1.20).
  return ridgeForm
    ? `${parts.join('; ')} (figures held at the uncalibrated Ridge form's, the column "ROAS uncalibrated": not the tree model's own figures, which explain shows without lift tests)`
    : `${parts.join('; ')} (figures held at the uncalibrated model's)`;
}
