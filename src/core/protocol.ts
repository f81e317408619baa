import { isBuiltinTenant } from './data/catalog.js';
import { chooseProtocol, type Fold, type Protocol, type ProtocolOptions } from './folds.js';
import type { TenantSeries } from './types.js';

/**
 * The outer folds of a tenant's series by the documented rule (folds.ts chooseProtocol): the 20
 * built-in tenants keep the modeling plan's protocol (`planProtocol`), every other series aims
 * for a first training window of a year (at most half the series). Only the tenant id, the
 * frequency and the number of rows decide them (protocolForRows, for a caller without the data).
 */
export function protocolForSeries(
  series: Pick<TenantSeries, 'tenant' | 'frequency' | 'target'>,
  options: Omit<ProtocolOptions, 'planProtocol'> = {},
): { folds: Fold[]; protocol: Protocol } {
  return protocolForRows(
    { tenant: series.tenant, frequency: series.frequency, rows: series.target.length },
    options,
  );
}

/** What decides a tenant's folds: its id (built in or not), frequency and number of rows. */
export interface SeriesLength {
  tenant: string;
  frequency: TenantSeries['frequency'];
  rows: number;
}

/** protocolForSeries from the row count alone (e.g. a stored dataset's summary). */
export function protocolForRows(
  series: SeriesLength,
  options: Omit<ProtocolOptions, 'planProtocol'> = {},
): { folds: Fold[]; protocol: Protocol } {
  return chooseProtocol(series.rows, series.frequency, {
    ...options,
    planProtocol: isBuiltinTenant(series.tenant),
  });
}
