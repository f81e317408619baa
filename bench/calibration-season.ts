/**
 * Does a calibrated channel's seasonal disagreement predict its error? (issue 15; diagnosis in
 * docs/calibration.md, "Calibrated intervals and the test window's season").
 *
 * Input: `bench/calibration.ts --out F.json` records (F.json: every channel of the calibrated
 * tenants tested; F.selected-only.json: tests on the channels above 25% only). For each tested
 * channel (a used test: `lift_ratio` not null) the bench's test is regenerated (benchLiftTest, no
 * model fit) and compared with the calibrated ROAS p:
 * - window rate w = measured lift / spend change of the test (what the test says one currency unit
 *   of the channel earned in its window); seasonal disagreement |p - w| / |p|: how far the
 *   calibrated all-year ROAS sits from the window's, i.e. how much of the figure rests on the
 *   model's carry-over and seasonal profile rather than on the test;
 * - the test's relative standard error SE / |L|.
 * Printed: correlations of |error| with the bootstrap's 80% half-width and with the seasonal
 * disagreement; the calibrated 80% / 95% coverage as the bench computes it (CALIBRATED_WINDOW_
 * WIDTH_SCALE) and with two extra terms for tested channels: (a) z x beta x |p - w| in quadrature
 * (beta chosen with the bootstrap factor c as the narrowest pair covering >= 80% of the pooled
 * records of the files given, the rule of WINDOW_WIDTH_SCALE) and (b) a floor of z x SE/|L| x |p|
 * on each side (no constant: the test's own error carried to the year); and the pair's choice
 * left one file out. Tenants whose calibration was not applied (every test in conflict) are left
 * out (the bench gives them uncalibrated intervals).
 *
 * Run: `npm run build && node dist/bench/calibration-season.js r_7.json,r_13.json,... [--pair C,BETA]`
 */
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  CALIBRATED_WINDOW_WIDTH_SCALE,
  figureInterval,
  LEVELS,
  type WidthScale,
} from '../src/phases/intervals.js';
import { benchLiftTest } from './calibration.js';
import { tenantById, type FigureRecord } from './intervals.js';

export interface SeasonRecord extends FigureRecord {
  /** The --out file it came from, and its reading. */
  file: string;
  reading: 'every' | 'above25';
  /** Window rate and relative SE of the channel's test; null for a channel without a used test. */
  window_rate: number | null;
  relative_se: number | null;
}

/** Records of one --out file and its .selected-only companion, with the tests' window figures. */
export function loadSeasonRecords(file: string): SeasonRecord[] {
  const out: SeasonRecord[] = [];
  const tests = new Map<string, { rate: number; relSe: number }>();
  for (const [path, reading] of [
    [file, 'every'],
    [file.replace(/(\.json)?$/, '.selected-only.json'), 'above25'],
  ] as const) {
    if (!existsSync(path)) continue;
    const records = (JSON.parse(readFileSync(path, 'utf8')) as { records: FigureRecord[] }).records;
    const applied = new Set(records.filter((r) => r.lift_ratio != null).map((r) => r.tenant));
    for (const r of records) {
      if (!applied.has(r.tenant)) continue;
      let t: { rate: number; relSe: number } | null = null;
      if (r.lift_ratio != null) {
        const key = `${r.tenant}:${r.channel}`;
        if (!tests.has(key)) {
          const { test } = benchLiftTest(tenantById(r.tenant), r.channel);
          tests.set(key, {
            rate: test.incremental_revenue / test.spend_change,
            relSe: test.standard_error / Math.abs(test.incremental_revenue),
          });
        }
        t = tests.get(key)!;
      }
      out.push({
        ...r,
        file,
        reading,
        window_rate: t ? t.rate : null,
        relative_se: t ? t.relSe : null,
      });
    }
  }
  return out;
}

type Extra = { kind: 'none' } | { kind: 'season'; beta: number } | { kind: 'floor' };

