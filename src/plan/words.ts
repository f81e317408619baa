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
  /** The two targets, for "give ... , not both", and each one's name. */
  targets: string;
  targetRoas: string;
  targetMarginalRoas: string;
  /** The condition that the target ROAS is met by the lower end of the ROAS's 80% interval. */
  targetLowerEnd: string;
  /** The refits a plan is checked against. */
  replicates: string;
  /** What is spent after the horizon (stop or continue). */
  afterHorizon: string;
  /** The horizon's two units, for "give ..., not both". */
  horizonUnits: string;
  /** A scenario or a forecast, for "give ..., not both". */
  outlooks: string;
  /** The scenario compared with the plan's own outlook. */
  compare: string;
  /** A spend plan given to compare with the plan. */
  spendPlan: string;
}

export const PLAN_WORDS: PlanWords = {
  budget: 'the budget',
  bounds: 'the bounds',
  typicalScenario: 'the typical scenario',
  forecast: 'a forecast file',
  targets: 'a target ROAS or a target marginal ROAS',
  targetRoas: 'target ROAS',
  targetMarginalRoas: 'target marginal ROAS',
  targetLowerEnd: 'the lower-end condition',
  replicates: 'replicates',
  afterHorizon: 'after_horizon',
  horizonUnits: 'the horizon in days or in weeks',
  outlooks: 'a scenario or a forecast',
  compare: 'the compare scenario',
  spendPlan: 'a spend plan file',
};
