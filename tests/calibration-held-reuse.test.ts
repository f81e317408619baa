/**
 * The channels a calibration holds take their intervals from the uncalibrated explanation kept
 * for the same data, model and replicates (an explain without lift tests, or one kept beside an
 * earlier calibrated explain), instead of a second bootstrap of the uncalibrated model, with the
 * same figures to the digit (intervals.ts completeCalibratedIntervals `kept`; app/explain.ts
 * keptUncalibrated). Issue 15: a calibrated explain bootstrapped the uncalibrated model again
 * after a plain explain had kept exactly that explanation.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchLiftTest } from '../bench/calibration.js';
import { createApp, type App } from '../src/app/index.js';
import { UNCALIBRATED_EXPLANATION_KIND } from '../src/app/explain.js';
import { silentLogger } from '../src/app/log.js';
import { liftTestsToCsv } from '../src/core/csv.js';
import { generateTenant } from '../src/core/data/index.js';
import type { SyntheticTenant, TenantSeries } from '../src/core/types.js';
import { explainCalibratedFit, weatherStates } from '../src/phases/explain.js';
import { fitFinalModel } from '../src/phases/final.js';
import {
  completeCalibratedIntervals,
  addIntervals,
  modelLiftSpread,
  uncalibratedExplanation,
} from '../src/phases/intervals.js';
import type { Explanation } from '../src/phases/types.js';
import { withoutUnspentFigures } from '../src/phases/unspent.js';
import { openStore } from '../src/store/index.js';

const REPLICATES = 20;
const T = 'extreme_ski_gear';

/** A calibrated explanation (test on meta, google held) before its held channels' intervals. */
function calibratedBase(series: TenantSeries, tenant: SyntheticTenant) {
  const options = { replicates: REPLICATES };
  const model = fitFinalModel(series, 3, {});
  const test = benchLiftTest(tenant, 'meta').test;
  const fit = explainCalibratedFit(series, model, tenant, [test], {
    modelLifts: modelLiftSpread(series, model, options),
  });
  addIntervals(fit.explanation, series, fit.model, { ...options, calibration: fit.replicate });
  expect(fit.explanation.calibration!.held_channels).toEqual(['google']);
  return { model, options, base: fit.explanation };
}

/** The held channels' intervals added (from `kept` or computed) and the unspent figures out. */
function finished(
  base: Explanation,
  series: TenantSeries,
  model: ReturnType<typeof fitFinalModel>,
  tenant: SyntheticTenant,
  options: { replicates: number },
  kept: Explanation | null,
): { explanation: Explanation; computed: Explanation | null } {
  const explanation = structuredClone(base);
  const computed = completeCalibratedIntervals(explanation, series, model, tenant, options, kept);
  withoutUnspentFigures(explanation);
  return { explanation, computed };
}

/** As the store keeps it: taken out of its unspent figures, through JSON. */
const asKept = (e: Explanation): Explanation =>
  JSON.parse(JSON.stringify(withoutUnspentFigures(structuredClone(e)))) as Explanation;

describe('held channels read the kept uncalibrated explanation (phases)', () => {
  it('give the same explanation to the digit, and compute nothing', () => {
    const tenant = generateTenant(T);
    const series = tenant.series;
    const { model, options, base } = calibratedBase(series, tenant);
    const fresh = finished(base, series, model, tenant, options, null);
    const kept = asKept(fresh.computed!);
    // The intervals are the kept ones (a kept explanation with other numbers shows them).
    const marked = structuredClone(kept);
    marked.channels.find((c) => c.channel === 'google')!.intervals!.roas.p80 = [-7, 7];
    const shown = finished(base, series, model, tenant, options, marked).explanation;
    expect(shown.channels.find((c) => c.channel === 'google')!.intervals!.roas.p80).toEqual([
      -7, 7,
    ]);
    const reused = finished(base, series, model, tenant, options, kept);
    expect(reused.computed).toBeNull();
    expect(JSON.stringify(reused.explanation)).toBe(JSON.stringify(fresh.explanation));
    // One that does not pair (another channel list) is not used: computed again, the same figures.
    const other = structuredClone(kept);
    other.channels.reverse();
    const again = finished(base, series, model, tenant, options, other);
    expect(again.computed).not.toBeNull();
    expect(JSON.stringify(again.explanation)).toBe(JSON.stringify(fresh.explanation));
    // Computed without one: the explanation explain gives without tests.
    expect(JSON.stringify(fresh.computed)).toBe(
      JSON.stringify(uncalibratedExplanation(series, model, tenant, options)),
    );
  }, 300_000);

  it('pairs with a kept explanation whose unspent figures are out (a state without spend)', () => {
    const tenant = generateTenant(T);
    // google never spends on hot days: its hot-state figures are null in the kept explanation.
    const hot = weatherStates(tenant.series).find((s) => s.state === 'temperature_c:hot')!;
    const g = tenant.series.channels.indexOf('google');
    const spend = tenant.series.spend.map((x, c) =>
      c === g ? x.map((v, t) => (hot.mask[t] ? 0 : v)) : x,
    );
    const series: TenantSeries = { ...tenant.series, spend };
    const { model, options, base } = calibratedBase(series, tenant);
    const fresh = finished(base, series, model, tenant, options, null);
    const kept = asKept(fresh.computed!);
    const hotGoogle = (e: Explanation) =>
      e.weather_states
        .find((s) => s.state === 'temperature_c:hot')!
        .channels.find((c) => c.channel === 'google')!;
    expect(hotGoogle(kept).intervals).toBeNull();
    expect(hotGoogle(fresh.explanation).intervals).toBeNull();
    const reused = finished(base, series, model, tenant, options, kept);
    expect(reused.computed).toBeNull();
    expect(JSON.stringify(reused.explanation)).toBe(JSON.stringify(fresh.explanation));
  }, 300_000);
});

