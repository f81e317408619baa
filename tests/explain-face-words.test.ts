/**
 * What the explain faces print about figures the JSON holds right: the response-curve columns of
 * weather states of any column name, the replicates of phases 0-2 (no adstock/Hill search), and
 * small negative bounds in the MCP text (not '-0.00').
 */
import { describe, expect, it } from 'vitest';
import type { Explanation } from '../src/app/index.js';
import { explainText, stateHeaders } from '../src/cli/commands/explain.js';
import { fmtPct, fmtR2 } from '../src/mcp/results.js';
import { fmt2 } from '../src/mcp/tools/explain-tenant.js';

const state = (variable: string, label: string) => ({ state: `${variable}:${label}`, variable });

/** A one-channel explanation with intervals and the given weather states. */
function explanation(phase: 0 | 1 | 2 | 3, states: { state: string; variable: string }[]) {
  const iv = { p80: [1, 3] as [number, number], p95: [0.5, 4] as [number, number] };
  const e: Explanation = {
    tenant: 't',
    phase,
    model_kind: 'ridge',
    rows: 3,
    start: '2024-01-01',
    end: '2024-01-03',
    channels: [
      {
        channel: 'meta',
        spend: 300,
        contribution: 600,
        roas: 2,
        marginal_roas: 1,
        share_of_predicted: 0.1,
        truth: null,
        roas_error: null,
        intervals: { contribution: iv, roas: iv, marginal_roas: iv },
      },
    ],
    weather_states: states.map((s) => ({
      ...s,
      definition: `${s.variable} <= 1`,
      rows: 1,
      channels: [
        {
          channel: 'meta',
          spend: 100,
          contribution: 200,
          roas: 2,
          marginal_roas: 1,
          true_roas: null,
          roas_error: null,
          intervals: null,
        },
      ],
    })),
    controls: [],
    response_curves: [
      {
        channel: 'meta',
        spend_levels: [0, 100],
        contribution: [0, 150],
        by_state: Object.fromEntries(states.map((s, i) => [s.state, [0, 100 + i]])),
        true_contribution: null,
        contribution_interval: null,
      },
    ],
    channel_params: null,
    caveats: [],
    validation: { mean_r2: 0.6, se_r2: 0.05, pass_threshold: 0.5 },
    uncertainty: {
      method: 'moving-block residual bootstrap',
      replicates: 20,
      failed_replicates: 0,
      block_length: 28,
      model_error: 0,
      width_scale: { p80: 1.09, p95: 1.09 },
      levels: [0.8, 0.95],
    },
    notes: [],
  };
  return e;
}

/** The header line of the response-curve table of the text. */
function curveHeader(text: string): string[] {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith('spend/day'));
  return lines[at].split(/\s{2,}/);
}

describe('explain text: weather-state columns of the response curves', () => {
  it("drop the column name of any header, e.g. 'Temperature (°F)' (it stayed in before)", () => {
    const states = ['cold', 'mild', 'hot']
      .map((l) => state('Temperature (°F)', l))
      .concat(['rain', 'dry'].map((l) => state('Rain [mm]', l)));
    expect(stateHeaders(states)).toEqual(['cold', 'mild', 'hot', 'rain', 'dry']);
    expect(curveHeader(explainText(explanation(3, states)))).toEqual([
      'spend/day',
      'revenue/day',
      'cold',
      'mild',
      'hot',
      'rain',
      'dry',
    ]);
  });

  it('keep the column name where two columns share labels (low / mid / high of two columns)', () => {
    const states = ['low', 'mid', 'high'].map((l) => state('uv_index', l));
    const two = [...states, ...['low', 'mid', 'high'].map((l) => state('cloud_cover', l))];
    expect(stateHeaders(states)).toEqual(['low', 'mid', 'high']);
    expect(stateHeaders(two)).toEqual([
      'uv_index:low',
      'uv_index:mid',
      'uv_index:high',
      'cloud_cover:low',
      'cloud_cover:mid',
      'cloud_cover:high',
    ]);
    expect(curveHeader(explainText(explanation(3, two))).slice(2)).toEqual(stateHeaders(two));
  });
});

describe('explain text: how the replicates are refitted', () => {
  it('phase 3: with its own adstock/Hill search; phases 0-2: as their model, no search', () => {
    expect(explainText(explanation(3, []))).toContain(
      'each replicate refitted with its own adstock/Hill search',
    );
    for (const phase of [0, 1, 2] as const) {
      const text = explainText(explanation(phase, []));
      expect(text).not.toContain('adstock/Hill search');
      expect(text).toContain(`each replicate refitted as phase ${phase}'s model`);
    }
  });
});

describe('MCP text numbers: no negative zero', () => {
  it("a small negative bound keeps three significant digits (it read '-0.00')", () => {
    expect(fmt2(-0.004554441950642474)).toBe('-0.00455');
    expect(fmt2(0.0012)).toBe('0.00120');
    expect(fmt2(0)).toBe('0.00');
    expect(fmt2(-0.25793869146512627)).toBe('-0.26');
    expect(fmt2(Number.NaN)).toBe('n/a');
  });

  it("percentages and R² that round to 0 read without a sign (they read '-0%', '-0.000')", () => {
    expect(fmtPct(-0.004)).toBe('0%');
    expect(fmtPct(-0.006)).toBe('-1%');
    expect(fmtPct(0.048)).toBe('5%');
    expect(fmtR2(-0.0004)).toBe('0.000');
    expect(fmtR2(-0.0006)).toBe('-0.001');
  });
});
