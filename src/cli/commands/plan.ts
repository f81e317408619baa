/** `wv-mmm plan` and `wv-mmm plans`: budget plans with the weather, printed as text or JSON. */
import { accessSync, constants, existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  APP_LIMITS,
  AppError,
  caveatWords,
  DEFAULT_PLAN_REPLICATES,
  MAX_PLAN_REPLICATES,
  MIN_PLAN_REPLICATES,
  moneyResolution,
  planSpendCsv,
  SCENARIOS,
  AFTER_HORIZON,
  smallAmount,
  type AfterHorizon,
  type ScenarioName,
  type StoredPlan,
} from '../../app/index.js';
import { UsageError } from '../args.js';
import type { Command, Flags } from '../command.js';
import { table } from '../format.js';
import { readInputFile } from '../shared.js';

function numberFlag(flags: Flags, name: string): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) {
    // What an amount copied from a spreadsheet holds: a currency sign, thousands separators, a
    // suffix (probe s71: --budget '$2,000,000' got "must be a number" without the fix).
    const amount =
      typeof v === 'string' && /^[\s$€£¥]*[0-9][0-9.,'\s]*[kKmM]?\s*$/.test(v)
        ? `: digits and one decimal point only, without a currency sign, thousands separators or a k/M suffix (for example --${name} 2000000)`
        : '';
    throw new UsageError(`--${name} must be a number (got ${String(v)})${amount}`);
  }
  return n;
}

function wholeFlag(flags: Flags, name: string): number | undefined {
  const n = numberFlag(flags, name);
  if (n !== undefined && !Number.isInteger(n)) {
    throw new UsageError(`--${name} must be a whole number (got ${n})`);
  }
  return n;
}

function scenarioFlag(flags: Flags, name: string): ScenarioName | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(SCENARIOS as readonly string[]).includes(v)) {
    throw new UsageError(`--${name} must be one of ${SCENARIOS.join(', ')} (got ${String(v)})`);
  }
  return v as ScenarioName;
}

function afterHorizonFlag(flags: Flags): AfterHorizon | undefined {
  const v = flags['after-horizon'];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(AFTER_HORIZON as readonly string[]).includes(v)) {
    throw new UsageError(
      `--after-horizon must be one of ${AFTER_HORIZON.join(', ')} (got ${String(v)}): stop counts the carry-over after the horizon with nothing more spent, continue with each channel going on at its historical rate`,
    );
  }
  return v as AfterHorizon;
}

/** The CLI's words for the app's request-level messages. */
function inCliWords(e: unknown): never {
  if (e instanceof AppError && e.code === 'invalid_argument') {
    const msg = e.message
      .replace(/^budget must/, '--budget must')
      .replace(/^replicates must/, '--replicates must')
      .replace(/^days must/, '--days must')
      .replace(/^weeks must/, '--weeks must')
      .replace(/^plan id must/, '--id must')
      .replace(/^limit must/, '--limit must');
    throw new AppError(msg, e.code);
  }
  throw e;
}

/**
 * The --csv destination, checked before anything is planned or stored: a path whose directory
 * exists and can be written, and which is not itself a directory or a read-only file. Undefined
 * when the flag is absent.
 */
function csvDestination(flags: Flags): string | undefined {
  const file = flags.csv;
  if (file === undefined) return undefined;
  if (typeof file !== 'string' || file === '') {
    throw new UsageError('--csv needs a file path, e.g. --csv plan.csv');
  }
  const cannot = (why: string): never => {
    throw new UsageError(`cannot write --csv ${file}: ${why}; give a file in a writable directory`);
  };
  const dir = path.dirname(path.resolve(file));
  if (!existsSync(dir)) cannot(`the directory ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) cannot(`${dir} is not a directory`);
  if (existsSync(file) && statSync(file).isDirectory()) cannot('it is a directory');
  try {
    accessSync(existsSync(file) ? file : dir, constants.W_OK);
  } catch {
    cannot(existsSync(file) ? 'the file is read-only' : `the directory ${dir} is read-only`);
  }
  return file;
}

/**
 * Writes the plan's spend per period (and the outlook's weather) as CSV to `file` (checked by
 * csvDestination before the plan was made). Returns the lines the text output ends with.
 */
function writeSpendCsv(file: string | undefined, p: StoredPlan): string[] {
  if (file === undefined) return [];
  try {
    writeFileSync(file, planSpendCsv(p.plan));
  } catch (e) {
    throw new AppError(
      `cannot write --csv ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}; ` +
        `the plan is stored: wv-mmm plans --id ${p.id} --csv FILE writes it again`,
      'invalid_argument',
    );
  }
  const unit = p.plan.horizon.unit;
  return [
    '',
    `wrote ${path.resolve(file)}: the spend per ${unit} (${p.plan.horizon.periods} rows) with the outlook's weather${p.comparison ? ` (${p.plan.outlook.source}, the plan's own outlook; the spend under ${p.comparison.plan.outlook.source} is in the table above)` : ''}`,
  ];
}

