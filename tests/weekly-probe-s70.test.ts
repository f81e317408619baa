/**
 * What an outside probe of weekly data (session 70) found in the words the tool gives: weekly
 * precipitation totals imported without a word, a per-week spend change of a weekly lift test
 * stored without one, a forecast refusal naming a weather column the tenant lacks, a calibrated
 * ROAS below 0 written as "1/-8.4" of its window's, and a phase-3 negative effect said to be held
 * at 0. Each figure below is computed by hand from the data the test makes.
 */
import { describe, expect, it } from 'vitest';
import { generateShape, shapeSpecOf } from '../src/core/data/index.js';
import { WEEKLY_PRECIPITATION_MEDIAN_MM, dataWarnings } from '../src/core/data-warnings.js';
import { weeklyRowWords } from '../src/core/csv/forecast.js';
import { liftPerPeriodNote, liftRoasNote, liftWindow } from '../src/core/lift.js';
import { protocolForSeries } from '../src/core/protocol.js';
import { median } from '../src/core/stats.js';
import { CLI_OPTION_WORDS } from '../src/core/words.js';
import type { LiftTest } from '../src/core/lift.js';
import type { TenantSeries } from '../src/core/types.js';
import { negativeEffectCaveats, windowRoasReadings } from '../src/phases/explain.js';
import type { FinalModel } from '../src/phases/final.js';
import type { ChannelDecomposition } from '../src/phases/types.js';

const warnings = (s: TenantSeries) =>
  dataWarnings(s, { folds: protocolForSeries(s).folds, words: CLI_OPTION_WORDS });

function weekly(seed = 5): TenantSeries {
  const spec = shapeSpecOf(`wp_s${seed}_0`, seed, { frequency: 'weekly', years: 2, channels: 2 });
  return generateShape(spec, { seed }).series;
}

