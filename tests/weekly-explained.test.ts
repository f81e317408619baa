/**
 * Weekly phase 3: the folds forecast with the mean of the adstock/Hill model and phase 2's
 * log-spend model (ladder.ts WEEKLY_MIX_WEIGHT), while explain and the planner describe the
 * adstock/Hill model alone. The result records that model's own fold R² (explained_model), and
 * explain says which model its cross-validated R² is, through the app, the CLI and MCP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { generateShape, generateTenant, SHAPE_SUITE } from '../src/core/data/index.js';
import { chooseProtocol } from '../src/core/folds.js';
import { r2 } from '../src/core/metrics.js';
import { explanationCaveats } from '../src/phases/intervals.js';
import { PhaseLadder, predictFold } from '../src/phases/ladder.js';
import { trainPhase3 } from '../src/phases/phase3.js';
import { PASS_THRESHOLD } from '../src/phases/result.js';
import { foldKindsPhrase, type Explanation, type ModelKind } from '../src/phases/types.js';
import { validationClause } from '../src/app/explain.js';
import { tempStateDir, wv } from './cli-helpers.js';
import { call, connect, text } from './mcp-helpers.js';

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** A phase 3 explanation with nothing in it but its caveats' inputs. */
const EMPTY_EXPLANATION = {
  phase: 3,
  channels: [],
  weather_states: [],
  controls: [],
} as unknown as Explanation;

/** A validation summary: the folds' mean R², and the explained model's alone with what they used. */
function validation(mix: number, alone?: number, forecastWith?: string) {
  return {
    mean_r2: mix,
    se_r2: 0.05,
    pass_threshold: 0.5,
    ...(alone === undefined ? {} : { explained_model_r2: alone }),
    ...(forecastWith === undefined ? {} : { explained_model_forecast_with: forecastWith }),
  };
}

describe('weekly phase 3: the explained model has its own fold R²', () => {
  it('records the adstock/Hill model alone on the same folds, computed as the ladder would without the mix', () => {
    const spec = SHAPE_SUITE.find((s) => s.id === 'shape_weekly_2y_noweather')!;
    const series = generateShape(spec).series;
    const res = trainPhase3(series);
    const em = res.explained_model!;
    expect(em).toBeDefined();
    // Independently: a ladder without the mix and without the fallback fits phase 3's own
    // (adstock/Hill) model of each fold's training rows, with the search phase 3 uses.
    const { folds, protocol } = chooseProtocol(series.target.length, 'weekly');
    const alone = new PhaseLadder(series, {
      horizon: protocol.test_rows,
      weeklyMix: false,
      fallback: false,
      choose: { passBar: PASS_THRESHOLD },
      search: { scheme: 'blocked' },
    });
    const want = folds.map((f) =>
      r2(
        series.target.subarray(f.testStart, f.testEnd),
        predictFold(alone.fit(3, f.trainEnd), f.testStart, f.testEnd),
      ),
    );
    // The kind the Ridge / GBM / blend rule took on each fold, as the independent ladder's.
    expect(em.fold_models).toEqual(folds.map((f) => alone.fit(3, f.trainEnd).kind));
    expect(em.note).toContain(foldKindsPhrase(em.fold_models));
    expect(em.fold_r2).toHaveLength(want.length);
    em.fold_r2.forEach((v, i) => expect(v).toBeCloseTo(want[i], 12));
    expect(em.mean_r2).toBeCloseTo(mean(want), 12);
    // The result's own figures are the mix's (laddered): another model on at least one fold.
    expect(res.fold_r2.some((v, i) => Math.abs(v - want[i]) > 1e-6)).toBe(true);
    expect(em.note).toContain(`scored mean fold R² ${mean(want).toFixed(3)} on the same folds`);
  });

  it("explain's caveats judge the explained model by its own fold R², and say both", () => {
    const e = EMPTY_EXPLANATION;
    const v = (mix: number, alone?: number) => validation(mix, alone);
    const codes = (mix: number, alone?: number) =>
      explanationCaveats(e, v(mix, alone)).map((c) => c.code);
    expect(codes(0.6, 0.4)).toEqual(['model_fails_threshold', 'cv_of_another_model']);
    expect(codes(0.4, 0.6)).toEqual(['cv_of_another_model']);
    expect(codes(0.4)).toEqual(['model_fails_threshold']);
    expect(explanationCaveats(e, v(0.6, 0.4))[0].message).toContain(
      'mean fold R² of this model alone 0.400 < 0.5',
    );
    expect(explanationCaveats(e, v(0.6, 0.4))[1].message).toContain(
      'the cross-validated mean fold R² 0.600 is that of the weekly average',
    );
  });

  it('names the folds whose model is another kind than the all-rows model', () => {
    expect(foldKindsPhrase(['ridge', 'ridge', 'ridge'])).toBe('a Ridge on every fold');
    expect(foldKindsPhrase(['ridge', 'gbm', 'ridge', 'blend'])).toBe(
      'a Ridge on folds 1, 3 and a GBM on fold 2 and a Ridge/GBM blend on fold 4',
    );
    const v = {
      mean_r2: 0.6,
      se_r2: 0.05,
      pass_threshold: 0.5,
      explained_model_r2: 0.7,
      explained_model_fold_models: ['ridge', 'ridge', 'gbm'] as ModelKind[],
    };
    const asKind = (k: ModelKind) =>
      ({
        phase: 3,
        model_kind: k,
        channels: [],
        weather_states: [],
        controls: [],
        validation: v,
      }) as unknown as Explanation;
    const msg = (k: ModelKind) =>
      explanationCaveats(asKind(k), v).find((c) => c.code === 'cv_of_another_model')!.message;
    expect(msg('ridge')).toContain(
      'scored 0.700 on the same folds, fitted there as a Ridge on folds 1, 2 and a GBM on fold 3; this all-rows model is a Ridge',
    );
    expect(validationClause(asKind('ridge'))).toBe(
      ', mean fold R² 0.600 ± 0.050 (SE) (weekly mix; this kind of model alone 0.700, a GBM on fold 3)',
    );
    expect(validationClause(asKind('gbm'))).toBe(
      ', mean fold R² 0.600 ± 0.050 (SE) (weekly mix; this kind of model alone 0.700, a Ridge on folds 1, 2)',
    );
    // Every fold of the all-rows model's kind: the sentence as before, nothing added.
    const same = { ...v, explained_model_fold_models: ['ridge', 'ridge'] as ModelKind[] };
    const e = { ...asKind('ridge'), validation: same } as Explanation;
    expect(explanationCaveats(e, same)[0].message).toMatch(/scored 0\.700 on the same folds$/);
    expect(validationClause(e)).toBe(
      ', mean fold R² 0.600 ± 0.050 (SE) (weekly mix; this model alone 0.700)',
    );
  });

  it("is phase 3's own model of the window on daily data, which the folds' hedges average", () => {
    const daily = new PhaseLadder(generateTenant('medium_sports').series, { horizon: 182 });
    expect(daily.adstockHillAlone(185)).toBe(daily.own(3, 185));
  });
});

