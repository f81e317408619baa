/**
 * Amounts of data counted in large units (revenue and spend in millions): the plan's and explain's
 * text printed a spend of 0.0015 a day as "0" (to the cent), and the plan's CSV wrote 0 on every
 * row. They now print three significant figures down to a resolution set by the data's scale, and
 * data in ordinary units print as before.
 */
import { describe, expect, it } from 'vitest';
import { explainText } from '../src/cli/commands/explain.js';
import type { TenantSeries } from '../src/core/types.js';
import { generateTenant } from '../src/core/data/index.js';
import { explainPhase } from '../src/phases/explain.js';
import { fitFinalModel } from '../src/phases/final.js';
import { makePlan, revenueModelOf, scenarioOutlook } from '../src/plan/index.js';
import {
  moneyResolution,
  planSpendCsv,
  planSummaryLines,
  shortMoney,
  smallAmount,
} from '../src/plan/summary.js';

/** The series with revenue and spend in units `factor` times the original's. */
function scaled(s: TenantSeries, factor: number): TenantSeries {
  return {
    ...s,
    target: s.target.map((v) => v * factor),
    spend: s.spend.map((x) => x.map((v) => v * factor)),
  };
}

describe('moneyResolution and shortMoney', () => {
  it('keeps a cent for ordinary scales and goes finer, by powers of ten, for small ones', () => {
    expect(moneyResolution(2.47e6)).toBe(0.01);
    expect(moneyResolution(1e5)).toBe(0.01);
    expect(moneyResolution(99_999)).toBeCloseTo(1e-3, 15); // 10^(4 - 7)
    expect(moneyResolution(14.2)).toBeCloseTo(1e-6, 18); // 10^(1 - 7)
    expect(moneyResolution(0)).toBe(0.01);
    expect(moneyResolution(Number.NaN)).toBe(0.01);
  });

  it('prints three significant figures down to the resolution, dust as 0', () => {
    expect(shortMoney(0.0015)).toBe('0'); // a cent: as before
    expect(shortMoney(0.0015, 1e-6)).toBe('0.0015');
    expect(shortMoney(0.000123456, 1e-6)).toBe('0.000123');
    expect(shortMoney(-0.0000652, 1e-7)).toBe('-0.0000652');
    expect(shortMoney(4.7e-10, 1e-6)).toBe('0');
    expect(shortMoney(12.345, 1e-6)).toBe('12.3');
    expect(shortMoney(187_000, 1e-6)).toBe('187.0k');
    expect(smallAmount(0.01)).toBe('0.01');
  });
});

describe('a plan and an explanation of data in millions', () => {
  const t = generateTenant('extreme_heating');
  const small = scaled(t.series, 1e-6);
  const H = 7;

  it('prints the plan in figures, not zeros', () => {
    const model = revenueModelOf(fitFinalModel(small, 3));
    const outlook = scenarioOutlook(small, 'typical', model.weather, 60);
    const perDay = small.spend.map((x) => x.reduce((a, b) => a + b, 0) / x.length);
    const p = makePlan(
      { series: small, model, outlook },
      { horizon: H, budget: H * (perDay[0] + perDay[1]) },
    );
    const resolution = moneyResolution(p.expected_revenue.horizon);
    expect(resolution).toBeLessThan(1e-6);
    const split = planSummaryLines(p).find((l) => l.startsWith('split: '))!;
    // (google gets nothing from this unchecked plan, in ordinary units as well)
    const funded = p.channels.filter((c) => c.spend > 0);
    expect(funded.length).toBeGreaterThan(0);
    for (const ch of funded) {
      expect(ch.spend).toBeGreaterThan(1e-4);
      expect(split).toContain(`${ch.channel} ${smallAmount(ch.spend, resolution)} (`);
      expect(smallAmount(ch.spend, resolution)).not.toBe('0');
    }
    // The CSV a media buyer loads: each day's spend to the resolution, not 0.
    const rows = planSpendCsv(p).trim().split('\n').slice(1);
    expect(rows).toHaveLength(H);
    for (const row of rows) {
      const [, a, b] = row.split(',').map(Number);
      expect(a + b).toBeGreaterThan(1e-5);
    }
    // Each cell to the resolution's decimals, without float noise (x / 1e-7 * 1e-7 wrote
    // 0.0034262999999999997).
    const digits = -Math.round(Math.log10(moneyResolution(p.expected_revenue.horizon)));
    for (const row of rows)
      for (const cell of row.split(',').slice(1, 3))
        expect(cell.split('.')[1]?.length ?? 0).toBeLessThanOrEqual(digits);
    const day0 = rows[0].split(',').map(Number);
    expect(day0[1]).toBeCloseTo(p.channels[0].spend_by_period[0], 8);
  });

  it("explain's tables print small amounts in figures and ordinary amounts as whole units", () => {
    const e = explainPhase(small, 1, {}, null);
    const text = explainText(e);
    const meta = text.split('\n').find((l) => l.startsWith(`${e.channels[0].channel} `))!;
    const resolution = moneyResolution(
      e.channels.reduce((a, c) => a + Math.abs(c.contribution), 0),
    );
    expect(meta.split(/\s+/)[1]).toBe(smallAmount(e.channels[0].spend, resolution));
    expect(Number(meta.split(/\s+/)[1])).toBeCloseTo(e.channels[0].spend, 2);
    const ordinary = explainPhase(t.series, 1, {}, null);
    const row = explainText(ordinary)
      .split('\n')
      .find((l) => l.startsWith(`${ordinary.channels[0].channel} `))!;
    expect(row.split(/\s+/)[1]).toBe(String(Math.round(ordinary.channels[0].spend)));
  });

  it('writes ordinary amounts to the cent in the CSV', () => {
    const model = revenueModelOf(fitFinalModel(t.series, 3));
    const outlook = scenarioOutlook(t.series, 'typical', model.weather, 60);
    const p = makePlan({ series: t.series, model, outlook }, { horizon: H, budget: 50_000 });
    const rows = planSpendCsv(p).trim().split('\n').slice(1);
    for (const row of rows)
      for (const [c, cell] of row.split(',').slice(1, 3).entries()) {
        expect(cell.split('.')[1]?.length ?? 0).toBeLessThanOrEqual(2);
        expect(Number(cell)).toBeCloseTo(p.channels[c].spend_by_period[rows.indexOf(row)], 2);
      }
  });
});
