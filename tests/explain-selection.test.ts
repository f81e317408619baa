/**
 * explain_tenant's answer for tenants of many channels: some channels (`channels`), response
 * curves only when asked (`curves`), estimates to 6 significant digits. Session 52: a 15-channel
 * answer was 104 KB of structured JSON plus 8 KB of text (about 28,000 tokens), above what Claude
 * Code takes from a tool (25,000), 40% of it response curves and most of the rest 17-digit
 * doubles.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { channelSelectionProblem, selectExplanation } from '../src/app/explain-view.js';
import { createApp, type App, type Explanation } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { explainText } from '../src/cli/commands/explain.js';
import { roundFigures } from '../src/mcp/results.js';
import type { FakeApp } from './mcp-fake-app.js';
import { call, connect, makeApp, text, type Connected } from './mcp-helpers.js';
import { wv, tempStateDir } from './cli-helpers.js';

/** Three channels; a caveat about the model, one about c, one about a and b together. */
function explanation(): Explanation {
  const ch = (channel: string, roas: number) => ({
    channel,
    spend: 100.25,
    contribution: roas * 100.25,
    roas,
    marginal_roas: roas / 2,
    share_of_predicted: 0.1,
    truth: null,
    roas_error: null,
    intervals: null,
  });
  const curve = (channel: string) => ({
    channel,
    spend_levels: [0, 1],
    contribution: [0, 2],
    by_state: {},
    true_contribution: null,
    contribution_interval: null,
  });
  return {
    tenant: 't',
    phase: 3,
    model_kind: 'ridge',
    rows: 10,
    start: '2024-01-01',
    end: '2024-01-10',
    channels: [ch('a', 1.5), ch('b', 2.5), ch('c', 3.5)],
    weather_states: [
      {
        state: 'rain',
        variable: 'precipitation_mm',
        definition: 'precipitation_mm > 1',
        rows: 4,
        channels: ['a', 'b', 'c'].map((c) => ({
          channel: c,
          spend: 10,
          contribution: 20,
          roas: 2,
          marginal_roas: 1,
          true_roas: null,
          roas_error: null,
          intervals: null,
        })),
      },
    ],
    response_curves: [curve('a'), curve('b'), curve('c')],
    channel_params: { a: null, b: null, c: null },
    caveats: [
      { code: 'model_fails_threshold', message: 'below the bar' },
      { code: 'interval_spans_zero', message: 'c spans zero', channels: ['c'] },
      { code: 'channels_correlated', message: 'a and b', channels: ['a', 'b'] },
    ],
    validation: null,
    uncertainty: null,
    notes: ['a note'],
  } as unknown as Explanation;
}

describe('selectExplanation', () => {
  it('keeps the chosen channels everywhere, the caveats about them or the model, and counts the rest', () => {
    const v = selectExplanation(explanation(), { channels: ['b'], curves: true });
    expect(v.channels.map((c) => c.channel)).toEqual(['b']);
    // The figures are not changed; the status is read from every caveat (one about the model).
    expect(v.channels[0]).toEqual({
      ...explanation().channels[1],
      roas_status: 'model_not_reliable',
    });
    expect(v.weather_states[0].channels.map((c) => c.channel)).toEqual(['b']);
    expect(v.response_curves!.map((c) => c.channel)).toEqual(['b']);
    expect(Object.keys(v.channel_params!)).toEqual(['b']);
    expect(v.caveats.map((c) => c.code)).toEqual(['model_fails_threshold', 'channels_correlated']);
    expect(v.selection).toEqual({
      channels: ['b'],
      of_channels: 3,
      response_curves: true,
      caveats_left_out: 1,
    });
  });

  it('leaves out the curves when asked, and shows every channel in order by default', () => {
    const v = selectExplanation(explanation(), { curves: false });
    expect('response_curves' in v).toBe(false);
    expect(v.channels.map((c) => c.channel)).toEqual(['a', 'b', 'c']);
    expect(v.caveats).toHaveLength(3);
    expect(v.selection).toMatchObject({ channels: ['a', 'b', 'c'], caveats_left_out: 0 });
    // The channels are shown in the explanation's order, not the order asked.
    expect(selectExplanation(explanation(), { channels: ['c', 'a'] }).selection.channels).toEqual([
      'a',
      'c',
    ]);
  });

  it('refuses an empty, repeated or unknown channel in the words of the option', () => {
    const known = ['a', 'b'];
    expect(channelSelectionProblem('--channels', 't', known, [])).toBe(
      '--channels names no channel: leave it out for every channel, or name one or more',
    );
    expect(channelSelectionProblem('channels', 't', known, ['a', 'a'])).toBe(
      'channels names "a" twice: name each channel once',
    );
    expect(channelSelectionProblem('channels', 't', known, ['a', 'x'])).toBe(
      'channels: "x" is not a channel of t; its channels are a, b',
    );
    expect(channelSelectionProblem('channels', 't', known, ['b', 'a'])).toBeNull();
  });
});

