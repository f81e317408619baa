/**
 * The report layer: pure page building from data gathered by the app (data -> Vega-Lite specs ->
 * SVG -> HTML string). No file, clock, network or store access here.
 */
export type * from './types.js';
export type { ChartDef, Row } from './chart.js';
export { REPORT_THEME } from './chart.js';
export { toCsv } from './format.js';
export { buildTenantReport, tenantCharts, type BuiltReport } from './tenant.js';
export { buildRunReport, runCharts, MAX_TENANTS_DRAWN } from './run.js';