/** The record's 80% and 95% intervals: the bench's (calibrated scale) plus an extra term. */
export function seasonInterval(
  r: SeasonRecord,
  scale: WidthScale,
  extra: Extra,
): { p80: [number, number]; p95: [number, number] } {
  const iv = figureInterval(r.point, r.replicates, 0, scale, r.windows ?? [], [], r.data_windows);
  if (extra.kind === 'none' || r.window_rate === null) return iv;
  const out = { p80: iv.p80, p95: iv.p95 };
  for (const level of LEVELS) {
    const [lo, hi] = iv[level.key];
    if (extra.kind === 'season') {
      const t = level.z * extra.beta * Math.abs(r.point - r.window_rate);
      out[level.key] = [
        r.point - Math.hypot(r.point - lo, t),
        r.point + Math.hypot(hi - r.point, t),
      ];
    } else {
      const t = level.z * r.relative_se! * Math.abs(r.point);
      out[level.key] = [Math.min(lo, r.point - t), Math.max(hi, r.point + t)];
    }
  }
  return out;
}

export interface Coverage {
  n: number;
  p80: number;
  p95: number;
  /** Mean log of the 80% width over |point|. */
  logWidth: number;
}

export function seasonCoverage(
  records: readonly SeasonRecord[],
  scale: WidthScale,
  extra: Extra,
): Coverage {
  let c80 = 0;
  let c95 = 0;
  let lw = 0;
  for (const r of records) {
    const iv = seasonInterval(r, scale, extra);
    if (iv.p80[0] <= r.truth && r.truth <= iv.p80[1]) c80++;
    if (iv.p95[0] <= r.truth && r.truth <= iv.p95[1]) c95++;
    lw += Math.log(Math.max(1e-12, (iv.p80[1] - iv.p80[0]) / Math.abs(r.point)));
  }
  const n = records.length;
  return { n, p80: c80 / n, p95: c95 / n, logWidth: lw / n };
}

/** The narrowest (c, beta) on a 0.02 grid whose 80% intervals cover >= 80% of the records. */
export function chooseSeasonPair(records: readonly SeasonRecord[]): { c: number; beta: number } {
  let best: { c: number; beta: number; lw: number } | null = null;
  for (let i = 0; i <= 75; i++) {
    for (let j = 0; j <= 100; j++) {
      const c = i * 0.02;
      const beta = j * 0.02;
      const s = seasonCoverage(
        records,
        { ...CALIBRATED_WINDOW_WIDTH_SCALE, p80: c, p95: c },
        {
          kind: 'season',
          beta,
        },
      );
      if (s.p80 >= 0.8 && (best === null || s.logWidth < best.lw))
        best = { c, beta, lw: s.logWidth };
    }
  }
  return best ?? { c: NaN, beta: NaN };
}