describe('roundFigures', () => {
  it('rounds non-integers to the significant digits asked, except under the exact keys', () => {
    const out = roundFigures(
      { roas: 4.8497112068919925, big: 2076069.562637315, n: 1095, spend: 428081.06999999983 },
      6,
      new Set(['spend']),
    );
    // by hand: 4.84971|12... -> 4.84971; 2076069.5|6 -> 2076070 (6 digits: 2.07607e6)
    expect(out).toEqual({ roas: 4.84971, big: 2076070, n: 1095, spend: 428081.06999999983 });
    expect(roundFigures([[-0.000123456789], null, 'x'], 3, new Set())).toEqual([
      [-0.000123],
      null,
      'x',
    ]);
  });
});

describe('explain_tenant over MCP (fake app)', () => {
  let app: FakeApp;
  let c: Connected;
  beforeEach(async () => {
    app = makeApp();
    c = await connect(app);
  });
  afterEach(async () => {
    await c.close();
  });

  it('leaves out the curves by default and says so; curves: true adds them', async () => {
    const r = await call(c, 'explain_tenant', { tenant: 'extreme_rain_gear' });
    expect(r.isError).toBeFalsy();
    const e = r.structuredContent as Record<string, unknown>;
    expect(e.response_curves).toBeUndefined();
    expect(e.selection).toEqual({
      channels: ['meta', 'google'],
      of_channels: 2,
      response_curves: false,
      caveats_left_out: 0,
    });
    expect(text(r)).toContain(
      'Shown: all 2 channel(s); response curves left out (curves: true adds them; get_report draws them).',
    );
    const withCurves = await call(c, 'explain_tenant', {
      tenant: 'extreme_rain_gear',
      curves: true,
    });
    expect(
      (withCurves.structuredContent as { response_curves: { channel: string }[] }).response_curves,
    ).toHaveLength(2);
  });

  it('shows the channels asked for, and refuses an unknown one before explaining', async () => {
    const r = await call(c, 'explain_tenant', {
      tenant: 'extreme_rain_gear',
      channels: ['google'],
    });
    const e = r.structuredContent as { channels: { channel: string }[]; caveats: unknown[] };
    expect(e.channels.map((x) => x.channel)).toEqual(['google']);
    expect(text(r)).toContain('Shown: 1 of 2 channels (google); response curves left out');
    const before = app.signals.length;
    const bad = await call(c, 'explain_tenant', { tenant: 'extreme_rain_gear', channels: ['tv'] });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toContain(
      'channels: "tv" is not a channel of extreme_rain_gear; its channels are meta, google',
    );
    expect(app.signals.length).toBe(before);
  });
});

