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

/** Stores a shape tenant by its spec and base seed (regenerated on demand, like the other synthetic tenants). */
function storeShape(ctx: AppContext, spec: ShapeSpec, seed: number): void {
  // Generating once validates the spec end to end and gives the info (rows, dates, channels).
  const t = generateShape(spec, { seed });
  const generator = { seed, shape: spec };
  const info = { ...t.info, generator };
  ctx.store.upsertDataset({
    info,
    csv: JSON.stringify({ generator, version: CODE_VERSION }),
    storeCsv: false,
  });
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
export function generateShapeSuite(ctx: AppContext): { tenants: string[] } {
  refuseImported(
    ctx,
    SHAPE_SUITE.map((s) => s.id),
  );
  for (const spec of SHAPE_SUITE) storeShape(ctx, spec, DEFAULT_SEED);
  return { tenants: SHAPE_SUITE.map((s) => s.id) };
}

export function generateTenants(ctx: AppContext, req: GenerateRequest): { tenants: string[] } {
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
  const ids: string[] = [];
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
    for (const spec of specs) {
      storeShape(ctx, spec, seed);
      ids.push(spec.id);
    }
    return { tenants: ids };
  }
  const specs = Array.from({ length: count }, (_, i) => generatedSpec(i, seed, prefix));
  refuseImported(
    ctx,
    specs.map((s) => s.id),
  );
  for (const [i, spec] of specs.entries()) {
    const generator = { seed, index: i, days, prefix };
    const info = { ...infoOf(spec, 'generated', '2022-01-01', days), generator };
    // Synthetic data is regenerated from its spec on demand; the "csv" hashed is the spec.
    ctx.store.upsertDataset({
      info,
      csv: JSON.stringify({ generator, version: CODE_VERSION }),
      storeCsv: false,
    });
    ids.push(spec.id);
  }
  return { tenants: ids };
}
