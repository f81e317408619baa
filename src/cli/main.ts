#!/usr/bin/env node
/**
 * wv-mmm: the human face of weathervane-mmm. Same use cases as the MCP server (src/app),
 * printed as tables or as JSON (--json). Errors go to stderr with exit code 2.
 */
import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from '../app/index.js';
import {
  APP_LIMITS,
  AppError,
  makeDirs,
  parsePhase,
  PHASE_MESSAGE,
  SHAPE_CHOICES,
  type App,
  type ShapeOptions,
  type PhaseConfig,
  type PhaseId,
  type TenantResult,
} from '../app/types.js';
import { table, pct } from './format.js';

const HELP = `wv-mmm — weather-aware marketing-mix modeling

Usage: wv-mmm <command> [options]

Data
  tenants [--json] [--tier T]               list tenants (20 built-in + imported/generated)
  export (--tenant ID | --all) --out DIR [--truth]
                                            write canonical CSVs (and ground truth JSON)
  import --file F --tenant ID [--target C] [--date C] [--spend a,b] [--weather a,b]
         [--controls a,b] [--ignore a,b] [--replace]
                                            import your own data (daily or weekly CSV)
  generate --tenants N [--days D] --seed S [--prefix P]
                                            synthetic tenants beyond the built-in 20
  generate --tenants N --seed S [--prefix P] [--frequency daily|weekly] [--years Y]
         [--channels C] [--correlation R] [--no-weather | --renamed-weather] [--events]
         [--saturation hill|logistic|exponential] [--adstock geometric|delayed]
                                            tenants of other shapes, with ground truth
  generate --suite                          the 16 shape-suite tenants (shape_*) of issue 13

Modeling
  train --tenant ID --phase 0|1|2|3 [--folds K] [--no-calendar] [--json]
  run-phase --phase 0|1|2|3 [--tenants a,b] [--folds K] [--no-calendar] [--force] [--json]
  runs [--json] [--limit N] [--offset N] [--phase N]
  gates --phase N [--run ID] [--json]
  compare --a A --b B [--json]              A, B: a phase (0-3) or run:ID
  explain --tenant ID [--phase N] [--json]  contributions, ROAS, weather-conditional ROAS, curves

Reports (one self-contained HTML file; default under <state>/reports/)
  report --tenant ID [--phase N] [--out FILE] [--json]
                                            a tenant's model in pictures (fit, contributions,
                                            response curves, ROAS by weather, carry-over, gate)
  report (--run ID | --phase N) [--out FILE] [--json]
                                            a run: R² per tenant beside the oracle, fold heatmap,
                                            gate decision, comparison with the previous phase

Other
  serve                                     MCP server over stdio (same as npm start)
  demo                                      phases 0-3 and their gates on the 20 built-in tenants

State lives in $WV_MMM_STATE_DIR (default: <package>/state).`;

type Flags = Record<string, string | boolean | undefined>;

const TIERS: readonly string[] = ['extreme', 'high', 'medium', 'none', 'custom'];

function parse(argv: string[]): { command: string; flags: Flags } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean' },
      tier: { type: 'string' },
      tenant: { type: 'string' },
      tenants: { type: 'string' },
      all: { type: 'boolean' },
      out: { type: 'string' },
      truth: { type: 'boolean' },
      file: { type: 'string' },
      target: { type: 'string' },
      date: { type: 'string' },
      spend: { type: 'string' },
      weather: { type: 'string' },
      controls: { type: 'string' },
      ignore: { type: 'string' },
      replace: { type: 'boolean' },
      days: { type: 'string' },
      seed: { type: 'string' },
      prefix: { type: 'string' },
      frequency: { type: 'string' },
      years: { type: 'string' },
      channels: { type: 'string' },
      correlation: { type: 'string' },
      'no-weather': { type: 'boolean' },
      'renamed-weather': { type: 'boolean' },
      events: { type: 'boolean' },
      saturation: { type: 'string' },
      adstock: { type: 'string' },
      suite: { type: 'boolean' },
      phase: { type: 'string' },
      folds: { type: 'string' },
      'no-calendar': { type: 'boolean' },
      force: { type: 'boolean' },
      limit: { type: 'string' },
      offset: { type: 'string' },
      run: { type: 'string' },
      a: { type: 'string' },
      b: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  return { command: positionals[0] ?? 'help', flags: values as Flags };
}