/**
 * Whole units with thousands separators; below 100 three significant figures down to cents, or
 * finer where the revenue is counted in large units (moneyResolution of `scale`, the revenue of
 * the plan's horizon: in millions a spend of 0.0015 a day read "0").
 */
function moneyAt(scale: number): (v: number) => string {
  const resolution = moneyResolution(Math.abs(scale));
  return (v) =>
    Math.abs(v) < 99.95 ? smallAmount(v, resolution) : Math.round(v).toLocaleString('en-US');
}

export function planText(p: StoredPlan): string {
  const r = p.plan;
  const money = moneyAt(r.expected_revenue?.horizon ?? 0);
  const rows = r.channels.map((c) => [
    c.channel,
    money(c.spend),
    money(c.historical_spend),
    money(c.incremental_revenue),
    c.roas,
    c.marginal_roas,
    c.at_bound ?? '',
  ]);
  // Spend per period beside the outlook's weather and the controls the plan assumed: the plan's,
  // and the compared outlook's plan.
  const periodTable = (q: StoredPlan['plan']): string =>
    table(
      [
        q.horizon.unit,
        ...q.channels.map((c) => c.channel),
        ...Object.keys(q.outlook.weather),
        ...Object.keys(q.outlook.controls ?? {}),
      ],
      q.outlook.dates.map((d, t) => [
        d,
        ...q.channels.map((c) => money(c.spend_by_period[t])),
        ...Object.values(q.outlook.weather).map((w) => w[t].toFixed(1)),
        ...Object.values(q.outlook.controls ?? {}).map((x) => String(Number(x[t].toPrecision(3)))),
      ]),
    );
  const byPeriod = periodTable(r);
  const compared = p.comparison
    ? [
        '',
        `the same budget under ${p.comparison.plan.outlook.source} (the comparison): incremental ${money(p.comparison.plan.incremental_revenue)}`,
        periodTable(p.comparison.plan),
      ]
    : [];
  const truth = r.truth
    ? [
        '',
        'Ground truth (true incremental revenue, horizon + carry-over)',
        table(
          ['plan', 'true incremental', 'vs (a)'],
          [
            [
              'our plan',
              money(r.truth.plan_incremental),
              money(r.truth.plan_incremental - r.truth.historical_even_incremental),
            ],
            ['(a) historical split, even', money(r.truth.historical_even_incremental), '0'],
            [
              '(b) historical split, calendar',
              money(r.truth.historical_calendar_incremental),
              money(r.truth.historical_calendar_incremental - r.truth.historical_even_incremental),
            ],
            ...(r.truth.given_plan_incremental !== undefined
              ? [
                  [
                    '(c) the given spend plan',
                    money(r.truth.given_plan_incremental),
                    money(r.truth.given_plan_incremental - r.truth.historical_even_incremental),
                  ],
                ]
              : []),
            [
              'truth-optimal',
              money(r.truth.optimal_incremental),
              money(r.truth.optimal_incremental - r.truth.historical_even_incremental),
            ],
          ],
        ),
        `captured share of the truth-optimal uplift over (a): ${r.truth.captured_share === null ? '-' : `${(100 * r.truth.captured_share).toFixed(0)}%`}`,
      ]
    : [];
  return [
    `plan ${p.id} (${p.created_at}), model from phase 3 run ${p.model_run_id ?? '-'}`,
    ...p.read_first,
    p.summary[0],
    table(
      ['channel', 'spend', 'historical', 'incremental', 'ROAS', 'marginal ROAS', 'at bound'],
      rows,
    ),
    '',
    ...p.summary.slice(2),
    '',
    `spend per ${r.horizon.unit} under ${r.outlook.source} (the plan's outlook):`,
    byPeriod,
    ...compared,
    ...truth,
  ].join('\n');
}

