/**
 * Tenant CSV import and export (pure: text in, text out; the app layer reads and writes files).
 * Format, limits and every error message: docs/csv-format.md.
 */
export { CSV_LIMITS, DataError, TENANT_ID_PATTERN, validateTenantId } from './csv/errors.js';
export type { DataErrorCode } from './csv/errors.js';
export { parseTenantCsv } from './csv/parse.js';
export { overUtf8Limit } from './csv/text-checks.js';
export type { ParseTenantCsvOptions, ParsedTenantCsv } from './csv/parse.js';
export { channelOfSpendColumn } from './csv/roles.js';
export type { RoleOverrides } from './csv/roles.js';
export {
  channelOrderRows,
  csvSummary,
  readCanonicalCsv,
  rolesOf,
  tenantToCsv,
  truthToJson,
  withCanonicalColumns,
  withChannelsBySpend,
} from './csv/serialize.js';
export type { CsvSummary } from './csv/serialize.js';
export { formatNumber, formatSignificant, readNumber } from './csv/numbers.js';
export { dateHint, daysFromCivil, isoFromDays, isoWeekMonday, parseIsoDay } from './csv/dates.js';
export { LIFT_COLUMNS, MAX_LIFT_ROWS, liftTestsToCsv, parseLiftCsv } from './csv/lift.js';
export type { ParseLiftCsvOptions } from './csv/lift.js';