describe('explain_tenant of a 12-channel tenant (real app, MCP and CLI)', () => {
  let dir: string;
  let app: App;
  let tenant: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wv-explain-select-'));
    app = createApp({ stateDir: dir, workers: 1, log: silentLogger });
    [tenant] = app.generateTenants({
      count: 1,
      seed: 52,
      prefix: 'many',
      shape: { channels: 12, years: 1 },
    }).tenants;
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a third of the size by default, with the figures of the full explanation', async () => {
    const full = await app.explainTenant({ tenant, phase: 1, replicates: 10 });
    const c = await connect(app);
    try {
      const r = await call(c, 'explain_tenant', { tenant, phase: 1, replicates: 10 });
      expect(r.isError, text(r)).toBeFalsy();
      const e = r.structuredContent as unknown as Explanation;
      const curves = await call(c, 'explain_tenant', {
        tenant,
        phase: 1,
        replicates: 10,
        curves: true,
      });
      const size = (x: unknown) => JSON.stringify(x).length;
      // The whole explanation as the app has it (every digit, with curves) against the default.
      expect(size(e)).toBeLessThan(0.5 * size(full));
      expect(size(curves.structuredContent)).toBeGreaterThan(1.3 * size(e));
      expect(e.channels).toHaveLength(12);
      for (const [i, ch] of e.channels.entries()) {
        const exact = full.channels[i];
        expect(ch.channel).toBe(exact.channel);
        expect(ch.spend).toBe(exact.spend);
        expect(Math.abs(ch.roas - exact.roas)).toBeLessThanOrEqual(Math.abs(exact.roas) * 5e-6);
        const [lo, hi] = exact.intervals!.roas.p80;
        expect(Math.abs(ch.intervals!.roas.p80[0] - lo)).toBeLessThanOrEqual(Math.abs(lo) * 5e-6);
        expect(Math.abs(ch.intervals!.roas.p80[1] - hi)).toBeLessThanOrEqual(Math.abs(hi) * 5e-6);
      }
      const one = await call(c, 'explain_tenant', {
        tenant,
        phase: 1,
        replicates: 10,
        channels: [full.channels[3].channel],
      });
      const oneE = one.structuredContent as unknown as Explanation;
      expect(oneE.channels).toEqual([e.channels[3]]);
      expect(size(oneE)).toBeLessThan(0.25 * size(e));
      // A name matching a channel but for case is that channel, as plan bounds and lift tests
      // read names (an autopilot's "Social" for social was refused).
      const cased = await call(c, 'explain_tenant', {
        tenant,
        phase: 1,
        replicates: 10,
        channels: [full.channels[3].channel.toUpperCase()],
      });
      expect(cased.isError, text(cased)).toBeFalsy();
      expect((cased.structuredContent as unknown as Explanation).channels).toEqual(oneE.channels);
    } finally {
      await c.close();
    }
  }, 300_000);

  it('refuses 1-9 bootstrap refits, which give no intervals, before computing them', async () => {
    // An MCP probe: replicates 5 was accepted, computed, then "only 5 of 5 refits succeeded".
    for (const replicates of [1, 5, 9, 501])
      await expect(app.explainTenant({ tenant, phase: 1, replicates })).rejects.toThrow(
        `replicates must be 0 (no intervals) or a whole number from 10 to 500: fewer than 10 refits give no intervals (got ${replicates})`,
      );
  });

  it('the CLI shows the channels asked for, every digit, and refuses an unknown one (exit 2)', () => {
    const s = tempStateDir();
    try {
      // The CLI process has its own state: the same generated tenant, by its id.
      const gen = wv(s.dir, [
        'generate',
        '--tenants',
        '1',
        '--seed',
        '52',
        '--prefix',
        'many',
        '--channels',
        '12',
        '--years',
        '1',
      ]);
      expect(gen.code, gen.stderr).toBe(0);
      const bad = wv(s.dir, [
        'explain',
        '--tenant',
        tenant,
        '--phase',
        '0',
        '--channels',
        'meta,nope',
      ]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain(
        `--channels: "nope" is not a channel of ${tenant}; its channels are `,
      );
      const ok = wv(s.dir, [
        'explain',
        '--tenant',
        tenant,
        '--phase',
        '0',
        '--replicates',
        '0',
        '--channels',
        'meta',
        '--json',
      ]);
      expect(ok.code, ok.stderr).toBe(0);
      const e = JSON.parse(ok.stdout) as Explanation & { selection: { channels: string[] } };
      expect(e.channels.map((x) => x.channel)).toEqual(['meta']);
      expect(e.response_curves.map((x) => x.channel)).toEqual(['meta']);
      expect(e.selection.channels).toEqual(['meta']);
      const textOut = wv(s.dir, [
        'explain',
        '--tenant',
        tenant,
        '--phase',
        '0',
        '--replicates',
        '0',
        '--channels',
        'meta',
      ]);
      expect(textOut.stdout).toContain('shown: 1 of 12 channels (--channels)');
      expect(explainText(e)).toContain('shown: 1 of 12 channels (--channels)');
    } finally {
      s.remove();
    }
  }, 300_000);
});