describe('daily phase 3: folds averaged with or replaced by phase 2 have the model alone scored', () => {
  // A new user's daily file: every fold half phase 0's model, the adstock/Hill model alone 0.40
  // and 0.46 where phase 0 scored 0.59 and 0.56, and explain said "mean fold R² 0.613, passes".
  it("equals the folds' R² of the same phase 3 without its fallback, where none of its folds forecast otherwise", () => {
    const tenant = generateTenant('extreme_cooling');
    const r = trainPhase3(tenant.series);
    const em = r.explained_model!;
    const hedged = r.folds.flatMap((f, i) =>
      f.fallback && (!f.fallback.kept || f.fallback.averaged_with) ? [i + 1] : [],
    );
    expect(hedged.length).toBeGreaterThan(0);
    expect(em.forecast_with).toContain("averaged with phase 2's model on fold");
    // Without the per-fold fallback every fold forecasts with phase 3's own model: its fold R²
    // are the explained model's (extreme_cooling: no delay chosen, no contribution held at 0).
    const own = trainPhase3(tenant.series, { fallback: false });
    expect(own.explained_model).toBeUndefined();
    own.folds.forEach((f, i) => expect(em.fold_r2[i]).toBeCloseTo(f.r2, 10));
    expect(em.mean_r2).toBeCloseTo(mean(own.folds.map((f) => f.r2)), 10);
  });

  it('says so first only where the model alone scores materially lower, and always in the header', () => {
    const e = EMPTY_EXPLANATION;
    const daily = "this adstock/Hill model averaged with phase 2's model on fold 1 of 4";
    const v = (mix: number, alone: number) => validation(mix, alone, daily);
    const codes = (mix: number, alone: number) =>
      explanationCaveats(e, v(mix, alone)).map((c) => c.code);
    expect(codes(0.7, 0.69)).toEqual([]);
    expect(codes(0.7, 0.75)).toEqual([]);
    expect(codes(0.7, 0.67)).toEqual(['cv_of_another_model']);
    expect(codes(0.55, 0.45)).toEqual(['model_fails_threshold', 'cv_of_another_model']);
    expect(explanationCaveats(e, v(0.7, 0.6))[0].message).toBe(
      `the cross-validated mean fold R² 0.700 is that of ${daily} (what the folds forecast with); this model alone, whose contributions and ROAS these are, scored 0.600 on the same folds`,
    );
    const clause = validationClause({ validation: v(0.7, 0.69), model_kind: 'ridge' });
    expect(clause).toBe(
      ", mean fold R² 0.700 ± 0.050 (SE) (folds partly phase 2's model; this model alone 0.690)",
    );
  });
});

