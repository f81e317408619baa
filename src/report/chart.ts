/**
 * One chart of a report: a declarative Vega-Lite spec whose data is one flat table (the rows a
 * reader downloads as CSV), a title that says what it shows and a one-line reading computed from
 * the same rows. The look lives in one `config` object (REPORT_THEME) that a user can replace.
 */
import type { TopLevelSpec } from 'vega-lite';

export type Row = Record<string, string | number | boolean | null>;

export interface ChartDef {
  /** Stable id, used for element ids and file names: 'fit', 'roas-weather', ... */
  id: string;
  title: string;
  /** One sentence that reads the chart, computed from its data. */
  reading: string;
  /** The rows behind the chart (also the spec's `datasets.table`). */
  rows: Row[];
  spec: TopLevelSpec;
  /** Caveats shown under the chart. */
  notes?: string[];
}

/** Colours of the report: fixed per component so that a channel keeps its colour in every chart. */
export const PALETTE = [
  '#4c78a8',
  '#f58518',
  '#54a24b',
  '#b279a2',
  '#e45756',
  '#72b7b2',
  '#eeca3b',
  '#9d755d',
  '#ff9da6',
  '#bab0ac',
  // Beyond 10 channels (up to 15 generated, more imported): ten more, none a repeat.
  '#b79a20',
  '#439894',
  '#d67195',
  '#79706e',
  '#9ecae9',
  '#ffbf79',
  '#88d27a',
  '#d6a5c9',
  '#d8b5a5',
  '#6b4c9a',
];
export const BASELINE_COLOR = '#c7c7c7';
export const WEATHER_COLOR = '#17becf';
export const CONTROLS_COLOR = '#8c6d31';
export const TRUTH_COLOR = '#222222';
export const PASS_COLOR = '#2e7d32';
export const FAIL_COLOR = '#c62828';

/** The shared look (Vega-Lite `config`): fonts, sizes, grid. Replace it to restyle every chart. */
export const REPORT_THEME = {
  font: 'Helvetica, Arial, sans-serif',
  background: '#ffffff',
  padding: 8,
  title: { fontSize: 15, fontWeight: 'bold', anchor: 'start', offset: 10 },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    gridColor: '#e8e8e8',
    domainColor: '#888888',
    tickColor: '#888888',
  },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', orient: 'right' },
  header: { labelFontSize: 12, titleFontSize: 12 },
  view: { stroke: null },
  line: { strokeWidth: 1.5 },
  // No ARIA label on every bar and point (thousands per chart, a third of the page): the
  // heading and the reading above each chart say what it shows; axes and legends keep theirs.
  mark: { aria: false },
} as const;

export const CHART_WIDTH = 720;

/** Colour of each channel, in the tenant's channel order. */
export function channelColors(channels: readonly string[]): Record<string, string> {
  return Object.fromEntries(channels.map((c, i) => [c, PALETTE[i % PALETTE.length]]));
}

/**
 * The top-level spec around a chart body: schema, title, shared config and the rows as the named
 * dataset `table` (body specs read it with `data: { name: 'table' }`).
 */
export function topLevel(title: string, rows: Row[], body: Record<string, unknown>): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    datasets: { table: rows },
    data: { name: 'table' },
    config: REPORT_THEME,
    ...body,
  } as unknown as TopLevelSpec;
}
