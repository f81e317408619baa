// Refresh jitter, accuracy and coverage of the phase-3 point ROAS against bagged candidates
// (issue 15, session 54; report /work/notes/s54/bagged-report.md).
//
// Collect (one JSON line per tenant, appended to --out as each tenant finishes):
//   npm run build && nice -n 10 node scripts/measure/bagged.mjs --seeds 13000,13050,13001 --out F.jsonl
//   nice -n 10 node scripts/measure/bagged.mjs --builtin --out B.jsonl
// Summarize (tables of the report):
//   node scripts/measure/bagged.mjs --summarize F.jsonl [--seeds-from 13000 --seeds-to 13049]
//
// Per tenant (daily, generated with the product's generator: shapeSpecOf / generateShape, a spec
// drawn from the seed: 2-3 years, 2-6 channels, canonical or renamed weather, spend correlation 0
// or U(0.3, 0.85) with probability 0.4, Hill / logistic / exponential saturation, geometric or
// delayed carry-over), the data are cut at 4 monthly refresh points (n-90, n-60, n-30, n rows) and
// on each cut the phase-3 all-rows model is fitted and explained with its default bootstrap
// intervals as explain does (src/app/compute.ts explainTask: fitFinalModel(series, 3), then
// explainFinalModel + addIntervals with the default replicates; no lift tests). The truth on a
// cut is the generator's truth restricted to the cut's rows (explain.ts computes it when the
// truth's rows match: contributions / spend over those rows).
//
// Candidates, each a figure vector (intervals.ts figureVector order), fixed before any result:
//   point    the single all-rows model's figures (what explain reports today)
//   bag_med  the median over the bootstrap replicates' figures (bootstrapFigures().figures)
//   bag_mix  (point + bag_med) / 2
//   win_med  the median over the six window refits' figures (windowFigures; the searches the
//            point's parameters are the median of, each refitted on all rows)
// and for each candidate two intervals: `asis` = the current interval (centred as today on the
// point), `rebuilt` = addIntervalsFromFigures run with the candidate's figures as the points
// (figureInterval then measures the bootstrap, window and data-window distances from the
// candidate), and in the summary `shift` = the current interval moved by (candidate - point).
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { appendFileSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const get = (k) => {
  const i = args.indexOf(k);
  return i >= 0 ? args[i + 1] : undefined;
};
const repo = resolve(get('--repo') ?? process.cwd());
const load = (p) => import(pathToFileURL(`${repo}/dist/${p}`).href);

const CANDIDATES = ['point', 'bag_med', 'bag_mix', 'win_med'];
const CUT_BACK = [90, 60, 30, 0];

function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return medianOfSorted(s);
}

// The median keeping +Infinity (a move to or from 0 in the jitter metric); NaN left out.
function medianWithInfinity(xs) {
  return medianOfSorted(xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b));
}