describe('weekly phase 3 explained through the app, MCP and the CLI', () => {
  let app: App;
  let dir: string;
  const shape = { frequency: 'weekly', years: 2, channels: 2, weather: 'none' } as const;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wv-weekly-explained-'));
    app = createApp({ stateDir: dir, workers: 1, log: silentLogger });
    app.generateTenants({ count: 1, seed: 5, prefix: 'wk', shape });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('train records it; explain over MCP gives the caveat and the figure', async () => {
    const r = await app.trainTenant({ tenant: 'wk_s5_0', phase: 3 });
    const alone = r.explained_model!.mean_r2;
    expect(Number.isFinite(alone)).toBe(true);
    const c = await connect(app);
    try {
      const out = await call(c, 'explain_tenant', { tenant: 'wk_s5_0', replicates: 0 });
      expect(out.isError).toBeFalsy();
      const e = out.structuredContent as unknown as Explanation;
      expect(e.validation?.mean_r2).toBeCloseTo(r.mean_r2, 12);
      expect(e.validation?.explained_model_r2).toBeCloseTo(alone, 12);
      const cav = e.caveats.find((x) => x.code === 'cv_of_another_model');
      expect(cav?.message).toContain(
        `this model alone, whose contributions and ROAS these are, scored ${alone.toFixed(3)}`,
      );
      expect(text(out)).toContain('CAVEAT cv_of_another_model: ');
      // The folds' kinds travel with the figure; where one differs from the all-rows model's,
      // the header says the figure is of its kind of model.
      const kinds = r.explained_model!.fold_models;
      expect(e.validation?.explained_model_fold_models).toEqual(kinds);
      const sameKind = kinds.every((k) => k === e.model_kind);
      expect(text(out)).toContain(
        `(weekly mix; this ${sameKind ? 'model' : 'kind of model'} alone ${alone.toFixed(3)}`,
      );
      if (!sameKind) expect(cav?.message).toContain(`, fitted there as ${foldKindsPhrase(kinds)};`);
    } finally {
      await c.close();
    }
    // Phase 2 is explained by the model its folds forecast with: no such caveat.
    const e2 = await app.explainTenant({ tenant: 'wk_s5_0', phase: 2, replicates: 0 });
    expect(e2.validation?.explained_model_r2).toBeUndefined();
    expect(e2.caveats.map((x) => x.code)).not.toContain('cv_of_another_model');
  });

  it('the CLI says it in train and explain', () => {
    const state = tempStateDir();
    try {
      const run = (...args: string[]) => wv(state.dir, args);
      const g = run(
        'generate',
        '--tenants',
        '1',
        '--seed',
        '5',
        '--prefix',
        'wk',
        '--frequency',
        'weekly',
        '--years',
        '2',
        '--channels',
        '2',
        '--no-weather',
      );
      expect(g.code, g.stderr).toBe(0);
      const t = run('train', '--tenant', 'wk_s5_0', '--phase', '3');
      expect(t.code, t.stderr).toBe(0);
      expect(t.stdout).toMatch(
        /explained model: on weekly data the folds forecast with the average of the adstock\/Hill model and the log-spend Ridge that phase 1 uses \(averaged again with phase 2's model where no validation block checks a fold or its blocks do not show phase 3 better beyond their noise, and phase 2's model alone on an unchecked fold with fewer than 2 rows per coefficient\); the adstock\/Hill model alone, the kind of model explain and the planner fit on all rows, scored mean fold R² -?\d\.\d{3} on the same folds \(a (Ridge|GBM)/,
      );
      const e = run('explain', '--tenant', 'wk_s5_0', '--phase', '3', '--replicates', '0');
      expect(e.code, e.stderr).toBe(0);
      expect(e.stdout).toMatch(
        /^CAVEAT \(cv_of_another_model\): the cross-validated mean fold R²/m,
      );
      expect(e.stdout).toMatch(/\(weekly mix; this (kind of )?model alone -?\d\.\d{3}[,)]/);
    } finally {
      state.remove();
    }
  });
});
