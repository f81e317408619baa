/** Seeded synthetic retail tenants with known ground truth (pure core, no I/O). See docs/data-generation.md. */

export {
  BUILTIN_TENANT_IDS,
  CHANNELS,
  CITIES,
  DEFAULT_DAYS,
  DEFAULT_SEED,
  DEFAULT_START,
  TENANT_SPECS,
  TIER_AMPLITUDE,
  isBuiltinTenant,
  tenantCatalog,
} from './catalog.js';
export type { CityClimate, DriverMix, TenantSpec } from './catalog.js';
export { coldIndex, driverIndexSeries, heatIndex, rainIndex } from './driver.js';
export { generateFromSpec, generateTenant, generateTenantSet, generatedSpec } from './generate.js';
export type { GenerateOptions, TenantSetOptions } from './generate.js';
export { expectedRevenue, mediaEffect, rSquared } from './revenue.js';
export type { AdstockForm, MediaParams, SaturationForm } from './revenue.js';
export {
  ADSTOCK_FORMS,
  RENAMED_WEATHER,
  SATURATION_FORMS,
  SHAPE_CHANNELS,
  SHAPE_SUITE,
  SHAPE_SUITE_IDS,
  WEATHER_LAYOUTS,
  checkShapeSpec,
  generateShape,
  meanPairwiseCorrelation,
  oracleFoldR2,
  shapeLabel,
  shapeSpecOf,
  suiteShape,
} from './shapes.js';
export type { ShapeOptions, ShapeSpec, WeatherLayout } from './shapes.js';
export { expectedRevenueFor, trueConditionalRoas, trueResponseCurve } from './truth.js';
export { shapeTruthTable, truthTable } from './table.js';
export { simulateLiftTest } from './lift.js';
export type { SimulateLiftOptions, SimulatedLift } from './lift.js';
