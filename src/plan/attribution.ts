/**
 * How the model a plan is made with reads the history, beside the phase-3 model that explain
 * reports. The planner plans with its own curve fit (curves.ts planCurveModel), whose split of the
 * history's revenue between the baseline and the media can differ widely from the phase-3 model's
 * (a weekly tenant: the plan model credited the media with 95% of the revenue and google with a
 * ROAS of 10.9 over the data, the phase-3 model 15% and 2.07; the truth a third and 3.5). A plan's
 * ROAS follows its model's: read beside explain's, they are two models' views, and the plan says
 * so when they differ (docs/planner.md "The plan's ROAS and explain's").
 */
import type { TenantSeries } from '../core/types.js';

/** Predicted revenue for every row of a series (RevenueModel.predict, or a phase's model). */
export type Predict = (series: TenantSeries) => Float64Array;

export interface HistoricalAttribution {
  /**
   * Per channel: its revenue over the data (the prediction minus the prediction with the
   * channel's spend at zero on every row) per unit of its spend; null without spend.
   */
  roas: (number | null)[];
  /**
   * Per channel: the revenue of 1% more of its spend on every row, per unit of that spend (explain's
   * marginal ROAS: phases/explain.ts); null without spend.
   */
  marginal_roas: (number | null)[];
  /** The channels' revenue over the data, summed, per unit of the predicted revenue. */
  media_share: number;
}

/** Relative spend increase of the marginal ROAS (explain's MARGINAL_STEP). */
const MARGINAL_STEP = 0.01;

/** A model's historical attribution (HistoricalAttribution) from its predictions. */
export function historicalAttribution(
  series: TenantSeries,
  predict: Predict,
): HistoricalAttribution {
  const full = predict(series);
  let revenue = 0;
  for (const v of full) revenue += v;
  let media = 0;
  const scaled = (c: number, factor: number): TenantSeries => ({
    ...series,
    spend: series.spend.map((x, j) => (j === c ? x.map((v) => v * factor) : x)),
  });
  const marginal = series.channels.map((_, c) => {
    let spend = 0;
    for (const v of series.spend[c]) spend += v;
    if (!(spend > 0)) return null;
    const up = predict(scaled(c, 1 + MARGINAL_STEP));
    let gain = 0;
    for (let t = 0; t < full.length; t++) gain += up[t] - full[t];
    return gain / (MARGINAL_STEP * spend);
  });
  const roas = series.channels.map((_, c) => {
    const without = predict({
      ...series,
      spend: series.spend.map((x, j) => (j === c ? new Float64Array(x.length) : x)),
    });
    let contribution = 0;
    let spend = 0;
    for (let t = 0; t < full.length; t++) {
      contribution += full[t] - without[t];
      spend += series.spend[c][t];
    }
    media += contribution;
    return spend > 0 ? contribution / spend : null;
  });
  return { roas, marginal_roas: marginal, media_share: revenue !== 0 ? media / revenue : 0 };
}

export interface ModelAttribution {
  channels: {
    channel: string;
    plan_model_roas: number | null;
    explained_model_roas: number | null;
    /** Marginal ROAS over the data (absent in plans stored before it was kept). */
    plan_model_marginal_roas?: number | null;
    explained_model_marginal_roas?: number | null;
  }[];
  media_share: { plan_model: number; explained_model: number };
  /**
   * True when the explained model's figures are those before the lift-test calibration explain
   * applies (PlanContext.explainedUncalibrated); absent otherwise and in plans stored before it.
   */
  explained_model_uncalibrated?: true;
  /** Whether the two differ enough for the plan to say so (modelsDiffer). */
  differs: boolean;
}

/**
 * Two ROAS differ when they are at least 1 apart and the smaller is under half the larger (in
 * absolute value); two media shares when they are 0.1 apart and one is over 1.5 times the other.
 */
export function modelsDiffer(
  pairs: readonly [number | null, number | null][],
  shares: readonly [number, number],
): boolean {
  const apart = (a: number, b: number): boolean =>
    Math.abs(a - b) >= 1 && Math.abs(a - b) > 0.5 * Math.max(Math.abs(a), Math.abs(b));
  const [p, e] = shares;
  const shareApart =
    Math.abs(p - e) >= 0.1 && Math.max(p, e) > 1.5 * Math.max(1e-12, Math.min(p, e));
  return shareApart || pairs.some(([a, b]) => a !== null && b !== null && apart(a, b));
}

/** The plan model's and the explained model's historical attribution, side by side. */
export function modelAttribution(
  series: TenantSeries,
  plan: Predict,
  explained: Predict,
  explainedUncalibrated = false,
): ModelAttribution {
  const p = historicalAttribution(series, plan);
  const e = historicalAttribution(series, explained);
  return {
    channels: series.channels.map((channel, c) => ({
      channel,
      plan_model_roas: p.roas[c],
      explained_model_roas: e.roas[c],
      plan_model_marginal_roas: p.marginal_roas[c],
      explained_model_marginal_roas: e.marginal_roas[c],
    })),
    media_share: { plan_model: p.media_share, explained_model: e.media_share },
    ...(explainedUncalibrated ? { explained_model_uncalibrated: true as const } : {}),
    // Marginal ROAS too: the two models can agree on the average return and not on the next
    // unit's (extreme_ski_gear: ROAS 3.65 / 3.19 against explain's 3.49 / 3.43, marginal ROAS
    // about 2 against explain's 0.65 / 0.28, and no note said so).
    differs: modelsDiffer(
      [
        ...p.roas.map((v, c): [number | null, number | null] => [v, e.roas[c]]),
        ...p.marginal_roas.map((v, c): [number | null, number | null] => [v, e.marginal_roas[c]]),
      ],
      [p.media_share, e.media_share],
    ),
  };
}

/** The plan's note when the two models differ (null when they do not). */
export function attributionNote(a: ModelAttribution): string | null {
  if (!a.differs) return null;
  const roas = (v: number | null): string => (v === null ? '-' : v.toFixed(2));
  const pct = (v: number): string => `${Math.round(v * 100)}%`;
  const marginal = (v: number | null | undefined): string =>
    v === undefined ? '' : `, marginal ${roas(v)}`;
  // explain shows the calibrated model where lift tests apply; these are the model's before it.
  const explains = a.explained_model_uncalibrated
    ? "explain's model before calibration"
    : "explain's model";
  return (
    `the plan's incremental revenue and ROAS are those of the planner's own curve fit of the ` +
    `model, which reads the history differently from the phase-3 model that explain reports: over ` +
    `the data it credits ${a.channels.map((c) => `${c.channel} with ROAS ${roas(c.plan_model_roas)}${marginal(c.plan_model_marginal_roas)} (${explains} ${roas(c.explained_model_roas)}${marginal(c.explained_model_marginal_roas)})`).join(', ')}, ` +
    `and the media with ${pct(a.media_share.plan_model)} of the revenue (${explains} ` +
    `${pct(a.media_share.explained_model)}); the data do not settle which is nearer: read the ` +
    `plan's ROAS beside explain's as two models' views, not one figure measured twice`
  );
}
