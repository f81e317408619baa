/**
 * Figures of spend that did not happen (src/phases/unspent.ts): a channel's ROAS in a weather
 * state where it never spent (x / 0, printed as 0 with an interval of 0.00 to 0.00 and counted in
 * interval_spans_zero before), and a channel with no spend at all (a curve of zeros, "decay 0.50,
 * half-life 1.0 days" in the report, an interval_spans_zero caveat). extreme_sunscreen (Phoenix)
 * with two channels added: radio, 0 on every day, and tiktok, launched on 2024-11-01, so it never
 * spent on a hot day.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { resolveTenant } from '../src/app/compute.js';
import { explainText, WIDE_STATE_TABLE_CHANNELS } from '../src/cli/commands/explain.js';
import { tenantToCsv } from '../src/core/csv.js';
import { quantile } from '../src/core/stats.js';
import type { TenantSeries } from '../src/core/types.js';
import { explanationOut } from '../src/mcp/schemas.js';
import type { Explanation } from '../src/phases/types.js';
import { buildTenantReport, type TenantReportData } from '../src/report/index.js';
import { engineReportData } from './report-helpers.js';

const LAUNCH = '2024-11-01';

function probeSeries(): TenantSeries {
  const s = resolveTenant({ kind: 'builtin', tenant: 'extreme_sunscreen' }).series;
  const n = s.target.length;
  const tiktok = Float64Array.from(s.dates, (d, t) =>
    d >= LAUNCH ? 400 + 150 * Math.sin(t / 3) : 0,
  );
  return {
    ...s,
    tenant: 'no_spend_probe',
    channels: [...s.channels, 'tiktok', 'radio'],
    spend: [...s.spend, tiktok, new Float64Array(n)],
    target: Float64Array.from(s.target, (y, t) => y + 1.5 * tiktok[t]),
  };
}

let series: TenantSeries;
let d: TenantReportData;
let e: Explanation;

beforeAll(() => {
  series = probeSeries();
  d = engineReportData({ kind: 'csv', tenant: series.tenant, csv: tenantToCsv(series) }, 3, 10);
  e = d.explanation;
}, 300_000);

/** The hot state, known from the data: temperature above its upper tercile. */
function hotSpend(channel: string): number {
  const temp = series.weather[series.weatherNames.indexOf('temperature_c')];
  const q2 = quantile(temp, 2 / 3);
  const x = series.spend[series.channels.indexOf(channel)];
  let sum = 0;
  for (let t = 0; t < x.length; t++) if (temp[t] > q2) sum += x[t];
  return sum;
}

