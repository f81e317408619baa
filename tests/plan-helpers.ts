/** Shared helpers of the planner tests (tests/plan-*.test.ts). */
import { builtinSpec } from '../src/core/data/catalog.js';
import { generateShape, generateTenant, shapeSpecOf } from '../src/core/data/index.js';
import { hill } from '../src/core/transforms.js';
import type { SyntheticTenant, TenantSeries } from '../src/core/types.js';
import { fitFinalModel } from '../src/phases/final.js';
import {
  makePlan,
  planReplicateModels,
  revenueModelOf,
  scenarioOutlook,
  type Outlook,
  type PlanRequest,
  type PlanResult,
  type RevenueModel,
} from '../src/plan/index.js';

/** A built-in tenant's phase 3 plan model and its bootstrap refits, ready to plan (builtinPlanner). */
export interface BuiltinPlanner {
  tenant: SyntheticTenant;
  model: RevenueModel;
  replicates: RevenueModel[];
  /** A plan over the horizon of the typical outlook, with the ground truth; checked by default. */
  plan(req: Omit<PlanRequest, 'horizon'>, checked?: boolean): PlanResult;
}

/** The planner of built-in tenant `id` over `horizon` periods, checked against `refits` refits. */
export function builtinPlanner(id: string, horizon: number, refits = 10): BuiltinPlanner {
  const tenant = generateTenant(id);
  const fit = fitFinalModel(tenant.series, 3);
  const model = revenueModelOf(fit);
  const replicates = planReplicateModels(tenant.series, fit, refits).models.map(revenueModelOf);
  return {
    tenant,
    model,
    replicates,
    plan: (req, checked = true) =>
      makePlan(
        {
          series: tenant.series,
          model,
          outlook: scenarioOutlook(tenant.series, 'typical', model.weather, horizon),
          truth: { tenant, mix: builtinSpec(id).mix },
          replicates: checked ? replicates : [],
        },
        { horizon, ...req },
      ),
  };
}

/** The first n rows of a series (for checks against later, known rows). */
export function seriesHead(s: TenantSeries, n: number): TenantSeries {
  return {
    ...s,
    dates: s.dates.slice(0, n),
    spend: s.spend.map((x) => x.slice(0, n)),
    weather: s.weather.map((x) => x.slice(0, n)),
    controls: s.controls.map((x) => x.slice(0, n)),
    target: s.target.slice(0, n),
  };
}

/**
 * The unchecked plan of `horizon` periods on `outlook`, with the planned values of one control
 * (a forecast's column) when given, else the outlook's own.
 */
export function planWithControl(
  series: TenantSeries,
  model: RevenueModel,
  outlook: Outlook,
  horizon: number,
  control: string,
  values: readonly number[] | null,
): PlanResult {
  return makePlan(
    {
      series,
      model,
      outlook: {
        ...outlook,
        ...(values ? { controlNames: [control], controls: [Float64Array.from(values)] } : {}),
      },
    },
    { horizon },
  );
}

/**
 * A plan model whose channel `c` earns `by` less per Hill unit of its adstock (the media
 * parameters of `media`) in the rows before `end` (every row when undefined): still a baseline
 * plus one adstock/Hill response per channel. `fields` gives everything but predict (a model
 * without predictAfter, so that the planner calls this predict).
 */
export function loweredGain(
  fields: RevenueModel,
  base: RevenueModel,
  media: RevenueModel,
  c: number,
  by: number,
  end?: number,
): RevenueModel {
  return {
    ...fields,
    predict: (s) => {
      const p = base.predict(s);
      const m = media.media[c];
      const stop = end ?? p.length;
      let a = 0;
      for (let t = 0; t < p.length; t++) {
        a = s.spend[c][t] + m.decay * a;
        if (t < stop) p[t] -= by * hill(a, m.k, m.s);
      }
      return p;
    },
    describe: { kind: 'test' },
  };
}

/**
 * The weekly generated tenant qw_s<seed>_0 of docs/planner.md "Weekly plans under the truth"
 * (years 2 + seed mod 2, channels 2 + seed mod 5, as bench/planner-weekly.ts draws it) and its
 * phase-3 all-rows model.
 */
export function weeklyPlanTenant(seed: number) {
  const years = 2 + (seed % 2);
  const channels = 2 + (seed % 5);
  const id = `qw_s${seed}_0`;
  const spec = shapeSpecOf(id, seed, { frequency: 'weekly', years, channels });
  const tenant = generateShape(spec, { seed });
  return {
    id,
    seed,
    spec,
    tenant,
    series: tenant.series,
    phase3: fitFinalModel(tenant.series, 3, {}),
  };
}
