/**
 * The ROAS-by-weather-state table in one sentence (src/app/weather-reading.ts): a channel whose
 * states' 80% intervals are apart is named with the pair furthest apart; the others' differences
 * are read as unconfirmed; without intervals nothing is said. Intervals here are written by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  contrastsLeftOut,
  contrastVerdict,
  weatherContrastReading,
  weatherStateReading,
} from '../src/app/weather-reading.js';
import { explainText } from '../src/cli/commands/explain.js';
import type { Explanation } from '../src/phases/types.js';
import { call, connect, makeApp, text } from './mcp-helpers.js';
import { handMadeReportData, hotOverCold } from './report-helpers.js';

const iv = (lo: number, hi: number) => ({
  contribution: { p80: [0, 1] as [number, number], p95: [0, 1] as [number, number] },
  roas: { p80: [lo, hi] as [number, number], p95: [lo - 1, hi + 1] as [number, number] },
  marginal_roas: { p80: [0, 1] as [number, number], p95: [0, 1] as [number, number] },
});

/** The hand-made tenant (social 2.6 hot / 1.3 cold, search 1.5 / 1.4) with state intervals. */
function withIntervals(
  social: Record<'hot' | 'cold', [number, number]>,
  search: Record<'hot' | 'cold', [number, number]>,
): Explanation {
  const e = structuredClone(handMadeReportData().explanation);
  for (const s of e.weather_states) {
    const state = s.state.split(':')[1] as 'hot' | 'cold';
    for (const c of s.channels)
      c.intervals = iv(...(c.channel === 'social' ? social : search)[state]);
  }
  return e;
}