export const plan: Command = {
  name: 'plan',
  section: 'Modeling',
  summary: 'spend a budget over the days/weeks after the data where the weather makes it work',
  usage:
    '--tenant ID [--budget B] [--days N | --weeks N] [--scenario S | --forecast F] [--compare S] [--spend-plan F] [--budget-curve] [--bounds channel=lo:hi,...] [--target-roas R [--target-lower-end] | --target-marginal-roas R] [--after-horizon stop|continue] [--replicates N] [--csv FILE] [--json]',
  details:
    "Uses the tenant's newest phase 3 run with the default settings (a run with --min-train,\n" +
    '--folds or other options is not used; without one it runs phase 3 for the tenant first,\n' +
    'stored as wv-mmm run-phase --phase 3 --tenants ID would). Maximizes\n' +
    'expected revenue over the horizon (default 28 days / 4 weeks) plus the carry-over after it,\n' +
    'from the carry-over of past spend. Prints the split beside two baselines (historical split\n' +
    'spread evenly / following the calendar), marginal ROAS, the weather shift, spend per period\n' +
    'with the outlook, and for the built-in tenants and those generate makes without shape options\n' +
    'the regret under the ground truth. Stored: see\n' +
    'wv-mmm plans. Bounds: meta=0.5x:2x (total, multiples of historical spend), google=:3000/day\n' +
    '(every day, currency; on weekly data google=:20000/week, every week; /period fits either);\n' +
    'either side may be empty. Lift tests (wv-mmm lift) calibrate the plan\n' +
    'as they calibrate explain (tests in conflict with the data are named and left out).\n' +
    'A spend plan of yours (--spend-plan: date + one spend column per channel, one row per day or\n' +
    "week from the period after the data; this command's --csv output reads back) is scored\n" +
    'beside the plan as baseline (c), with the same intervals; without --days/--weeks the\n' +
    'horizon is its rows, without --budget the plan spends its total.\n' +
    'docs/planner.md has the details.',
  options: {
    tenant: { type: 'string', value: 'ID', help: 'the tenant' },
    budget: {
      type: 'string',
      value: 'B',
      help: "total budget (default: the historical spend over the horizon, the last year's mean per day or week, a channel launched within it from its first spend; with a target: the largest budget considered, default 3x that)",
    },
    days: {
      type: 'string',
      value: 'N',
      help: `horizon in days (default 28; at most ${APP_LIMITS.maxPlanDays})`,
    },
    weeks: {
      type: 'string',
      value: 'N',
      help: `horizon in weeks (at most ${APP_LIMITS.maxPlanWeeks}: a 53-week retail year)`,
    },
    scenario: {
      type: 'string',
      value: 'S',
      help: `weather outlook from the tenant's history: ${SCENARIOS.join(', ')} (default typical)`,
    },
    forecast: {
      type: 'string',
      value: 'F',
      help: "forecast CSV: date + the model's weather columns, from the period after the data; it may add the planned values of the tenant's controls (promo: 1 on a promotion day, else 0)",
    },
    compare: { type: 'string', value: 'S', help: 'also plan the same budget under scenario S' },
    'budget-curve': {
      type: 'boolean',
      help: "also plan 0.5x, 0.75x, 1.25x, 1.5x and 2x the budget, each checked as the plan is: each one's incremental revenue and ROAS, and what each extra slice of budget returns",
    },
    'spend-plan': {
      type: 'string',
      value: 'F',
      help: 'your spend plan as CSV (date + <channel>_spend columns, one row per period from the period after the data), scored beside the plan as baseline (c); sets the horizon (its rows) and the budget (its total) unless given',
    },
    bounds: {
      type: 'string',
      value: 'LIST',
      help: 'per-channel bounds, channel=min:max[/day] on daily data, channel=min:max[/week] on weekly',
    },
    'target-roas': {
      type: 'string',
      value: 'R',
      help: 'the largest budget whose plan has ROAS >= R',
    },
    'target-lower-end': {
      type: 'boolean',
      help: "with --target-roas: the target met by the lower end of the plan's ROAS 80% interval, not its point (a smaller budget the refits agree reaches it)",
    },
    'target-marginal-roas': {
      type: 'string',
      value: 'R',
      help: 'the largest budget whose plan has marginal ROAS >= R',
    },
    'after-horizon': {
      type: 'string',
      value: 'stop|continue',
      help: "what is spent after the horizon while the plan's carry-over is counted: stop (default, nothing) or continue (each channel at its historical rate per day or week, so a last-day burst is priced against the spend that follows it)",
    },
    replicates: {
      type: 'string',
      value: 'N',
      help: `refits of the model the plan is checked against: 0 (the unchecked optimum) or ${MIN_PLAN_REPLICATES}-${MAX_PLAN_REPLICATES} (default ${DEFAULT_PLAN_REPLICATES})`,
    },
    csv: {
      type: 'string',
      value: 'FILE',
      help: "write the plan's spend per day or week (and the outlook's weather) to FILE as CSV; with --compare, the plan's own outlook only (the compared outlook's spend per period is in the text and --json)",
    },
  },
  json: true,
  jsonHelp:
    "the fields of the MCP tool plan_budget's result, with every digit and the per-period series (spend_by_period, the outlook's dates and weather) that MCP leaves to plan://ID/spend unless per_period is asked",
  async run({ app, flags, print, signal, cancelling }) {
    const tenant = flags.tenant;
    if (typeof tenant !== 'string' || tenant === '') {
      throw new UsageError('--tenant is required: a tenant id (see `wv-mmm tenants`)');
    }
    const csvFile = csvDestination(flags);
    let forecast: { csv: string; fileName: string } | undefined;
    if (typeof flags.forecast === 'string') {
      // The shared reader says "no such file: F" (it said "cannot read --forecast F: ENOENT").
      try {
        forecast = {
          csv: readInputFile(
            flags.forecast,
            'a forecast holds one row per day or week of the horizon',
            '--forecast',
          ),
          fileName: path.basename(flags.forecast),
        };
      } catch (e) {
        if (e instanceof AppError) throw new AppError(`--forecast: ${e.message}`, e.code);
        throw e;
      }
    }
    let spendPlan: { csv: string; fileName: string } | undefined;
    if (typeof flags['spend-plan'] === 'string') {
      try {
        spendPlan = {
          csv: readInputFile(
            flags['spend-plan'],
            'a spend plan holds a date column and one spend column per channel, one row per day or week of the horizon',
            '--spend-plan',
          ),
          fileName: path.basename(flags['spend-plan']),
        };
      } catch (e) {
        if (e instanceof AppError) throw new AppError(`--spend-plan: ${e.message}`, e.code);
        throw e;
      }
    }
    // What Ctrl-C cancels: the phase 3 run the plan starts while it runs, else the plan alone
    // (it said "the run is recorded as cancelled" when the run had finished long before).
    const planOnly =
      'the plan is cancelled and no plan is stored (steps it finished are kept for the next plan)';
    cancelling?.(planOnly);
    let stored: StoredPlan;
    try {
      stored = await app().planBudget(
        {
          tenant,
          budget: numberFlag(flags, 'budget'),
          days: wholeFlag(flags, 'days'),
          weeks: wholeFlag(flags, 'weeks'),
          scenario: scenarioFlag(flags, 'scenario'),
          forecast,
          compareScenario: scenarioFlag(flags, 'compare'),
          spendPlan,
          budgetCurve: flags['budget-curve'] === true ? true : undefined,
          afterHorizon: afterHorizonFlag(flags),
          bounds: typeof flags.bounds === 'string' ? flags.bounds : undefined,
          targetRoas: numberFlag(flags, 'target-roas'),
          targetMarginalRoas: numberFlag(flags, 'target-marginal-roas'),
          targetLowerEnd: flags['target-lower-end'] === true ? true : undefined,
          replicates: wholeFlag(flags, 'replicates'),
        },
        {
          signal,
          onProgress: (e) =>
            cancelling?.(
              e.runId !== null
                ? `the phase 3 run ${e.runId} the plan started is recorded as cancelled, and no plan is stored`
                : planOnly,
            ),
        },
      );
    } catch (e) {
      inCliWords(e);
    }
    const wrote = writeSpendCsv(csvFile, stored);
    print(stored, () => [planText(stored), ...wrote].join('\n'));
  },
};