function medianOfSorted(s) {
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function collect() {
  const { fitFinalModel } = await load('src/phases/final.js');
  const { explainFinalModel } = await load('src/phases/explain.js');
  const { bootstrapFigures, addIntervalsFromFigures, defaultReplicates, figureVector } =
    await load('src/phases/intervals.js');
  const { seriesPrefix } = await load('src/core/folds.js');
  const { SeededRandom, seedFromString } = await load('src/core/random.js');
  const { shapeSpecOf, generateShape, generateTenant, BUILTIN_TENANT_IDS } =
    await load('src/core/data/index.js');
  const out = get('--out');
  if (!out) throw new Error('--out FILE.jsonl');
  const deadline = get('--until') ? Date.parse(get('--until')) : Infinity;

  const specOf = (seed) => {
    const rng = new SeededRandom(seedFromString('bagged-spec', seed));
    const pick = (xs) => xs[rng.int(xs.length)];
    const id = `bag${seed}`;
    return shapeSpecOf(id, seed, {
      frequency: 'daily',
      years: pick([2, 3]),
      channels: pick([2, 3, 4, 5, 6]),
      correlation: rng.uniform(0, 1) < 0.4 ? Math.round(rng.uniform(0.3, 0.85) * 100) / 100 : 0,
      weather: pick(['canonical', 'canonical', 'renamed']),
      events: rng.uniform(0, 1) < 0.3,
      saturation: pick(['hill', 'hill', 'logistic', 'exponential']),
      adstock: rng.uniform(0, 1) < 0.25 ? 'delayed' : 'geometric',
    });
  };

  // The synthetic tenant restricted to its first `end` rows (truth per row sliced, the channels'
  // totals and ROAS recomputed on those rows), so that explainFinalModel's truth columns are
  // those of the cut.
  const prefixTenant = (t, end) => {
    const series = seriesPrefix(t.series, end);
    const contributions = t.truth.contributions.map((c) => c.slice(0, end));
    const channels = t.truth.channels.map((ch, c) => {
      let tc = 0;
      let ts = 0;
      for (let i = 0; i < end; i++) {
        tc += contributions[c][i];
        ts += series.spend[c][i];
      }
      return { ...ch, totalContribution: tc, totalSpend: ts, roas: ts > 0 ? tc / ts : NaN };
    });
    return {
      ...t,
      series,
      truth: {
        ...t.truth,
        expected: t.truth.expected.slice(0, end),
        contributions,
        driverIndex: t.truth.driverIndex.slice(0, end),
        channels,
      },
    };
  };

  // Sets an explanation's figures (visitFigures order) from a vector.
  const setFigures = (e, v) => {
    let k = 0;
    const ch = (c) => {
      c.contribution = v[k++];
      c.roas = v[k++];
      c.marginal_roas = v[k++];
    };
    e.channels.forEach(ch);
    for (const s of e.weather_states) s.channels.forEach(ch);
    for (const curve of e.response_curves)
      curve.contribution = curve.contribution.map(() => v[k++]);
    if (k !== v.length) throw new Error(`figure count ${k} != ${v.length}`);
  };

  const ivOf = (x) => (x ? { p80: x.p80, p95: x.p95 } : null);

  const runCut = (t, end) => {
    const tc = end === t.series.target.length ? t : prefixTenant(t, end);
    const s = tc.series;
    const c0 = process.cpuUsage();
    const model = fitFinalModel(s, 3);
    const base = explainFinalModel(s, model, tc);
    const replicates = defaultReplicates(s.channels.length);
    const boot = bootstrapFigures(s, model, { replicates });
    const P = figureVector(base);
    if ((boot.figures[0]?.length ?? P.length) !== P.length) throw new Error('figure count');
    const med = P.map((_, i) => median(boot.figures.map((f) => f[i])));
    const vectors = {
      point: P,
      bag_med: med,
      bag_mix: P.map((p, i) => (p + med[i]) / 2),
      win_med: boot.windows.length > 0 ? P.map((_, i) => median(boot.windows.map((w) => w[i]))) : P,
    };
    const explained = {};
    for (const name of CANDIDATES) {
      const e = structuredClone(base);
      if (name !== 'point') setFigures(e, vectors[name]);
      addIntervalsFromFigures(e, boot, { replicates });
      explained[name] = e;
    }
    const ep = explained.point;
    const channels = ep.channels.map((ch, c) => ({
      channel: ch.channel,
      spend: ch.spend,
      truth: ch.truth ? ch.truth.roas : null,
      held: (model.heldAtZero ?? []).includes(ch.channel),
      est: Object.fromEntries(CANDIDATES.map((n) => [n, explained[n].channels[c].roas])),
      iv: Object.fromEntries(
        CANDIDATES.map((n) => [n, ivOf(explained[n].channels[c].intervals?.roas)]),
      ),
    }));
    const states = [];
    ep.weather_states.forEach((st, si) =>
      st.channels.forEach((ch, c) => {
        if (!(ch.spend > 0)) return;
        states.push({
          state: st.state,
          channel: ch.channel,
          spend: ch.spend,
          truth: ch.true_roas,
          est: Object.fromEntries(
            CANDIDATES.map((n) => [n, explained[n].weather_states[si].channels[c].roas]),
          ),
          iv: Object.fromEntries(
            CANDIDATES.map((n) => [
              n,
              ivOf(explained[n].weather_states[si].channels[c].intervals?.roas),
            ]),
          ),
        });
      }),
    );
    const c1 = process.cpuUsage();
    return {
      rows: end,
      replicates,
      ok_replicates: boot.figures.length,
      windows: boot.windows.length,
      kind: model.kind,
      cpu_s: (c1.user - c0.user) / 1e6,
      channels,
      states,
    };
  };

  // --params: the point model only (no intervals), its searched parameters per cut, to see
  // whether the ROAS moves come with a change of the chosen grid point (the issue's diagnosis).
  if (args.includes('--params')) {
    for (const seed of get('--seeds').split(',').map(Number)) {
      if (Date.now() > deadline) break;
      const spec = specOf(seed);
      const t = generateShape(spec, { seed });
      const n = t.series.target.length;
      const cuts = CUT_BACK.map((b) => {
        const s = seriesPrefix(t.series, n - b);
        const model = fitFinalModel(s, 3);
        const e = explainFinalModel(s, model, null);
        return {
          rows: n - b,
          kind: model.kind,
          alpha: model.alpha,
          held: model.heldAtZero ?? [],
          channels: e.channels.map((ch) => ({
            channel: ch.channel,
            roas: ch.roas,
            params: model.channelParams?.[ch.channel] ?? null,
          })),
        };
      });
      appendFileSync(out, JSON.stringify({ tenant: spec.id, seed, spec, cuts }) + '\n');
      console.error(spec.id);
    }
    return;
  }
  if (args.includes('--builtin')) {
    for (const id of BUILTIN_TENANT_IDS) {
      if (Date.now() > deadline) break;
      const t = generateTenant(id);
      const cut = runCut(t, t.series.target.length);
      appendFileSync(out, JSON.stringify({ tenant: id, set: 'builtin', cuts: [cut] }) + '\n');
      console.error(`${id} ${cut.cpu_s.toFixed(1)}s`);
    }
    return;
  }
  const seeds = get('--seeds')
    .split(',')
    .map((x) => Number(x));
  for (const seed of seeds) {
    if (Date.now() > deadline) {
      console.error('deadline: stopped before seed', seed);
      break;
    }
    const spec = specOf(seed);
    const t = generateShape(spec, { seed });
    const n = t.series.target.length;
    const cuts = CUT_BACK.map((b) => runCut(t, n - b));
    appendFileSync(out, JSON.stringify({ tenant: spec.id, seed, spec, cuts }) + '\n');
    console.error(
      `${spec.id} ${spec.years}y ${spec.channels}ch r=${spec.correlation} ${cuts.map((c) => c.cpu_s.toFixed(1)).join('+')}s`,
    );
  }
}

// ---------------------------------------------------------------- summary

const inside = (x, iv) => iv !== null && x >= iv[0] && x <= iv[1];
const pct = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : 'n/a');
const f3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