const correlation = (a: readonly number[], b: readonly number[]): number => {
  const ma = a.reduce((s, x) => s + x, 0) / a.length;
  const mb = b.reduce((s, x) => s + x, 0) / b.length;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  a.forEach((x, i) => {
    sab += (x - ma) * (b[i] - mb);
    saa += (x - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  });
  return sab / Math.sqrt(saa * sbb);
};

const pct = (c: Coverage): string =>
  `${(100 * c.p80).toFixed(0)}/${(100 * c.p95).toFixed(0)} (${c.n})`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const files = (process.argv[2] ?? '').split(',').filter((f) => f.length > 0);
  if (files.length === 0) {
    process.stderr.write('usage: calibration-season.js F.json[,G.json...]\n');
    process.exit(2);
  }
  const all = files.flatMap((f) => loadSeasonRecords(f));
  const tested = all.filter((r) => r.reading === 'every' && r.window_rate !== null);
  const err = tested.map((r) => Math.abs(r.point / r.truth - 1));
  const half = tested.map((r) => {
    const iv = seasonInterval(r, CALIBRATED_WINDOW_WIDTH_SCALE, { kind: 'none' });
    return (iv.p80[1] - iv.p80[0]) / 2 / Math.abs(r.point);
  });
  const season = tested.map((r) => Math.abs(r.point - r.window_rate!) / Math.abs(r.point));
  const order = season.map((_, i) => i).sort((i, j) => season[i] - season[j]);
  const h = order.length >> 1;
  const meanErr = (idx: number[]): number => idx.reduce((s, i) => s + err[i], 0) / idx.length;
  process.stdout.write(
    `tested channels (every channel tested): ${tested.length}; corr(|error|, bootstrap 80% half-width) ` +
      `${correlation(err, half).toFixed(2)}, corr(|error|, |p - w|/|p|) ${correlation(err, season).toFixed(2)}; ` +
      `mean |error| with the lower / upper half of |p - w|/|p|: ${(100 * meanErr(order.slice(0, h))).toFixed(1)}% / ` +
      `${(100 * meanErr(order.slice(h))).toFixed(1)}%\n`,
  );
  // --pair C,BETA: that pair (chosen before on other files) instead of choosing on these; no
  // leave-one-file-out choice.
  const given = process.argv.indexOf('--pair');
  const fixed = given >= 0 ? process.argv[given + 1].split(',').map(Number) : null;
  // Two other measures of the test against the model, and points moved towards the window rate.
  const scaled = tested.map(
    (r) => Math.abs(r.point - r.lift_ratio! * r.uncalibrated!) / Math.abs(r.point),
  );
  const moved = tested.map((r) => Math.abs(r.point - r.uncalibrated!) / Math.abs(r.point));
  const medianErr = (share: number): number => {
    const e = tested
      .map((r) => Math.abs((r.point + share * (r.window_rate! - r.point)) / r.truth - 1))
      .sort((a, b) => a - b);
    const m = e.length >> 1;
    return e.length % 2 ? e[m] : (e[m - 1] + e[m]) / 2;
  };
  process.stdout.write(
    `corr(|error|, |p - lift ratio x uncalibrated|/|p|) ${correlation(err, scaled).toFixed(2)}, ` +
      `corr(|error|, |p - uncalibrated|/|p|) ${correlation(err, moved).toFixed(2)}; median |error| ` +
      `of p moved 0 / 10% / 50% of the way to w: ${[0, 0.1, 0.5].map((x) => (100 * medianErr(x)).toFixed(1) + '%').join(' / ')}\n`,
  );
  const pair = fixed ? { c: fixed[0], beta: fixed[1] } : chooseSeasonPair(all);
  const paired: WidthScale = { ...CALIBRATED_WINDOW_WIDTH_SCALE, p80: pair.c, p95: pair.c };
  process.stdout.write(
    `pair ${fixed ? 'given' : 'chosen on all files pooled'}: c ${pair.c.toFixed(2)}, beta ${pair.beta.toFixed(2)}\n` +
      '| file | reading | bench (c 1.16) | + season term (pooled pair) | + test-SE floor | pair chosen without this file | its coverage here |\n' +
      '|---|---|---|---|---|---|---|\n',
  );
  for (const f of files) {
    const rest = all.filter((r) => r.file !== f);
    const loo = rest.length > 0 && !fixed ? chooseSeasonPair(rest) : { c: NaN, beta: NaN };
    const looScale: WidthScale = { ...CALIBRATED_WINDOW_WIDTH_SCALE, p80: loo.c, p95: loo.c };
    for (const reading of ['above25', 'every'] as const) {
      const rs = all.filter((r) => r.file === f && r.reading === reading);
      if (rs.length === 0) continue;
      process.stdout.write(
        `| ${f} | ${reading === 'every' ? 'every channel tested' : 'above 25% only'} | ` +
          `${pct(seasonCoverage(rs, CALIBRATED_WINDOW_WIDTH_SCALE, { kind: 'none' }))} | ` +
          `${pct(seasonCoverage(rs, paired, { kind: 'season', beta: pair.beta }))} | ` +
          `${pct(seasonCoverage(rs, CALIBRATED_WINDOW_WIDTH_SCALE, { kind: 'floor' }))} | ` +
          `c ${loo.c.toFixed(2)}, beta ${loo.beta.toFixed(2)} | ` +
          `${Number.isNaN(loo.c) ? 'n/a' : pct(seasonCoverage(rs, looScale, { kind: 'season', beta: loo.beta }))} |\n`,
      );
    }
  }
}
