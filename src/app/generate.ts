/** Tenant generation: synthetic tenants beyond the built-in 20, stored by spec (not by CSV). */
import {
  DEFAULT_SEED,
  SHAPE_SUITE,
  generateShape,
  generatedSpec,
  shapeSpecOf,
  type ShapeOptions,
  type ShapeSpec,
} from '../core/data/index.js';
import { infoOf } from '../core/data/catalog.js';
import { canonicalJson, type DatasetInput, type DatasetRecord } from '../store/index.js';
import { APP_LIMITS } from './config.js';
import type { AppContext } from './context.js';
import { AppError } from './errors.js';
import { CODE_VERSION } from './version.js';

/** Default length of a generated tenant, in days (three years, as the built-in tenants). */
export const DEFAULT_GENERATE_DAYS = 1095;

/** What a generate request may ask for (see App.generateTenants). */
export interface GenerateRequest {
  count: number;
  days?: number;
  seed: number;
  prefix?: string;
  /** Shape tenants (issue 13): any option given makes every tenant a shape tenant of these options. */
  shape?: ShapeOptions;
}

/** What generating stored, and what it replaced. */
export interface GenerateResult {
  tenants: string[];
  /**
   * Tenants whose id held generated data of other options (another shape, length or code's
   * suite), now replaced by the new data. The same seed, prefix and options again replace nothing.
   */
  replaced: string[];
  /**
   * Lift tests deleted with the data they were measured on, by tenant (only tenants in `replaced`
   * that had some): kept, they calibrated the new data with the old data's experiments.
   */
  lift_tests_deleted: { tenant: string; ids: number[] }[];
}

/** The generator spec a dataset is stored by (info.generator), or undefined. */
const generatorOf = (info: unknown): unknown => (info as { generator?: unknown }).generator;

/** The dataset row of a tenant stored by its generator spec (regenerated on demand). */
function generatedInput(info: DatasetInput['info'] & { generator: unknown }): DatasetInput {
  // Synthetic data is regenerated from its spec on demand; the "csv" hashed is the spec.
  return {
    info,
    csv: JSON.stringify({ generator: info.generator, version: CODE_VERSION }),
    storeCsv: false,
  };
}

/** The dataset row of a shape tenant (by its spec and base seed). */
function shapeInput(spec: ShapeSpec, seed: number): DatasetInput {
  // Generating once validates the spec end to end and gives the info (rows, dates, channels).
  const t = generateShape(spec, { seed });
  return generatedInput({ ...t.info, generator: { seed, shape: spec } });
}

/**
 * Stores the datasets in one transaction, nothing on error. A tenant whose stored data came from
 * the same generator spec keeps everything (the data are the same); one whose spec differs gets
 * the new data and loses its lift tests, measured on the old data (a probe's test of a 2-year
 * 4-channel tenant kept calibrating the data generated under its id with `--correlation 0.6`).
 */
function storeGenerated(ctx: AppContext, inputs: readonly DatasetInput[]): GenerateResult {
  const sameData = (stored: DatasetRecord): boolean => {
    const input = inputs.find((i) => i.info.tenant === stored.tenant);
    const before = generatorOf(stored.info);
    return (
      stored.source === 'generated' &&
      before !== undefined &&
      input !== undefined &&
      canonicalJson(before) === canonicalJson(generatorOf(input.info))
    );
  };
  const { otherData, liftTestsDeleted } = ctx.store.replaceDatasets(inputs, sameData);
  return {
    tenants: inputs.map((i) => i.info.tenant),
    replaced: otherData,
    lift_tests_deleted: liftTestsDeleted,
  };
}

/**
 * Refuses, before anything is written, ids that hold imported data: generating replaces a
 * generated tenant of the same id (the same prefix and seed again), but replacing a user's data
 * lost it without a word (its lift tests stayed, pointing at dates the new data did not have).
 */
function refuseImported(ctx: AppContext, ids: readonly string[]): void {
  const taken = ids.filter((id) => ctx.store.getDataset(id)?.source === 'imported');
  if (taken.length === 0) return;
  const one = taken.length === 1;
  throw new AppError(
    `tenant${one ? '' : 's'} ${taken.map((t) => `'${t}'`).join(', ')} ${one ? 'holds' : 'hold'} imported data, which generating would replace: choose another prefix or seed, or delete ${one ? 'it' : 'them'} first (${ctx.words.listTenants} lists the tenants)`,
    'conflict',
  );
}

/** Registers the committed shape suite (SHAPE_SUITE, ids `shape_*`, default seed) as generated tenants. */
export function generateShapeSuite(ctx: AppContext): GenerateResult {
  refuseImported(
    ctx,
    SHAPE_SUITE.map((s) => s.id),
  );
  return storeGenerated(
    ctx,
    SHAPE_SUITE.map((spec) => shapeInput(spec, DEFAULT_SEED)),
  );
}

export function generateTenants(ctx: AppContext, req: GenerateRequest): GenerateResult {
  const { count, seed } = req;
  const days = req.days ?? DEFAULT_GENERATE_DAYS;
  const prefix = req.prefix ?? 'gen';
  if (!Number.isInteger(count) || count < 1 || count > APP_LIMITS.maxGenerate) {
    throw new AppError(
      `count must be an integer from 1 to ${APP_LIMITS.maxGenerate}`,
      'invalid_argument',
    );
  }
  if (!Number.isInteger(seed) || seed < 0)
    throw new AppError('seed must be an integer >= 0', 'invalid_argument');
  if (
    !Number.isInteger(days) ||
    days < APP_LIMITS.minGenerateDays ||
    days > APP_LIMITS.maxGenerateDays
  ) {
    throw new AppError(
      `days must be an integer from ${APP_LIMITS.minGenerateDays} to ${APP_LIMITS.maxGenerateDays}`,
      'invalid_argument',
    );
  }
  if (!/^[a-z][a-z0-9_-]{0,15}$/.test(prefix))
    throw new AppError('prefix must be 1-16 lowercase letters, digits, _ or -', 'invalid_argument');
  if (req.shape !== undefined && Object.values(req.shape).some((v) => v !== undefined)) {
    if (req.days !== undefined) {
      throw new AppError(
        'days cannot be combined with shape options; give the length in years (1-10)',
        'invalid_argument',
      );
    }
    // Every spec checked, and no imported tenant in the way, before any is stored.
    const specs: ShapeSpec[] = [];
    for (let i = 0; i < count; i++) {
      const id = `${prefix}_s${seed}_${i}`;
      try {
        specs.push(shapeSpecOf(id, seed, req.shape));
      } catch (e) {
        throw new AppError((e as Error).message, 'invalid_argument');
      }
    }
    refuseImported(
      ctx,
      specs.map((s) => s.id),
    );
    return storeGenerated(
      ctx,
      specs.map((spec) => shapeInput(spec, seed)),
    );
  }
  const specs = Array.from({ length: count }, (_, i) => generatedSpec(i, seed, prefix));
  refuseImported(
    ctx,
    specs.map((s) => s.id),
  );
  return storeGenerated(
    ctx,
    specs.map((spec, i) =>
      generatedInput({
        ...infoOf(spec, 'generated', '2022-01-01', days),
        generator: { seed, index: i, days, prefix },
      }),
    ),
  );
}
