/**
 * Simulated lift tests from the ground truth: the generator knows what revenue would have been
 * under any spend path (expectedRevenueFor), so a test's true incremental revenue is exact and
 * the "measured" one is that plus Gaussian noise of a chosen standard error.
 */
import { liftSpend, liftWindow, type LiftTest } from '../lift.js';
import { SeededRandom, seedFromString } from '../random.js';
import type { SyntheticTenant } from '../types.js';
import { expectedRevenueFor } from './truth.js';

export interface SimulateLiftOptions {
  channel: string;
  /** Window dates, inclusive (YYYY-MM-DD). */
  start: string;
  end: string;
  /**
   * Relative change of the channel's spend in the window: -1 = go-dark hold-out (default),
   * 0.5 = +50 % boost.
   */
  spendFactor?: number;
  /** Standard error as a fraction of |true lift| (default 0.1). */
  relativeSe?: number;
  /** Multiplies the reported lift (2 = a biased test claiming twice the truth; default 1). */
  bias?: number;
  /** Seed of the measurement noise (default 0); the draw also depends on tenant and channel. */
  seed?: number;
}

export interface SimulatedLift {
  test: LiftTest;
  /** The exact incremental expected revenue of the spend change over the window. */
  true_lift: number;
}

/**
 * Simulates one lift test: true lift = sum over the window of expected revenue with the spend
 * change minus expected revenue as observed; measured = bias x true + SE z, z ~ N(0, 1) seeded,
 * SE = relativeSe x |true lift|.
 */
export function simulateLiftTest(tenant: SyntheticTenant, o: SimulateLiftOptions): SimulatedLift {
  const factor = o.spendFactor ?? -1;
  const relSe = o.relativeSe ?? 0.1;
  const bias = o.bias ?? 1;
  if (!(Number.isFinite(factor) && factor >= -1 && factor !== 0)) {
    throw new RangeError(`spendFactor must be a non-zero number >= -1 (got ${factor})`);
  }
  if (!(Number.isFinite(relSe) && relSe > 0)) {
    throw new RangeError(`relativeSe must be a finite number > 0 (got ${relSe})`);
  }
  const series = tenant.series;
  const c = series.channels.indexOf(o.channel);
  // Probe with a placeholder change to resolve and check the window, then size the real change.
  const probe: LiftTest = {
    channel: o.channel,
    start: o.start,
    end: o.end,
    spend_change: 1,
    incremental_revenue: 0,
    standard_error: 1,
  };
  const w = liftWindow(series, probe);
  let windowSpend = 0;
  for (let i = w.from; i < w.to; i++) windowSpend += series.spend[c][i];
  if (!(windowSpend > 0)) {
    throw new RangeError(`${o.channel} spent nothing in ${o.start}..${o.end}: nothing to test`);
  }
  const spendChange = factor * windowSpend;
  const changed = liftSpend(series, { ...probe, spend_change: spendChange }, w);
  const spendPaths = series.spend.map((x, j) => (j === c ? changed : x));
  const counterfactual = expectedRevenueFor(tenant, spendPaths);
  let trueLift = 0;
  for (let i = w.from; i < w.to; i++) trueLift += counterfactual[i] - tenant.truth.expected[i];
  const se = relSe * Math.abs(trueLift);
  const rng = new SeededRandom(
    seedFromString(`lift:${tenant.truth.tenant}:${o.channel}:${o.start}`, o.seed ?? 0),
  );
  const measured = bias * trueLift + se * rng.normal();
  return {
    test: {
      channel: o.channel,
      start: o.start,
      end: o.end,
      spend_change: spendChange,
      incremental_revenue: measured,
      standard_error: se,
    },
    true_lift: trueLift,
  };
}