describe('a weather state in which a channel never spent', () => {
  it('has no ROAS, marginal ROAS or interval there, and one caveat says so', () => {
    // Known from the data: tiktok spent only from November, never on a hot day; meta did.
    expect(hotSpend('tiktok')).toBe(0);
    expect(hotSpend('meta')).toBeGreaterThan(0);
    const hot = e.weather_states.find((s) => s.state === 'temperature_c:hot')!;
    const row = hot.channels.find((c) => c.channel === 'tiktok')!;
    expect(row.spend).toBe(0);
    expect(row.roas).toBeNull();
    expect(row.marginal_roas).toBeNull();
    expect(row.intervals).toBeNull();
    expect(row.roas_error).toBeNull();
    // Where it spent, the figures are there, with intervals.
    const cold = e.weather_states.find((s) => s.state === 'temperature_c:cold')!;
    const spent = cold.channels.find((c) => c.channel === 'tiktok')!;
    expect(spent.spend).toBeGreaterThan(0);
    expect(typeof spent.roas).toBe('number');
    expect(spent.intervals).not.toBeNull();
    // Not among the figures whose interval spans zero; named once in its own caveat instead.
    const tiktokSpans = e.caveats.find(
      (c) => c.code === 'interval_spans_zero' && c.message.startsWith('tiktok:'),
    );
    if (tiktokSpans) expect(tiktokSpans.message).not.toMatch(/ROAS in temperature_c:hot\b/);
    const state = e.caveats.filter((c) => c.code === 'no_spend_in_state');
    expect(state).toHaveLength(1);
    expect(state[0].channels).toEqual(['tiktok']);
    expect(state[0].message).toMatch(
      /^tiktok: no spend on temperature_c:hot days, so its ROAS and marginal ROAS there have nothing to be measured on and are left empty \(null, "no spend"\); its response curve in that state is the model's extrapolation/,
    );
    // The response curve still gives its hot column (the model's extrapolation, said above).
    const curve = e.response_curves.find((c) => c.channel === 'tiktok')!;
    expect(curve.by_state['temperature_c:hot'].at(-1)).toBeGreaterThan(0);
  });

  it('reads "no spend" in the CLI table, and the report draws no bar and says why', async () => {
    const text = explainText(e);
    // More than 3 channels: one row per channel and state (WIDE_STATE_TABLE_CHANNELS).
    expect(e.channels.length).toBeGreaterThan(WIDE_STATE_TABLE_CHANNELS);
    const hotLine = text.split('\n').find((l) => /^tiktok +temperature_c:hot /.test(l))!;
    expect(hotLine).toMatch(/^tiktok +temperature_c:hot +no spend/);
    expect(hotLine).not.toMatch(/0\.00 to 0\.00/);
    const report = await buildTenantReport({
      ...d,
      caveats: e.caveats.map((c) => c.message),
    });
    const weather = report.charts.find((c) => c.id === 'roas-weather')!;
    expect(report.html).toContain('no spend: tiktok on hot days (no ROAS there, no bar)');
    expect(weather.rows).toBeGreaterThan(0);
  });
});

describe('a channel with no spend in the data', () => {
  it('has no curve, carry-over or intervals, is said once, and is in no interval caveat', () => {
    const radio = e.channels.find((c) => c.channel === 'radio')!;
    expect(radio.spend).toBe(0);
    expect(radio.no_spend).toBe(true);
    expect(radio.contribution).toBe(0);
    expect(radio.intervals).toBeNull();
    expect(e.channels.filter((c) => c.no_spend).map((c) => c.channel)).toEqual(['radio']);
    expect(e.response_curves.map((c) => c.channel)).not.toContain('radio');
    expect(e.response_curves.map((c) => c.channel)).toContain('tiktok');
    expect(e.channel_params!.radio).toBeNull();
    expect(e.channel_params!.tiktok).not.toBeNull();
    for (const s of e.weather_states) {
      const row = s.channels.find((c) => c.channel === 'radio')!;
      expect([row.roas, row.marginal_roas, row.intervals]).toEqual([null, null, null]);
    }
    const said = [...e.caveats.map((c) => c.message), ...e.notes].filter((m) =>
      m.includes('no spend in the data: nothing to estimate'),
    );
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^radio: /);
    expect(e.notes.join('\n')).not.toContain('its ROAS is reported as 0');
    for (const c of e.caveats.filter((x) => x.code !== 'low_spend_channel'))
      expect(c.message).not.toMatch(/\bradio\b/);
  });

  it('has no curve table in the CLI and no decay in the report', async () => {
    const text = explainText(e);
    expect(text).not.toContain('radio: revenue per day');
    expect(text).toMatch(/^radio +0 +0 +no spend/m);
    const report = await buildTenantReport({ ...d, caveats: e.caveats.map((c) => c.message) });
    const adstock = report.charts.find((c) => c.id === 'adstock')!;
    expect(adstock.reading).not.toContain('radio');
    expect(adstock.reading).toContain('tiktok decay');
    const roas = report.charts.find((c) => c.id === 'roas')!;
    expect(roas.reading).toContain('radio: no spend in the data, nothing to estimate');
  });

  it("fits the MCP tool's output schema, nulls included", () => {
    const parsed = z.object(explanationOut).safeParse(JSON.parse(JSON.stringify(e)));
    expect(parsed.success, JSON.stringify(parsed.error?.issues?.slice(0, 3))).toBe(true);
  });
});
