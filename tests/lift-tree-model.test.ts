/**
 * Lift tests on a tenant whose phase-3 all-rows model is a tree model (GBM or blend): a tree is
 * piecewise constant in spend, so no test can move it. Explain used to set every test aside with
 * "conflict: false" and a note at the end, while a plan on the same tenant used them (an outside
 * probe's weekly file, session 70). Now the tests calibrate the same design fitted as Ridge
 * (final.ts ridgeForm), explain shows that model with the caveat lift_tests_ridge_form, and the
 * plan's view of explain's verdicts judges the same model. The tenant: a daily one-year
 * four-channel shape (seed 9609) whose all-rows model is a GBM reading every ROAS below the truth
 * (tests/explain-tree-caveat.test.ts); tests simulated from its truth (bench/calibration.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchLiftTest } from '../bench/calibration.js';
import { createApp, type App } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { liftTestsToCsv } from '../src/core/csv.js';
import { generateShape, shapeSpecOf } from '../src/core/data/index.js';
import { fitFinalModel, ridgeForm } from '../src/phases/final.js';
import { explainVerdicts } from '../src/plan/calibrate.js';

const SEED = 9609;
const SHAPE = { frequency: 'daily', years: 1, channels: 4 } as const;

describe('lift tests on a tree model calibrate its Ridge form', () => {
  let app: App;
  let dir: string;
  let id: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wv-lift-tree-'));
    app = createApp({ stateDir: dir, workers: 1, log: silentLogger });
    id = app.generateTenants({ count: 1, seed: SEED, prefix: 'gen', shape: SHAPE }).tenants[0];
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('explain shows the calibrated Ridge form with its caveat, and the tests move it to the truth', async () => {
    const t = generateShape(shapeSpecOf(id, SEED, SHAPE), { seed: SEED });
    const plain = await app.explainTenant({ tenant: id, phase: 3, replicates: 20 });
    expect(plain.model_kind).toBe('gbm');
    const plainCodes = plain.caveats.map((c) => c.code);
    expect(plainCodes).toContain('tree_model');
    expect(plainCodes).not.toContain('lift_tests_ridge_form');

    const tested = t.series.channels.slice(0, 2);
    const tests = tested.map((c) => benchLiftTest(t, c).test);
    app.addLiftTests({ tenant: id, csv: liftTestsToCsv(tests), source: 'tests.csv' });
    const e = await app.explainTenant({ tenant: id, phase: 3, replicates: 20 });
    expect(e.model_kind).toBe('ridge');
    const codes = e.caveats.map((c) => c.code);
    expect(codes).toContain('lift_tests_ridge_form');
    expect(codes).not.toContain('tree_model');
    const caveat = e.caveats.find((c) => c.code === 'lift_tests_ridge_form')!;
    expect(caveat.message).toMatch(/^phase 3's all-rows model is a gradient-boosting model/);
    expect(e.calibration!.applied).toBe(true);
    expect(e.calibration!.notes.join(' ')).not.toMatch(/cannot calibrate it/);
    // Honest tests, judged and used: no conflict said without a judgement.
    expect(e.calibration!.tests.map((x) => [x.channel, x.used, x.conflict])).toEqual(
      tested.map((c) => [c, true, false]),
    );
    // The tested channels' ROAS nearer the truth than the tree model's, by the tests.
    for (const c of tested) {
      const before = plain.channels.find((x) => x.channel === c)!;
      const after = e.channels.find((x) => x.channel === c)!;
      const truth = after.truth!.roas;
      expect(Math.abs(after.roas - truth)).toBeLessThan(Math.abs(before.roas - truth) / 2);
    }
  }, 120_000);

  it("the plan's reading of explain's verdicts judges the same Ridge form", () => {
    const t = generateShape(shapeSpecOf(id, SEED, SHAPE), { seed: SEED });
    const model = fitFinalModel(t.series, 3);
    expect(model.kind).toBe('gbm');
    const form = ridgeForm(t.series, model, {}, 'test')!;
    expect(form.kind).toBe('ridge');
    expect(form.channelParams).toEqual(model.channelParams);
    const verdicts = explainVerdicts(t.series, model);
    expect(verdicts).toBeDefined();
    const tests = t.series.channels.slice(0, 2).map((c) => benchLiftTest(t, c).test);
    expect(verdicts!(tests)).toEqual([null, null]);
  }, 120_000);
});