function need(flags: Flags, name: string, hint: string): string {
  const v = flags[name];
  if (typeof v !== 'string' || v === '')
    throw new AppError(`--${name} is required: ${hint}`, 'invalid_argument');
  return v;
}

function int(flags: Flags, name: string, min: number, max: number): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new AppError(
      `--${name} must be an integer from ${min} to ${max} (got ${String(v)})`,
      'invalid_argument',
    );
  }
  return n;
}

function choice<T extends string>(flags: Flags, name: string, values: readonly T[]): T | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  if (!values.includes(v as T)) {
    throw new AppError(
      `--${name} must be one of ${values.join(', ')} (got ${String(v)})`,
      'invalid_argument',
    );
  }
  return v as T;
}

/** The shape options of `generate` (undefined where not given). */
function shapeFlags(flags: Flags): ShapeOptions {
  if (flags['no-weather'] && flags['renamed-weather']) {
    throw new AppError('give --no-weather or --renamed-weather, not both', 'invalid_argument');
  }
  let correlation: number | undefined;
  if (flags.correlation !== undefined) {
    correlation = Number(flags.correlation);
    if (!(correlation >= 0 && correlation <= 0.95)) {
      throw new AppError(
        `--correlation must be a number from 0 to 0.95 (got ${String(flags.correlation)})`,
        'invalid_argument',
      );
    }
  }
  return {
    frequency: choice(flags, 'frequency', SHAPE_CHOICES.frequency),
    years: int(flags, 'years', 1, 10),
    channels: int(flags, 'channels', 1, 12),
    correlation,
    weather: flags['no-weather'] ? 'none' : flags['renamed-weather'] ? 'renamed' : undefined,
    events: flags.events ? true : undefined,
    saturation: choice(flags, 'saturation', SHAPE_CHOICES.saturation),
    adstock: choice(flags, 'adstock', SHAPE_CHOICES.adstock),
  };
}

/** --phase, when given, through the app's parsePhase (its one message, as a flag). */
function optionalPhase(flags: Flags): PhaseId | undefined {
  const v = flags.phase;
  if (v === undefined) return undefined;
  try {
    return parsePhase(typeof v === 'string' && v.trim() !== '' ? Number(v) : v);
  } catch (e) {
    throw new AppError(`--${(e as Error).message}`, 'invalid_argument');
  }
}

function phaseOf(flags: Flags): PhaseId {
  const p = optionalPhase(flags);
  if (p === undefined)
    throw new AppError(`--phase is required: ${PHASE_MESSAGE}`, 'invalid_argument');
  return p;
}

