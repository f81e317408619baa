/** The one member of vega-scenegraph the report uses (the package ships no type declarations). */
declare module 'vega-scenegraph' {
  export const textMetrics: {
    /** Width in pixels of a text item's text; replaceable (vega's documented extension point). */
    width: (
      item: { fontSize?: number; fontWeight?: string | number; limit?: number },
      text: unknown,
    ) => number;
  };
}