export const plans: Command = {
  name: 'plans',
  section: 'Modeling',
  summary: 'stored budget plans, newest first, or one plan in full',
  usage: '[--tenant ID] [--id N [--csv FILE]] [--limit N] [--json]',
  options: {
    tenant: { type: 'string', value: 'ID', help: "only this tenant's plans" },
    id: { type: 'string', value: 'N', help: 'show plan N in full' },
    csv: {
      type: 'string',
      value: 'FILE',
      help: "with --id: write the plan's spend per day or week (and the outlook's weather) to FILE as CSV",
    },

    limit: { type: 'string', value: 'N', help: 'at most N plans (default 20)' },
  },
  json: true,
  jsonHelp:
    "with --id, the fields of the MCP resource plan://ID with every digit and the per-period series; the list: plans (each plan's headline figures) and total",
  async run({ app, flags, print }) {
    const id = wholeFlag(flags, 'id');
    if (flags.csv !== undefined && id === undefined) {
      throw new UsageError(
        '--csv writes one plan: give --id N with it (wv-mmm plans lists the ids)',
      );
    }
    if (id !== undefined) {
      const csvFile = csvDestination(flags);
      let p: StoredPlan;
      try {
        p = app().getPlan(id);
      } catch (e) {
        inCliWords(e);
      }
      const wrote = writeSpendCsv(csvFile, p);
      print(p, () => [planText(p), ...wrote].join('\n'));
      return;
    }
    let res: ReturnType<ReturnType<typeof app>['listPlans']>;
    try {
      res = app().listPlans({
        tenant: typeof flags.tenant === 'string' ? flags.tenant : undefined,
        limit: wholeFlag(flags, 'limit') ?? 20,
      });
    } catch (e) {
      inCliWords(e);
    }
    print(
      res,
      () =>
        table(
          [
            'plan',
            'tenant',
            'data',
            'budget',
            'horizon',
            'outlook',
            'incremental',
            'ROAS',
            'vs historical',
            'vs given',
            'caveats',
            'compared with',
            'objective',
            'model run',
            'created',
          ],
          res.plans.map((p) => {
            const i = p.inputs as {
              budget: number | null;
              horizon_periods: number;
              outlook: { scenario?: string; forecast?: string };
              objective: { kind: string; value?: number; lowerEnd?: boolean };
              after_horizon?: string;
            };
            const f = p.figures;
            const money = moneyAt(i.budget ?? f.budget ?? 0);
            const num = (v: number | null): string =>
              v === null || !Number.isFinite(v) ? '-' : money(v);
            // An uplift over a baseline, signed; '-' where there is none.
            const uplift = (v: number | null | undefined): string =>
              v === null || v === undefined || !Number.isFinite(v)
                ? '-'
                : `${v >= 0 ? '+' : '-'}${money(Math.abs(v))}`;
            const vsGiven = uplift(f.uplift_vs_given);
            return [
              p.id,
              p.tenant,
              // Made on the tenant's data as it is now, or on data it no longer has.
              p.on_current_data === null ? '?' : p.on_current_data ? 'current' : 'OTHER',
              // A target objective without a budget: the budget it chose.
              num(i.budget ?? f.budget),
              // Counted with the spend going on after the horizon (--after-horizon continue).
              `${i.horizon_periods} ${f.unit ?? 'period'}${i.horizon_periods === 1 ? '' : 's'}${i.after_horizon === 'continue' ? ' (continue)' : ''}`,
              i.outlook.scenario ?? `forecast ${i.outlook.forecast}`,
              num(f.incremental_revenue),
              f.roas === null ? '-' : f.roas.toFixed(2),
              // A plan made without refits is the model's optimum, unchecked (probe s71).
              `${uplift(f.uplift_vs_historical)}${f.unchecked ? ' (unchecked)' : ''}`,
              // Over the spend plan given with --spend-plan (baseline (c)), where one was.
              vsGiven === '-' ? vsGiven : `${vsGiven} (${f.given_plan ?? '?'})`,
              // Codes, so a plan on a °F forecast does not read as the best one; `?` for plans
              // stored before caveats were kept.
              f.caveats === null || f.caveats === undefined
                ? '?'
                : f.caveats.length === 0
                  ? '-'
                  : caveatWords(f.caveats)!.replace(/ caveats?:/, ':'),
              f.compare_outlook === null
                ? '-'
                : `${f.compare_outlook.replace(/^scenario:/, '')}: ${num(f.compare_incremental_revenue)}`,
              i.objective.kind === 'revenue'
                ? 'revenue'
                : `${i.objective.kind} ${i.objective.value}${i.objective.lowerEnd === true ? ' (lower end)' : ''}`,
              p.model_run_id,
              p.created_at,
            ];
          }),
        ) +
        `\n${res.plans.length} of ${res.total} plans (wv-mmm plans --id N shows one in full)` +
        "\ndata: current when the plan was made on the tenant's data as it is now, OTHER when on data it no longer has (imported or generated again, or deleted since: its spend and figures describe that data), ? when not known;" +
        "\nincremental: the model's revenue from the plan's spend; vs historical: the plan's minus the historical channel split's (baseline (a)); vs given: the plan's minus the spend plan given with --spend-plan (baseline (c)), whose name follows; caveats: how many the plan has and their codes (read them first: wv-mmm plans --id N; ? for plans stored before caveats were kept); compared with: the same budget under that outlook" +
        (res.plans.some(
          (p) => (p.inputs as { after_horizon?: string }).after_horizon === 'continue',
        )
          ? "\nhorizon (continue): the carry-over after the horizon counted with each channel's spend going on at its historical rate (--after-horizon continue)"
          : ''),
    );
  },
};