function list(v: string | boolean | undefined): string[] | undefined {
  if (typeof v !== 'string') return undefined;
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function config(flags: Flags): PhaseConfig {
  const c: PhaseConfig = {};
  const folds = int(flags, 'folds', APP_LIMITS.minFolds, APP_LIMITS.maxFolds);
  if (folds !== undefined) c.folds = folds;
  if (flags['no-calendar']) c.calendar = false;
  return c;
}

function print(flags: Flags, data: unknown, text: () => string): void {
  process.stdout.write((flags.json ? JSON.stringify(data, null, 2) : text()) + '\n');
}

function resultRows(results: TenantResult[]): string {
  return table(
    ['tenant', 'R²', 'oracle R²', 'gap', 'std', 'model', 'pass'],
    results.map((r) => [
      r.tenant,
      r.mean_r2,
      r.oracle_r2,
      r.oracle_gap,
      r.std_r2,
      r.model_kind,
      r.passes,
    ]),
  );
}

function progressPrinter(flags: Flags) {
  if (flags.json || !process.stderr.isTTY) return undefined;
  return (e: { done: number; total: number }) => {
    process.stderr.write(`\r  ${e.done}/${e.total} tenants`);
    if (e.done === e.total) process.stderr.write('\n');
  };
}

function ref(v: string): { phase?: PhaseId; runId?: number } {
  const m = /^run:(\d+)$/.exec(v);
  if (m) return { runId: Number(m[1]) };
  if (/^[0-3]$/.test(v)) return { phase: Number(v) as PhaseId };
  throw new AppError(`compare takes a phase 0-3 or run:ID (got ${v})`, 'invalid_argument');
}

async function runCommand(app: App, command: string, flags: Flags): Promise<void> {
  switch (command) {
    case 'tenants': {
      let tenants = app.listTenants();
      if (typeof flags.tier === 'string') {
        if (!TIERS.includes(flags.tier)) {
          throw new AppError(
            `--tier must be one of ${TIERS.join(', ')} (got ${flags.tier})`,
            'invalid_argument',
          );
        }
        tenants = tenants.filter((t) => t.tier === flags.tier);
      }
      print(flags, tenants, () =>
        table(
          ['tenant', 'tier', 'city', 'driver', 'rows', 'source'],
          tenants.map((t) => [t.tenant, t.tier, t.city, t.driver, t.rows, t.source]),
        ),
      );
      return;
    }
    case 'export': {
      const out = need(flags, 'out', 'the directory to write CSVs into');
      const ids = flags.all
        ? app.listTenants().map((t) => t.tenant)
        : [need(flags, 'tenant', 'a tenant id, or --all')];
      makeDirs(out);
      for (const id of ids) {
        const { csv, truth } = app.exportTenant(id, { truth: Boolean(flags.truth) });
        writeFileSync(path.join(out, `${id}.csv`), csv);
        if (truth !== null) writeFileSync(path.join(out, `${id}.truth.json`), truth);
      }
      print(
        flags,
        { written: ids.length, dir: out },
        () => `wrote ${ids.length} tenant(s) to ${out}`,
      );
      return;
    }
    case 'import': {
      const file = need(flags, 'file', 'the CSV file to import');
      const tenant = need(flags, 'tenant', 'the id to store the data under');
      let csv: string;
      try {
        csv = readFileSync(file, 'utf8');
      } catch (e) {
        throw new AppError(
          `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
          'not_found',
        );
      }
      const res = app.importTenantData({
        tenant,
        csv,
        replace: Boolean(flags.replace),
        roles: {
          target: flags.target as string | undefined,
          dateColumn: flags.date as string | undefined,
          spendColumns: list(flags.spend),
          weatherColumns: list(flags.weather),
          controlColumns: list(flags.controls),
          ignoreColumns: list(flags.ignore),
        },
      });
      print(flags, res, () =>
        [
          `imported ${res.tenant}: ${res.rows} ${res.frequency} rows ${res.start}..${res.end}`,
          `channels ${res.channels.join(', ')}; weather ${res.weather.join(', ') || '-'}; target ${res.target}`,
          ...res.warnings.map((w) => `warning: ${w}`),
        ].join('\n'),
      );
      return;
    }
    case 'generate': {
      if (flags.suite) {
        const res = app.generateShapeSuite();
        print(flags, res, () => `generated the shape suite: ${res.tenants.join(', ')}`);
        return;
      }
      const count = int(flags, 'tenants', 1, APP_LIMITS.maxGenerate);
      const seed = int(flags, 'seed', 0, APP_LIMITS.maxSeed);
      if (count === undefined || seed === undefined) {
        throw new AppError('generate needs --tenants N and --seed S', 'invalid_argument');
      }
      const res = app.generateTenants({
        count,
        seed,
        days: int(flags, 'days', APP_LIMITS.minGenerateDays, APP_LIMITS.maxGenerateDays),
        prefix: flags.prefix as string | undefined,
        shape: shapeFlags(flags),
      });
      print(
        flags,
        res,
        () =>
          `generated ${res.tenants.length} tenants (${res.tenants[0]} .. ${res.tenants.at(-1)})`,
      );
      return;
    }
    case 'train': {
      const tenant = need(flags, 'tenant', 'a tenant id (see `wv-mmm tenants`)');
      const r = await app.trainTenant({ tenant, phase: phaseOf(flags), config: config(flags) });
      print(flags, r, () =>
        [
          resultRows([r]),
          '',
          `folds R²: ${r.fold_r2.map((x) => x.toFixed(3)).join(', ')}; train R² ${r.train_r2.toFixed(3)}; ` +
            `RMSE ${r.rmse.toFixed(1)} (${r.rmse_pct.toFixed(1)}% of mean); MAPE ${r.mape.toFixed(1)}%`,
          `models: ${r.folds.map((f) => f.model + (f.alpha !== null ? `(α=${f.alpha})` : '')).join(', ')}`,
          ...(r.failures.length
            ? [`checks failed: ${r.failures.join('; ')}`]
            : ['all checks passed']),
        ].join('\n'),
      );
      return;
    }
    case 'run-phase': {
      const phase = phaseOf(flags);
      const handle = app.startPhaseRun(
        { phase, tenants: list(flags.tenants), config: config(flags), force: Boolean(flags.force) },
        { onProgress: progressPrinter(flags) },
      );
      const run = await handle.done;
      print(
        flags,
        {
          run_id: run.id,
          status: run.status,
          cached: handle.cached,
          summary: run.summary,
          results: run.results,
        },
        () => {
          const s = run.summary;
          return [
            `run ${run.id}: phase ${phase}, ${run.status}${handle.cached ? ' (served from the store; --force reruns)' : ''}` +
              (run.seconds !== null ? `, ${run.seconds.toFixed(2)} s` : ''),
            resultRows(run.results),
            '',
            s
              ? `mean R² ${s.mean_r2.toFixed(3)} (oracle ${s.mean_oracle_r2?.toFixed(3) ?? '-'}), ` +
                `${s.pass_count}/${s.total} pass (${pct(s.pass_rate)})`
              : `no summary: ${run.error ?? ''}`,
          ].join('\n');
        },
      );
      return;
    }
    case 'runs': {
      const res = app.listRuns({
        limit: int(flags, 'limit', 1, APP_LIMITS.maxListRuns) ?? 20,
        offset: int(flags, 'offset', 0, 1e9) ?? 0,
        phase: optionalPhase(flags),
      });
      print(
        flags,
        res,
        () =>
          table(
            ['run', 'phase', 'status', 'tenants', 'mean R²', 'pass', 'seconds', 'created'],
            res.runs.map((r) => [
              r.id,
              r.phase,
              r.status,
              r.tenants.length,
              r.summary?.mean_r2 ?? null,
              r.summary ? `${r.summary.pass_count}/${r.summary.total}` : null,
              r.seconds,
              r.created_at,
            ]),
          ) + `\n${res.runs.length} of ${res.total} runs`,
      );
      return;
    }
    case 'gates': {
      const runId = int(flags, 'run', 1, 2 ** 31);
      const d = app.checkGates({ phase: phaseOf(flags), runId });
      print(flags, d, () => formatGate(d));
      return;
    }
    case 'compare': {
      const c = app.comparePhases(
        ref(need(flags, 'a', 'a phase or run:ID')),
        ref(need(flags, 'b', 'a phase or run:ID')),
      );
      print(flags, c, () =>
        [
          `A: run ${c.a.run_id} (phase ${c.a.phase}) mean R² ${c.a.mean_r2.toFixed(3)}, ${c.a.pass_count}/${c.a.total} pass`,
          `B: run ${c.b.run_id} (phase ${c.b.phase}) mean R² ${c.b.mean_r2.toFixed(3)}, ${c.b.pass_count}/${c.b.total} pass`,
          table(
            ['tenant', 'A R²', 'B R²', 'delta', 'A pass', 'B pass'],
            c.tenants.map((t) => [t.tenant, t.a_r2, t.b_r2, t.delta, t.a_passes, t.b_passes]),
          ),
          `newly passing: ${c.newly_passing.join(', ') || '-'}`,
          `newly failing: ${c.newly_failing.join(', ') || '-'}`,
          `verdict: ${c.verdict}`,
        ].join('\n'),
      );
      return;
    }
    case 'explain': {
      const tenant = need(flags, 'tenant', 'a tenant id');
      const phase = optionalPhase(flags);
      const e = await app.explainTenant({ tenant, phase });
      print(flags, e, () =>
        [
          `${e.tenant}: phase ${e.phase} ${e.model_kind} model, ${e.rows} rows ${e.start}..${e.end}`,
          table(
            ['channel', 'spend', 'contribution', 'ROAS', 'true ROAS', 'marginal ROAS'],
            e.channels.map((c) => [
              c.channel,
              Math.round(c.spend),
              Math.round(c.contribution),
              c.roas,
              c.truth?.roas ?? null,
              c.marginal_roas,
            ]),
          ),
          '',
          'ROAS by weather state',
          table(
            [
              'state',
              'rows',
              ...e.channels.map((c) => `${c.channel} ROAS`),
              ...e.channels.map((c) => `${c.channel} true`),
            ],
            e.weather_states.map((w) => [
              w.state,
              w.rows,
              ...w.channels.map((c) => c.roas),
              ...w.channels.map((c) => c.true_roas),
            ]),
          ),
          ...e.notes.map((n) => `note: ${n}`),
        ].join('\n'),
      );
      return;
    }
    case 'report': {
      const tenant = typeof flags.tenant === 'string' ? flags.tenant : undefined;
      if (flags.tenant !== undefined && !tenant) {
        throw new AppError('--tenant needs a tenant id', 'invalid_argument');
      }
      const runId = int(flags, 'run', 1, Number.MAX_SAFE_INTEGER);
      if (tenant !== undefined && runId !== undefined) {
        throw new AppError(
          'give --tenant (a tenant report) or --run (a run report), not both',
          'invalid_argument',
        );
      }
      const phase = optionalPhase(flags);
      if (tenant === undefined && runId === undefined && phase === undefined) {
        throw new AppError(
          'report needs --tenant ID [--phase N], --run ID, or --phase N (its latest run)',
          'invalid_argument',
        );
      }
      if (runId !== undefined && phase !== undefined) {
        throw new AppError('--run names one run: leave out --phase', 'invalid_argument');
      }
      if (flags.out !== undefined && (typeof flags.out !== 'string' || flags.out === '')) {
        throw new AppError('--out needs a file path, e.g. --out report.html', 'invalid_argument');
      }
      const out = typeof flags.out === 'string' ? path.resolve(flags.out) : undefined;
      const r = await app.writeReport({ tenant, runId, phase, out });
      print(flags, r, () =>
        [
          `wrote ${r.file} (${(r.bytes / 1024).toFixed(0)} KB, ${r.charts.length} charts, ` +
            `${r.seconds.toFixed(1)} s of which rendering ${r.render_seconds.toFixed(2)} s)`,
          ...r.summary.map((s) => `  ${s}`),
          ...r.warnings.map((w) => `warning: ${w}`),
        ].join('\n'),
      );
      return;
    }
    case 'demo': {
      for (const phase of [0, 1, 2, 3] as PhaseId[]) {
        const handle = app.startPhaseRun({ phase }, { onProgress: progressPrinter(flags) });
        const run = await handle.done;
        const s = run.summary!;
        process.stdout.write(
          `\n=== Phase ${phase}: run ${run.id}${handle.cached ? ' (from the store)' : ''}, ` +
            `${run.seconds?.toFixed(1) ?? '?'} s\n${resultRows(run.results)}\n` +
            `mean R² ${s.mean_r2.toFixed(3)}, ${s.pass_count}/${s.total} pass\n\n`,
        );
        process.stdout.write(formatGate(app.checkGates({ phase })) + '\n');
      }
      const c = app.comparePhases({ phase: 1 }, { phase: 3 });
      process.stdout.write(`\nphase 1 -> 3: ${c.verdict}\n`);
      return;
    }
    default:
      throw new AppError(
        `unknown command '${command}'. Run \`wv-mmm help\` for the list.`,
        'invalid_argument',
      );
  }
}

function formatGate(d: import('../gates/index.js').GateDecision): string {
  return [
    `Gate after phase ${d.phase}: ${d.decision} — next: ${d.next_step}`,
    ...d.reasons.map((r) => `  - ${r}`),
    ...(d.scaling_note ? [`  (${d.scaling_note})`] : []),
    ...(d.success_criteria.length ? ['  success criteria:'] : []),
    ...d.success_criteria.map(
      (c) =>
        `    [${c.passed === null ? '?' : c.passed ? 'x' : ' '}] ${c.name}: ` +
        `${c.actual === null ? 'n/a' : Number.isInteger(c.actual) ? c.actual : c.actual.toFixed(3)} (target ${c.target})`,
    ),
    ...(d.escalation
      ? [`  ESCALATION: ${d.escalation.reason} -> ${d.escalation.recommended_next_step}`]
      : []),
  ].join('\n');
}

async function main(): Promise<number> {
  let parsed: { command: string; flags: Flags };
  try {
    parsed = parse(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`wv-mmm: ${(e as Error).message}\nRun \`wv-mmm help\` for usage.\n`);
    return 2;
  }
  const { command, flags } = parsed;
  if (command === 'help' || flags.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  if (command === 'serve') {
    const { serveStdio } = await import('../mcp/stdio.js');
    await serveStdio();
    return -1;
  }
  let app: App | undefined;
  try {
    app = createApp();
    await runCommand(app, command, flags);
    return 0;
  } catch (e) {
    if (e instanceof AppError) {
      process.stderr.write(`wv-mmm: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`wv-mmm: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  } finally {
    await app?.close();
  }
}

main().then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (e: unknown) => {
    // Only app.close() can get here (main catches everything else).
    process.stderr.write(`wv-mmm: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