// The interval of candidate `name` in variant `v`: asis (the point's), shift (the point's moved
// by candidate - point) or rebuilt (addIntervalsFromFigures around the candidate).
function intervalOf(f, name, v, level) {
  const p = f.iv.point?.[level];
  if (!p) return null;
  if (v === 'asis' || name === 'point') return p;
  if (v === 'shift') {
    const d = f.est[name] - f.est.point;
    return [p[0] + d, p[1] + d];
  }
  return f.iv[name]?.[level] ?? null;
}

function summarize() {
  const files = get('--summarize').split(',');
  const from = Number(get('--seeds-from') ?? -Infinity);
  const to = Number(get('--seeds-to') ?? Infinity);
  const tenants = files
    .flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l)),
    )
    .filter((t) => t.seed === undefined || (t.seed >= from && t.seed <= to));
  const kinds = [
    ['ROAS', (cut) => cut.channels, (f) => f.channel],
    ['weather-state ROAS', (cut) => cut.states, (f) => `${f.state}|${f.channel}`],
  ];
  const lines = [];
  const nCh = tenants.reduce((a, t) => a + t.cuts[0].channels.length, 0);
  lines.push(
    `${tenants.length} tenants, ${nCh} channels, ${tenants[0]?.cuts.length ?? 0} cut(s) each` +
      (tenants[0]?.seed !== undefined ? ` (seeds ${tenants.map((t) => t.seed).join(', ')})` : ''),
  );
  for (const [label, list, key] of kinds) {
    lines.push('', `### ${label}`, '');
    const refresh = tenants[0]?.cuts.length > 1;
    const head = refresh
      ? '| candidate | median abs log change, 0 moves infinite (vs point, 95% tenant-bootstrap interval) | p90 | moved > 1.5x | tenants calmer than point | pairs | left prev 80%: asis | shift | rebuilt | median abs rel err | mean abs rel err | n | 80% asis / shift / rebuilt | 95% asis / shift / rebuilt | median 80% width / estimate, asis / rebuilt |'
      : '| candidate | median abs rel err | mean abs rel err | n | 80% asis / shift / rebuilt | 95% asis / shift / rebuilt | median 80% width / estimate, asis / rebuilt |';
    lines.push(head, head.replace(/[^|]+/g, ' --- '));
    let pointTenant = [];
    let pointAll = [];
    let pointMedian = NaN;
    for (const name of CANDIDATES) {
      const logs = [];
      const perTenant = [];
      const allByTenant = [];
      let skipped = 0;
      const left = { asis: [0, 0], shift: [0, 0], rebuilt: [0, 0] };
      const errs = [];
      const widths = { asis: [], rebuilt: [] };
      const cov = {
        p80: { asis: [0, 0], shift: [0, 0], rebuilt: [0, 0] },
        p95: { asis: [0, 0], shift: [0, 0], rebuilt: [0, 0] },
      };
      for (const t of tenants) {
        const maps = t.cuts.map((cut) => new Map(list(cut).map((f) => [key(f), f])));
        const tLogs = [];
        const tAll = [];
        for (let k = 0; k < t.cuts.length; k++) {
          for (const [id, f] of maps[k]) {
            const x = f.est[name];
            if (f.truth !== null && Number.isFinite(f.truth) && f.truth !== 0) {
              errs.push(Math.abs(x - f.truth) / Math.abs(f.truth));
              for (const level of ['p80', 'p95'])
                for (const v of ['asis', 'shift', 'rebuilt']) {
                  const iv = intervalOf(f, name, v, level);
                  if (!iv) continue;
                  cov[level][v][1]++;
                  if (level === 'p80' && v !== 'shift' && x !== 0)
                    widths[v].push((iv[1] - iv[0]) / Math.abs(x));
                  if (inside(f.truth, iv)) cov[level][v][0]++;
                }
            }
            if (k === 0) continue;
            const prev = maps[k - 1].get(id);
            if (!prev) continue;
            const y = prev.est[name];
            // A move to or from 0 (a channel held at the bound on one refresh) counts as an
            // infinite change (the median and the 1.5x share still count it); both 0: none.
            const l = x > 0 && y > 0 ? Math.abs(Math.log(x / y)) : x === y ? 0 : Infinity;
            logs.push(l);
            tAll.push(l);
            if (Number.isFinite(l)) tLogs.push(l);
            else skipped++;
            for (const v of ['asis', 'shift', 'rebuilt']) {
              const iv = intervalOf(prev, name, v, 'p80');
              if (!iv) continue;
              left[v][1]++;
              if (!inside(x, iv)) left[v][0]++;
            }
          }
        }
        perTenant.push(tLogs.length ? mean(tLogs) : NaN);
        allByTenant.push(tAll);
      }
      if (name === 'point') pointTenant = perTenant;
      if (name === 'point') pointAll = allByTenant;
      // Tenants resampled (1000 draws, fixed LCG): 95% interval of the relative change of the
      // median abs log change against the point's (paired: the same tenants for both).
      let ci = '';
      if (name !== 'point') {
        let state = 12345;
        const rnd = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
        const ratios = [];
        for (let b = 0; b < 1000; b++) {
          const a = [];
          const p0 = [];
          for (let j = 0; j < allByTenant.length; j++) {
            const i = Math.floor(rnd() * allByTenant.length);
            a.push(...allByTenant[i]);
            p0.push(...pointAll[i]);
          }
          ratios.push(medianWithInfinity(a) / medianWithInfinity(p0) - 1);
        }
        ratios.sort((x, y) => x - y);
        ci = ` [${(100 * ratios[25]).toFixed(0)}%, ${(100 * ratios[974]).toFixed(0)}%]`;
      }
      if (name === 'point') pointMedian = medianWithInfinity(logs);
      const calmer = perTenant.filter((x, i) => x < pointTenant[i]).length;
      const sorted = [...logs].sort((a, b) => a - b);
      const p90 = sorted[Math.floor(0.9 * (sorted.length - 1))];
      const big = logs.filter((x) => x > Math.log(1.5)).length / logs.length;
      const share = ([a, b]) => `${pct(a / b)} (${a}/${b})`;
      const c = (level) =>
        ['asis', 'shift', 'rebuilt']
          .map((v) => pct(cov[level][v][0] / cov[level][v][1]))
          .join(' / ');
      const acc = `${pct(median(errs))} | ${pct(mean(errs))} | ${errs.length}`;
      const wid = `${pct(median(widths.asis))} / ${pct(median(widths.rebuilt))}`;
      lines.push(
        refresh
          ? `| ${name} | ${f3(medianWithInfinity(logs))} (${name === 'point' ? '-' : `${(100 * (medianWithInfinity(logs) / pointMedian - 1)).toFixed(0)}%${ci}`}) | ${f3(p90)} | ${pct(big)} | ${name === 'point' ? '-' : `${calmer}/${perTenant.length}`} | ${logs.length}${skipped ? ` (${skipped} to/from 0)` : ''} | ${share(left.asis)} | ${share(left.shift)} | ${share(left.rebuilt)} | ${acc} | ${c('p80')} | ${c('p95')} | ${wid} |`
          : `| ${name} | ${acc} | ${c('p80')} | ${c('p95')} | ${wid} |`,
      );
    }
  }
  // The truth's own move between refreshes (the cut's rows change it a little): the floor of
  // any estimator's jitter.
  for (const [label, list, key] of kinds) {
    const moves = [];
    for (const t of tenants)
      for (let k = 1; k < t.cuts.length; k++) {
        const prev = new Map(list(t.cuts[k - 1]).map((f) => [key(f), f]));
        for (const f of list(t.cuts[k])) {
          const y = prev.get(key(f))?.truth;
          if (f.truth > 0 && y > 0) moves.push(Math.abs(Math.log(f.truth / y)));
        }
      }
    if (moves.length > 0)
      lines.push(
        '',
        `${label}: the truth's own median abs log change between refreshes ${f3(median(moves))} (${moves.length} pairs)`,
      );
  }
  // Direction of the bootstrap's move: does the replicate median sit on the side of the point's
  // own error (median - point has the sign of point - truth: bagging adds the estimator's bias
  // in the bootstrap world whose truth is the point model) or on the truth's side?
  for (const name of ['bag_med', 'win_med']) {
    let same = 0;
    let opposite = 0;
    for (const t of tenants)
      for (const cut of t.cuts)
        for (const f of cut.channels) {
          if (f.truth === null || !Number.isFinite(f.truth)) continue;
          const move = f.est[name] - f.est.point;
          const err = f.est.point - f.truth;
          if (move === 0 || err === 0) continue;
          if (Math.sign(move) === Math.sign(err)) same++;
          else opposite++;
        }
    lines.push(
      '',
      `ROAS, ${name} - point on the side of the point's error (away from the truth): ${same} of ${same + opposite} channel-cuts (${pct(same / (same + opposite))})`,
    );
  }
  console.log(lines.join('\n'));
}