describe('the weather states in one sentence', () => {
  it('names the channel whose states are apart and reads the others as unconfirmed', () => {
    const e = withIntervals(
      { hot: [2.1, 3.1], cold: [0.9, 1.7] },
      { hot: [1.0, 2.0], cold: [0.9, 1.9] },
    );
    expect(weatherStateReading(e)).toBe(
      'ROAS differs clearly between weather states (80% intervals apart) on social temperature_c:hot 2.60 (80% 2.10 to 3.10) vs temperature_c:cold 1.30 (80% 0.90 to 1.70); ' +
        "on search the states' 80% intervals overlap: read its differences as unconfirmed (each interval also holds the uncertainty of the channel's whole level, which moves every state together, so a ratio between states can be firmer than they show)",
    );
    // The CLI prints it under the table.
    expect(explainText(e)).toContain(
      '\nROAS differs clearly between weather states (80% intervals apart) on social',
    );
  });

  it('says no channel differs clearly when every pair overlaps (2.1 to 3.1 against 0.9 to 2.1)', () => {
    const e = withIntervals(
      { hot: [2.1, 3.1], cold: [0.9, 2.1] },
      { hot: [1.0, 2.0], cold: [0.9, 1.9] },
    );
    expect(weatherStateReading(e)).toMatch(
      /^no channel's ROAS differs clearly between weather states: on every channel the 80% intervals of each column's states overlap, so read the table's differences as unconfirmed/,
    );
    expect(explainText(e)).toContain("\nNo channel's ROAS differs clearly between weather states");
  });

  it('reads the paired contrasts when the explanation has them, instead of the states’ own intervals', () => {
    const e = withIntervals(
      { hot: [2.1, 3.1], cold: [0.9, 2.1] },
      { hot: [1.0, 2.0], cold: [0.9, 1.9] },
    );
    e.weather_contrasts = [
      hotOverCold('social', 2, [1.5, 2.6], [1.3, 3.0], 1.8),
      hotOverCold('search', 1.5 / 1.4, [0.8, 1.4], [0.7, 1.6]),
    ];
    // The states' own intervals overlap (2.1 to 3.1 against 0.9 to 2.1); the paired ratio's does not.
    expect(weatherStateReading(e)).toBe(
      "ROAS in one weather state over another, from the same refits (paired, firmer than the states' own intervals): " +
        'hot / cold (temperature_c): social 2.00x (80% 1.50 to 2.60: higher when hot, true 1.80x), search 1.07x (80% 0.80 to 1.40: not clear)',
    );
  });

  it('claims a side only where the 95% interval leaves 1, and names the channels without a ratio', () => {
    const e = withIntervals(
      { hot: [2.1, 3.1], cold: [0.9, 2.1] },
      { hot: [1.0, 2.0], cold: [0.9, 1.9] },
    );
    e.weather_contrasts = [hotOverCold('search', 1.5 / 1.4, [1.02, 1.3], [0.95, 1.4])];
    // social has spend and its point ROAS is positive in both states, but no contrast: more than
    // a tenth of its refits were at or below 0 in one of them (intervals.ts weatherContrasts).
    expect(weatherStateReading(e)).toBe(
      "ROAS in one weather state over another, from the same refits (paired, firmer than the states' own intervals): " +
        'hot / cold (temperature_c): search 1.07x (80% 1.02 to 1.30: possibly higher when hot, its 95% interval holds 1), ' +
        'social no ratio (more than 1 in 10 of its refits put its ROAS at or below 0 in one of the two states, so the ratio is not estimated: its weather effect is unknown, not absent)',
    );
    expect(contrastsLeftOut(e)).toEqual([
      {
        channel: 'social',
        variable: 'temperature_c',
        state: 'temperature_c:hot',
        reference: 'temperature_c:cold',
        reason: expect.stringMatching(/^more than 1 in 10 of its refits/),
      },
    ]);
    // A point ROAS at or below 0 in a state is the reason when it is one.
    const cold = e.weather_states.find((s) => s.state === 'temperature_c:cold')!;
    cold.channels.find((c) => c.channel === 'social')!.roas = -0.2;
    expect(contrastsLeftOut(e)[0].reason).toBe(
      'its ROAS is not above 0 in both states (hot 2.60, cold -0.20), so no ratio is formed',
    );
    expect(
      contrastVerdict({ ...e.weather_contrasts[0], p95: [0.9, 0.97], p80: [0.92, 0.95] }),
    ).toBe('higher when cold');
    // Without contrasts (no intervals, or kept before them) nothing is named.
    expect(contrastsLeftOut({ ...e, weather_contrasts: undefined })).toEqual([]);
  });

  it('says of a channel whose effect lies mostly below its usual spend that its ratio may be pulled toward 1', () => {
    const e = withIntervals(
      { hot: [2.3, 2.9], cold: [1.0, 1.6] },
      { hot: [1.2, 1.8], cold: [1.1, 1.7] },
    );
    e.weather_contrasts = [
      hotOverCold('social', 2, [1.5, 2.6], [1.3, 3.0]),
      hotOverCold('search', 1.5 / 1.4, [0.8, 1.4], [0.7, 1.6]),
    ];
    const plain = weatherContrastReading(e)!;
    expect(plain).not.toMatch(/below its usual spend/);
    e.channels.find((c) => c.channel === 'search')!.below_spend_share = 0.86;
    const said = weatherContrastReading(e)!;
    expect(said).toMatch(
      /search [\d.]+x \(80% [\d.]+ to [\d.]+: [^)]*; 86% of its effect lies below its usual spend \(roas_below_spend_seen\), a level the same in every state: if that level is the baseline's, the ratio is pulled toward 1\)/,
    );
    expect(said.match(/below its usual spend/g)).toHaveLength(1);
  });

  it("names phase 1's reading where it lies on the other side of 1 from the contrast", () => {
    const e = withIntervals(
      { hot: [2.1, 3.1], cold: [0.9, 2.1] },
      { hot: [1.0, 2.0], cold: [0.9, 1.9] },
    );
    e.weather_contrasts = [
      { ...hotOverCold('social', 2, [0.97, 4.1], [0.6, 6.2]), phase1_ratio: 0.8 },
      { ...hotOverCold('search', 1.5 / 1.4, [0.8, 1.4], [0.7, 1.6]), phase1_ratio: 1.2 },
    ];
    expect(weatherContrastReading(e)).toBe(
      "ROAS in one weather state over another, from the same refits (paired, firmer than the states' own intervals): " +
        "hot / cold (temperature_c): social 2.00x (80% 0.97 to 4.10: not clear; phase 1's model, without carry-over or saturation, reads 0.80x), " +
        'search 1.07x (80% 0.80 to 1.40: not clear)',
    );
    // No reading (phase 1's ROAS not positive in both states): nothing said.
    e.weather_contrasts[0].phase1_ratio = null;
    expect(weatherContrastReading(e)).not.toMatch(/phase 1/);
  });

  it('says nothing without intervals (replicates 0) or without weather states', () => {
    const e = handMadeReportData().explanation;
    expect(weatherStateReading(e)).toBeNull();
    expect(weatherStateReading({ ...e, weather_states: [] })).toBeNull();
    expect(explainText(e)).not.toContain('differs clearly');
  });
});

describe('over MCP', () => {
  it("explain_tenant's text says it after the figures", async () => {
    // The fake app's explanation with a hot state beside its cold one, and intervals on both.
    const app = makeApp();
    const explain = app.explainTenant.bind(app);
    app.explainTenant = async (req, opts) => {
      const e = await explain(req, opts);
      const cold = e.weather_states[0];
      const hot = structuredClone(cold);
      hot.state = 'temperature_c:hot';
      hot.definition = 'temperature_c > 15';
      for (const c of cold.channels) c.intervals = iv(2.5, 3.5);
      for (const c of hot.channels) {
        c.roas = 5;
        c.intervals = iv(4.0, 6.0);
      }
      e.weather_states = [cold, hot];
      return e;
    };
    const c = await connect(app);
    try {
      const r = await call(c, 'explain_tenant', { tenant: 'extreme_rain_gear' });
      expect(r.isError, text(r)).toBeFalsy();
      expect(text(r)).toContain(
        'Weather states: ROAS differs clearly between weather states (80% intervals apart) on meta temperature_c:hot 5.00 (80% 4.00 to 6.00) vs temperature_c:cold 3.00 (80% 2.50 to 3.50); google',
      );
    } finally {
      await c.close();
    }
  });
});
