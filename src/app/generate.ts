/** Tenant generation: synthetic tenants beyond the built-in 20, stored by spec (not by CSV). */
import { generatedSpec } from '../core/data/index.js';
import { infoOf } from '../core/data/catalog.js';
import { APP_LIMITS } from './config.js';
import type { AppContext } from './context.js';
import { AppError } from './errors.js';
import { CODE_VERSION } from './version.js';

/** Default length of a generated tenant, in days (three years, as the built-in tenants). */
export const DEFAULT_GENERATE_DAYS = 1095;

export function generateTenants(
  ctx: AppContext,
  req: { count: number; days?: number; seed: number; prefix?: string },
): { tenants: string[] } {
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
  for (let i = 0; i < count; i++) {
    const spec = generatedSpec(i, seed, prefix);
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