// Summary of a --params file: ROAS moves between consecutive refreshes by whether the channel's
// searched grid point (decay, k_mult, s, lag) changed, and whether the model kind / alpha did.
function summarizeParams() {
  const tenants = readFileSync(get('--params-summary'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
  const groups = new Map();
  const add = (g, l) => {
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(l);
  };
  for (const t of tenants)
    for (let k = 1; k < t.cuts.length; k++) {
      const a = t.cuts[k - 1];
      const b = t.cuts[k];
      const model =
        a.kind !== b.kind
          ? 'model kind changed'
          : a.alpha === b.alpha
            ? 'same Ridge alpha'
            : 'Ridge alpha changed';
      b.channels.forEach((ch, c) => {
        const pa = a.channels[c].params;
        const pb = ch.params;
        // "close": decay within 0.05, k_mult and s within 10%, the same delay.
        const close =
          pa &&
          pb &&
          Math.abs(pa.decay - pb.decay) <= 0.05 &&
          Math.abs(Math.log(pa.k_mult / pb.k_mult)) <= 0.1 &&
          Math.abs(Math.log(pa.s / pb.s)) <= 0.1 &&
          (pa.lag ?? 0) === (pb.lag ?? 0);
        const x = ch.roas;
        const y = a.channels[c].roas;
        const l = x > 0 && y > 0 ? Math.abs(Math.log(x / y)) : x === y ? 0 : Infinity;
        const grid = close ? 'adstock/Hill close' : 'adstock/Hill moved';
        add(`${grid}, ${model}`, l);
        add(grid, l);
        add(model, l);
        add('all', l);
      });
    }
  console.log(
    '| channel refreshes | n | median abs log change | moved > 1.5x |\n| --- | --- | --- | --- |',
  );
  for (const [g, ls] of [...groups].sort()) {
    const big = ls.filter((l) => l > Math.log(1.5)).length / ls.length;
    console.log(`| ${g} | ${ls.length} | ${f3(medianWithInfinity(ls))} | ${pct(big)} |`);
  }
}

if (get('--params-summary')) summarizeParams();
else if (get('--summarize')) summarize();
else await collect();