const dirs: string[] = [];
const apps: App[] = [];
afterAll(async () => {
  for (const a of apps) await a.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
/** A fresh state directory with the tenant's phase 3 run done. */
async function freshApp(): Promise<{ app: App; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wv-held-reuse-'));
  dirs.push(dir);
  const app = createApp({
    stateDir: dir,
    workers: 1,
    log: silentLogger,
    explainReplicates: REPLICATES,
  });
  apps.push(app);
  await app.startPhaseRun({ phase: 3, tenants: [T] }).done;
  return { app, dir };
}
const addMetaTest = (app: App) =>
  app.addLiftTests({
    tenant: T,
    csv: liftTestsToCsv([benchLiftTest(generateTenant(T), 'meta').test]),
    source: 'meta.csv',
  });
/** The kept explanation rows of the tenant beside run 1, by kind. */
function keptRows(dir: string): Map<string, { lift_tests: string; explanation: Explanation }> {
  const store = openStore(dir);
  try {
    return new Map(
      store
        .getModels(1, T, -1)
        .filter((m) => m.kind.startsWith('explanation'))
        .map((m) => [m.kind, m.payload as { lift_tests: string; explanation: Explanation }]),
    );
  } finally {
    store.close();
  }
}

describe('explain with lift tests after explain without (app)', () => {
  it("the held channel shows the kept explanation's intervals (marked in the store)", async () => {
    const c = await freshApp();
    await c.app.explainTenant({ tenant: T, replicates: REPLICATES });
    addMetaTest(c.app);
    await c.app.close();
    const store = openStore(c.dir);
    const row = store.getModels(1, T, -1).find((m) => m.kind === 'explanation')!;
    const payload = row.payload as { explanation: Explanation };
    payload.explanation.channels.find((x) => x.channel === 'google')!.intervals!.roas.p80 = [-7, 7];
    store.saveModel(1, T, { fold: -1, kind: 'explanation', payload });
    store.close();
    const reopened = createApp({ stateDir: c.dir, workers: 1, log: silentLogger });
    apps.push(reopened);
    const marked = await reopened.explainTenant({ tenant: T, replicates: REPLICATES });
    expect(marked.channels.find((x) => x.channel === 'google')!.intervals!.roas.p80).toEqual([
      -7, 7,
    ]);
  }, 600_000);

  it('reads the kept explanation for the held channel, keeps it, and gives what a fresh bootstrap gives', async () => {
    // Explain without tests first (keeps the model and the plain explanation), then a test.
    const a = await freshApp();
    const plain = await a.app.explainTenant({ tenant: T, replicates: REPLICATES });
    addMetaTest(a.app);
    const reused = await a.app.explainTenant({ tenant: T, replicates: REPLICATES });
    // The calibrated explanation replaced the plain one in the explanation row; the plain one is
    // kept beside it for the next calibrated explain or report.
    const rows = keptRows(a.dir);
    expect(rows.get('explanation')!.lift_tests).not.toBe('[]');
    const keptPlain = rows.get(UNCALIBRATED_EXPLANATION_KIND)!;
    expect(keptPlain.lift_tests).toBe('[]');
    // explain's own (its notes end with where the model came from, added after it is kept).
    expect(JSON.stringify({ ...keptPlain.explanation, notes: [] })).toBe(
      JSON.stringify({ ...plain, notes: [] }),
    );
    expect(plain.notes.slice(0, keptPlain.explanation.notes.length)).toEqual(
      keptPlain.explanation.notes,
    );

    // The same without a kept plain explanation: the model kept by an explain without intervals,
    // the held channel's intervals bootstrapped in the calibrated explain.
    const b = await freshApp();
    await b.app.explainTenant({ tenant: T, replicates: 0 });
    addMetaTest(b.app);
    const computed = await b.app.explainTenant({ tenant: T, replicates: REPLICATES });
    expect(computed.calibration!.held_channels).toEqual(['google']);
    expect(JSON.stringify(reused)).toBe(JSON.stringify(computed));
    // ... and it kept the plain explanation it computed: the same as explain's without tests.
    expect(JSON.stringify(keptRows(b.dir).get(UNCALIBRATED_EXPLANATION_KIND)!.explanation)).toBe(
      JSON.stringify(keptPlain.explanation),
    );
  }, 600_000);
});

describe('a report with lift tests (app)', () => {
  it('reads the kept uncalibrated explanation, or keeps the one it computes; the same page', async () => {
    // The run's finishing time is the only thing two state directories differ in.
    const page = (file: string): string =>
      readFileSync(file, 'utf8').replace(/finished [^)<]*/g, 'finished');
    // Explain without tests kept the plain explanation: the report's held channel reads it.
    const a = await freshApp();
    await a.app.explainTenant({ tenant: T });
    addMetaTest(a.app);
    const kept = await a.app.writeReport({ tenant: T, phase: 3 });
    // Nothing kept but the model: the report bootstraps the uncalibrated model, and keeps it.
    const b = await freshApp();
    await b.app.explainTenant({ tenant: T, replicates: 0 });
    addMetaTest(b.app);
    expect(keptRows(b.dir).has(UNCALIBRATED_EXPLANATION_KIND)).toBe(false);
    const computed = await b.app.writeReport({ tenant: T, phase: 3 });
    expect(page(kept.file)).toBe(page(computed.file));
    const row = keptRows(b.dir).get(UNCALIBRATED_EXPLANATION_KIND)!;
    expect(row.lift_tests).toBe('[]');
    expect(row.explanation.calibration).toBeUndefined();
  }, 600_000);
});