/** A go-dark of `channel` over the `weeks` weeks that end 10 weeks before the data end. */
function goDark(series: TenantSeries, channel: string, weeks: number, part = 1): LiftTest {
  const n = series.dates.length;
  const from = n - 10 - weeks;
  const c = series.channels.indexOf(channel);
  let total = 0;
  for (let i = from; i < from + weeks; i++) total += series.spend[c][i];
  const end = new Date(`${series.dates[from + weeks - 1]}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() + 6);
  return {
    channel,
    start: series.dates[from],
    end: end.toISOString().slice(0, 10),
    spend_change: -total * part,
    incremental_revenue: -total * part * 2,
    standard_error: total * part * 0.2,
  };
}

describe('weekly precipitation given as totals (weekly_precipitation_total)', () => {
  it('is named where the median reads as a weekly total, with the share of weeks called rain', () => {
    const s = weekly();
    const j = s.weatherNames.indexOf('precipitation_mm');
    expect(j).toBeGreaterThanOrEqual(0);
    // The generator writes the mean per day: no warning.
    expect(warnings(s).map((w) => w.code)).not.toContain('weekly_precipitation_total');
    // Weekly totals of a wet-ish climate: 0 to 31.5 mm a week (the generator's weekly column is
    // sparse, so the test writes its own).
    const totals = Float64Array.from(s.weather[j], (_, i) => 3.5 * (i % 10));
    const mid = median(Array.from(totals));
    expect(mid).toBeGreaterThan(WEEKLY_PRECIPITATION_MEDIAN_MM);
    const asTotals: TenantSeries = {
      ...s,
      weather: s.weather.map((w, k) => (k === j ? totals : w)),
    };
    const found = warnings(asTotals).filter((w) => w.code === 'weekly_precipitation_total');
    expect(found).toHaveLength(1);
    const rainy = Math.round(
      (100 * Array.from(totals).filter((x) => x > 1).length) / totals.length,
    );
    expect(found[0].message).toContain(`holds ${rainy}% of the weeks`);
    expect(found[0].message).toContain('divide the column by 7');
    // The same values on daily rows are days, not weeks: nothing said.
    const daily: TenantSeries = { ...asTotals, frequency: 'daily' };
    const dailyCodes = dataWarnings(daily, { folds: [], words: CLI_OPTION_WORDS });
    expect(dailyCodes.map((w) => w.code)).not.toContain('weekly_precipitation_total');
  });
});

describe('a weekly lift test whose spend change is one week of the window (liftPerPeriodNote)', () => {
  it('is named when the cut is about the mean spend per week, and not for a go-dark or a half cut', () => {
    const s = weekly();
    const t = goDark(s, s.channels[0], 8);
    const w = liftWindow(s, t);
    expect(w.to - w.from).toBe(8);
    const perWeek = { ...t, spend_change: t.spend_change / 8 };
    // The window ROAS of the typo is 8 times the go-dark's, under liftRoasNote's bound here.
    expect(liftRoasNote(s, perWeek, w)).toBeNull();
    const note = liftPerPeriodNote(s, perWeek, w);
    expect(note).toContain(
      `give the change over the whole window (a go-dark: ${t.spend_change.toFixed(2)})`,
    );
    expect(note).toContain('over its 8 weeks');
    expect(liftPerPeriodNote(s, t, w)).toBeNull();
    expect(liftPerPeriodNote(s, { ...t, spend_change: t.spend_change / 2 }, w)).toBeNull();
    // Two weeks: a half cut is one week's spend, a common design, not questioned.
    const two = goDark(s, s.channels[0], 2, 0.5);
    expect(liftPerPeriodNote(s, two)).toBeNull();
    // A boost adds spend the data do not hold: not read.
    expect(liftPerPeriodNote(s, { ...perWeek, spend_change: -perWeek.spend_change })).toBeNull();
  });
});

describe('a weekly forecast row in the words of the tenant (weeklyRowWords)', () => {
  it("names the model's own weather columns and the per-day mean of precipitation", () => {
    expect(weeklyRowWords(['temperature_c'])).toBe(
      "with temperature_c as the week's mean, as the data's weekly rows hold them",
    );
    expect(weeklyRowWords(['temp', 'rain_in', 'humidity'])).toBe(
      "with temp as the week's mean, rain_in as the week's mean per day (its total / 7) and humidity as the week's mean, as the data's weekly rows hold them",
    );
    expect(weeklyRowWords([])).toBe("as the data's weekly rows hold them");
  });
});

describe('calibrated figures said as they are', () => {
  it('a calibrated ROAS below 0 is of the opposite sign to its window, not "1/-8.4" of it', () => {
    const s = weekly();
    const t = { ...goDark(s, s.channels[0], 6), used: true };
    // Window ROAS 2 (incremental_revenue = 2 x spend_change).
    const [r] = windowRoasReadings(s, [t], [], [{ channel: s.channels[0], roas: -0.18 }], 'here');
    expect(r.text).toContain('against 2.00 measured');
    expect(r.text).toMatch(/a return of the opposite sign to it$/);
    expect(r.text).not.toContain('1/-');
    const [up] = windowRoasReadings(s, [t], [], [{ channel: s.channels[0], roas: 9 }], 'here');
    expect(up.text).toMatch(/4\.5 times it$/);
  });

  it('a negative effect is said to be held at 0 by phase 3 only where that is true', () => {
    const ch = { channel: 'social', contribution: -77204, roas: -0.05 } as ChannelDecomposition;
    const words = (phase: number, kind: string) =>
      negativeEffectCaveats({ phase, kind } as unknown as FinalModel, [ch])[0].message;
    expect(words(1, 'ridge')).toMatch(/\(phase 3 holds such an effect at 0 and says so\)$/);
    expect(words(3, 'gbm')).toContain('this phase-3 model is a gradient-boosting model');
    expect(words(3, 'blend')).toContain('Ridge/GBM blend');
    expect(words(3, 'ridge')).toContain('not when it is refitted with lift tests');
    for (const [p, k] of [
      [3, 'gbm'],
      [3, 'ridge'],
    ] as const)
      expect(words(p, k)).not.toContain('holds such an effect at 0 and says so');
  });
});
