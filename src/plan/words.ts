/**
 * How a face names the plan's inputs in the planner's messages: `--bounds` in the CLI, `bounds`
 * over MCP. The pure planner (benchmarks, tests) uses PLAN_WORDS, plain words.
 */
export interface PlanWords {
  budget: string;
  bounds: string;
  /** The typical scenario asked for by name. */
  typicalScenario: string;
  /** A forecast given instead of a scenario. */
  forecast: string;
}

export const PLAN_WORDS: PlanWords = {
  budget: 'the budget',
  bounds: 'the bounds',
  typicalScenario: 'the typical scenario',
  forecast: 'a forecast file',
};
