/**
 * interval_beyond_revenue: a channel's (or the media total's) 80% contribution interval whose
 * upper end is above the revenue of the data is a caveat. The probe's case: a weekly 4-channel
 * import, revenue 36.2M, search's contribution 4.86M with an 80% interval [3.6M, 545.7M] (ROAS
 * [1.55, 234.4]), and the caveats said nothing (the planner flagged the same model).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App, type Explanation } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { explainText } from '../src/cli/commands/explain.js';
import { addIntervalsFromFigures, intervalBeyondRevenueCaveats } from '../src/phases/intervals.js';
import { call, connect, text } from './mcp-helpers.js';
import { weekly4 } from './weekly4-fixture.js';

/** Two channels with contributions 100 and 50 out of a revenue of `revenue`, no intervals yet. */
function explanation(): Explanation {
  const ch = (channel: string, contribution: number) => ({
    channel,
    spend: 50,
    contribution,
    roas: contribution / 50,
    marginal_roas: contribution / 100,
    share_of_predicted: contribution / 1000,
    truth: null,
    roas_error: null,
    intervals: null,
  });
  return {
    tenant: 't',
    phase: 3,
    model_kind: 'ridge',
    rows: 10,
    start: '2024-01-01',
    end: '2024-01-10',
    channels: [ch('tv', 100), ch('search', 50)],
    weather_states: [],
    controls: [],
    response_curves: [],
    channel_params: null,
    caveats: [],
    validation: null,
    uncertainty: null,
    notes: [],
  } as Explanation;
}

/**
 * Bootstrap figure vectors (per channel: contribution, ROAS, marginal ROAS) whose contributions
 * run over `tv` and `search` in turn: replicate b has tv = tv[b], search = search[b].
 */
function boot(tv: number[], search: number[], revenue: number) {
  return {
    figures: tv.map((x, b) => [x, x / 50, x / 100, search[b], search[b] / 50, search[b] / 100]),
    failed: 0,
    blockLength: 2,
    windows: [],
    testShifts: [],
    revenue,
  };
}

/** With the unscaled rule the 80% upper end is the replicates' 90th percentile. */
const UNSCALED = { widthScale: { p80: 1, p95: 1 } };
const flat = (v: number) => Array.from({ length: 11 }, () => v);
/** 0, 100, ..., 1000: the 90th percentile (linear interpolation, 11 values) is 900. */
const ramp = Array.from({ length: 11 }, (_, i) => 100 * i);

describe('interval_beyond_revenue', () => {
  it("names a channel whose 80% upper end is above the data's revenue, with the figures", () => {
    const e = addIntervalsFromFigures(explanation(), boot(ramp, flat(50), 800), UNSCALED);
    expect(e.channels[0].intervals!.contribution.p80[1]).toBeCloseTo(900, 9);
    const c = e.caveats.filter((x) => x.code === 'interval_beyond_revenue');
    expect(c).toHaveLength(1);
    // tv up to 900 = 1.125x the revenue of 800; the media together up to 950 (search adds 50)
    expect(c[0].message).toContain('(800 over 2024-01-01..2024-01-10)');
    expect(c[0].message).toContain('tv up to 900 (1.1x)');
    expect(c[0].message).toContain('the media together up to 950 (1.2x)');
    expect(c[0].message).not.toContain('search up to');
    expect(c[0].channels).toEqual(['tv']);
    expect(c[0].message).toContain('marginal ROAS of tv as unbounded by the data');
    // Not "bounded from below only": on weekly generated tenants the truth was below the 80%
    // lower end under this caveat too (the confusion with the baseline lifts the whole interval).
    expect(c[0].message).toContain('the point and the lower end as possibly too high');
    expect(c[0].message).not.toContain('bounded from below');
  });

  it('says nothing when every upper end is below the revenue', () => {
    const e = addIntervalsFromFigures(explanation(), boot(ramp, flat(50), 1000), UNSCALED);
    expect(e.caveats.map((x) => x.code)).not.toContain('interval_beyond_revenue');
  });

  it('the media total alone can reach beyond: each channel within the revenue, their sum not', () => {
    // tv's upper end 900 and search's 900 (both < 1000); together 1800 in the top replicates
    const e = addIntervalsFromFigures(explanation(), boot(ramp, ramp, 1000), UNSCALED);
    const c = e.caveats.find((x) => x.code === 'interval_beyond_revenue');
    expect(c?.message).toContain('the media together up to 1.8k (1.8x)');
    expect(c?.message).toContain('marginal ROAS of the channels as unbounded');
  });

  it('is left to media_beyond_revenue when the point is beyond already, and needs a revenue', () => {
    const e = explanation();
    e.caveats.push({ code: 'media_beyond_revenue', message: 'the point is beyond' });
    const iv = { p80: [0, 5000] as [number, number], p95: [0, 6000] as [number, number] };
    e.channels[0].intervals = { contribution: iv, roas: iv, marginal_roas: iv };
    expect(intervalBeyondRevenueCaveats(e, null, 1000)).toEqual([]);
    e.caveats = [];
    expect(intervalBeyondRevenueCaveats(e, null, 1000)).toHaveLength(1);
    expect(intervalBeyondRevenueCaveats(e, null, 0)).toEqual([]);
  });
});

describe('interval_beyond_revenue on the probe tenant, app, MCP and CLI text', () => {
  let dir: string;
  let app: App;
  const data = weekly4();
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wv-interval-beyond-'));
    app = createApp({ stateDir: dir, workers: 1, log: silentLogger });
    app.importTenantData({ tenant: 'wk4', csv: data.csv });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the caveat names the channels whose 80% upper end passes the revenue of the data', async () => {
    const c = await connect(app);
    try {
      const r = await call(c, 'explain_tenant', { tenant: 'wk4', phase: 3 });
      expect(r.isError, text(r)).toBeFalsy();
      const e = r.structuredContent as unknown as Explanation;
      // every channel whose upper end passes the revenue (summed from the CSV here), and only them
      const over = e.channels
        .filter((ch) => ch.intervals!.contribution.p80[1] > data.revenue)
        .map((ch) => ch.channel);
      expect(over).toContain('search');
      const caveat = e.caveats.find((x) => x.code === 'interval_beyond_revenue');
      expect(caveat).toBeDefined();
      expect(caveat!.message).toContain('(36.2M over 2022-01-03..');
      for (const ch of e.channels) {
        expect(caveat!.message.includes(`${ch.channel} up to`)).toBe(over.includes(ch.channel));
      }
      expect(text(r)).toContain(`CAVEAT interval_beyond_revenue: ${caveat!.message}`);
      expect(explainText(e)).toContain(`CAVEAT (interval_beyond_revenue): ${caveat!.message}`);
    } finally {
      await c.close();
    }
  }, 300_000);
});
