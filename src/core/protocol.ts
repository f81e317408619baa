import { isBuiltinTenant } from './data/catalog.js';
import { chooseProtocol, type Fold, type Protocol, type ProtocolOptions } from './folds.js';
import type { TenantSeries } from './types.js';

/**
 * The outer folds of a tenant's series by the documented rule (folds.ts chooseProtocol): the 20
 * built-in tenants keep the modeling plan's protocol (`planProtocol`), every other series aims
 * for a first training window of a year (at most half the series).
 */
export function protocolForSeries(
  series: Pick<TenantSeries, 'tenant' | 'frequency' | 'target'>,
  options: Omit<ProtocolOptions, 'planProtocol'> = {},
): { folds: Fold[]; protocol: Protocol } {
  return chooseProtocol(series.target.length, series.frequency, {
    ...options,
    planProtocol: isBuiltinTenant(series.tenant),
  });
}
