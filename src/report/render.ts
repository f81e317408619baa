/**
 * Server-side rendering of Vega-Lite specs to SVG strings: vega-lite compiles the spec to Vega,
 * a headless vega View (renderer 'none', no canvas and no DOM needed) draws the scene graph and
 * serializes it as SVG. The view's loader refuses every URL: the specs carry their data inline,
 * and rendering must never read a file or the network.
 */
import { View, Warn, loader as vegaLoader, parse, type Loader } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { useHelveticaMetrics } from './text-metrics.js';

/** A loader that refuses everything: the report's specs never load external data. */
function refusingLoader(): Loader {
  const base = vegaLoader();
  const refuse = (uri: string) =>
    Promise.reject(new Error(`the report renders offline; refused to load '${uri}'`));
  return {
    ...base,
    load: refuse,
    sanitize: refuse,
    http: refuse,
    file: refuse,
  } as unknown as Loader;
}

/**
 * vega numbers clip paths and gradients with process-wide counters: renumber them in order of
 * appearance under the chart's own prefix, so that several SVGs can share a page and the same
 * chart always serializes to the same text.
 */
export function renumberSvgIds(svg: string, prefix: string): string {
  const map = new Map<string, string>();
  const re = /\bid="((?:clip|gradient_|p_gradient_)\d+)"/g;
  for (let m = re.exec(svg); m !== null; m = re.exec(svg)) {
    if (!map.has(m[1])) map.set(m[1], `${prefix}-d${map.size}`);
  }
  if (map.size === 0) return svg;
  return svg.replace(
    /(\bid="|url\(#|href="#)((?:clip|gradient_|p_gradient_)\d+)/g,
    (all, lead: string, id: string) => (map.has(id) ? `${lead}${map.get(id)}` : all),
  );
}

export interface RenderedChart {
  svg: string;
  /** Warnings vega logged while rendering (empty for a clean chart). */
  warnings: string[];
}

/** A vega / vega-lite logger that collects errors and warnings instead of printing them. */
function collectingLogger(out: string[]) {
  let current = Warn;
  const logger = {
    level(value?: number) {
      if (value === undefined) return current;
      current = value;
      return logger;
    },
    error(...args: unknown[]) {
      out.push(args.map(String).join(' '));
      return logger;
    },
    warn(...args: unknown[]) {
      out.push(args.map(String).join(' '));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

/** Renders one Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: TopLevelSpec, idPrefix: string): Promise<RenderedChart> {
  useHelveticaMetrics();
  const warnings: string[] = [];
  const logger = collectingLogger(warnings);
  const vg = compile(spec, { logger: logger as never }).spec;
  const view = new View(parse(vg), {
    renderer: 'none',
    loader: refusingLoader(),
    logLevel: Warn,
    logger: logger as never,
  });
  try {
    const svg = await view.toSVG();
    return { svg: renumberSvgIds(svg, idPrefix), warnings };
  } finally {
    view.finalize();
  }
}
