/**
 * The words of each face. The app serves one face (createApp({ face })); its messages name that
 * face's commands and options: `wv-mmm tenants` and `--replace` in the CLI, `list_tenants` and
 * `replace: true` over MCP. The core's messages get the option words (core/words.ts).
 */
import { CLI_OPTION_WORDS, MCP_OPTION_WORDS, type OptionWords } from '../core/words.js';
import { BUILTIN_TENANT_IDS } from '../core/data/catalog.js';
import type { PhaseId } from '../phases/types.js';
import type { PlanWords } from '../plan/index.js';

export type Face = 'cli' | 'mcp';

export interface FaceWords extends OptionWords {
  listTenants: string;
  listRuns: string;
  /** Where the stored plans are listed. */
  listPlans: string;
  runPhase: (phase: PhaseId) => string;
  /** Running a phase for one tenant, as a command the user can paste. */
  runPhaseFor: (phase: PhaseId, tenant: string) => string;
  /**
   * Running a phase for the tenants of run `runId`: the tenants named (up to
   * MAX_NAMED_TENANTS), none when they are the 20 built-in ones (the default), else the run named.
   */
  runPhaseForRun: (phase: PhaseId, tenants: readonly string[], runId: number) => string;
  /** Judging a phase's gates. */
  checkGates: (phase: PhaseId) => string;
  /** Overwriting an imported tenant. */
  replace: string;
  /** Replacing it although the new data drop or rename columns, cut history or rescale revenue. */
  acceptChanges: string;
  /** Importing a tenant's data again, replacing what is stored. */
  reimport: (tenant: string) => string;
  /** A tenant's model explained. */
  explain: (tenant: string) => string;
  /** The explanation's channel selection (explain_tenant `channels`, `wv-mmm explain --channels`). */
  explainChannels: string;
  /** Deleting a tenant's stored runs with it, or keeping them. */
  deleteRuns: string;
  keepRuns: string;
  /** Deleting lift tests of a tenant by id. */
  deleteLiftTests: (tenant: string, ids: readonly number[]) => string;
  /** Recording a tenant's lift tests. */
  addLiftTests: (tenant: string) => string;
  /** The plan's inputs (plan_budget arguments, `wv-mmm plan` flags). */
  plan: PlanWords;
  /** Planning a tenant's budget (with the default inputs). */
  planFor: (tenant: string) => string;
  /** A bound on one channel's spend, as the face takes it (lo and hi left to the user). */
  boundFor: (channel: string) => string;
}

/** Most tenants a next step names one by one. */
export const MAX_NAMED_TENANTS = 20;

/** True when `tenants` are the 20 built-in tenants (what a run takes without a tenant list). */
function isBuiltinSet(tenants: readonly string[]): boolean {
  const set = new Set(tenants);
  return set.size === BUILTIN_TENANT_IDS.length && BUILTIN_TENANT_IDS.every((t) => set.has(t));
}

export const FACE_WORDS: Record<Face, FaceWords> = {
  mcp: {
    ...MCP_OPTION_WORDS,
    listTenants: 'list_tenants',
    listRuns: 'list_runs',
    listPlans: 'resources/list (the plan://{id} resources)',
    runPhase: (phase) => `run_phase with phase ${phase}`,
    runPhaseFor: (phase, tenant) => `run_phase with phase ${phase} and tenants ["${tenant}"]`,
    runPhaseForRun: (phase, tenants, runId) =>
      isBuiltinSet(tenants)
        ? `run_phase with phase ${phase}`
        : tenants.length <= MAX_NAMED_TENANTS
          ? `run_phase with phase ${phase} and tenants ${JSON.stringify(tenants)}`
          : `run_phase with phase ${phase} and the ${tenants.length} tenants of run ${runId}`,
    checkGates: (phase) => `check_gates with phase ${phase}`,
    replace: 'replace: true',
    acceptChanges: 'accept_changes: true',
    reimport: (tenant) => `import_tenant_data with tenant "${tenant}" and replace: true`,
    explain: (tenant) => `explain_tenant with tenant "${tenant}"`,
    explainChannels: 'channels',
    deleteRuns: 'runs: "delete"',
    keepRuns: 'runs: "keep"',
    deleteLiftTests: (tenant, ids) =>
      `delete_lift_tests with tenant "${tenant}" and ids ${JSON.stringify(ids)}`,
    addLiftTests: (tenant) => `add_lift_test with tenant "${tenant}"`,
    plan: {
      budget: 'budget',
      bounds: 'bounds',
      typicalScenario: 'scenario "typical"',
      forecast: 'forecast_csv',
      targets: 'target_roas or target_marginal_roas',
      targetRoas: 'target_roas',
      targetMarginalRoas: 'target_marginal_roas',
      targetLowerEnd: 'target_lower_end',
      replicates: 'replicates',
      afterHorizon: 'after_horizon',
      horizonUnits: 'days or weeks',
      outlooks: 'scenario or forecast_csv (or forecast_path)',
      compare: 'compare_scenario',
      spendPlan: 'spend_plan_csv',
    },
    planFor: (tenant) => `plan_budget with tenant "${tenant}"`,
    boundFor: (channel) => `bounds [{"channel": "${channel}", "min": lo, "max": hi}]`,
  },
  cli: {
    ...CLI_OPTION_WORDS,
    listTenants: 'wv-mmm tenants',
    listRuns: 'wv-mmm runs',
    listPlans: 'wv-mmm plans',
    runPhase: (phase) => `wv-mmm run-phase --phase ${phase}`,
    runPhaseFor: (phase, tenant) => `wv-mmm run-phase --phase ${phase} --tenants ${tenant}`,
    runPhaseForRun: (phase, tenants, runId) =>
      isBuiltinSet(tenants)
        ? `wv-mmm run-phase --phase ${phase}`
        : tenants.length <= MAX_NAMED_TENANTS
          ? `wv-mmm run-phase --phase ${phase} --tenants ${tenants.join(',')}`
          : `wv-mmm run-phase --phase ${phase} with the ${tenants.length} tenants of run ${runId}`,
    checkGates: (phase) => `wv-mmm gates --phase ${phase}`,
    replace: '--replace',
    acceptChanges: '--accept-changes',
    reimport: (tenant) => `wv-mmm import --tenant ${tenant} --file F --replace`,
    explain: (tenant) => `wv-mmm explain --tenant ${tenant}`,
    explainChannels: '--channels',
    deleteRuns: '--delete-runs',
    keepRuns: '--keep-runs',
    deleteLiftTests: (tenant, ids) => `wv-mmm lift remove --tenant ${tenant} --id ${ids.join(',')}`,
    addLiftTests: (tenant) => `wv-mmm lift add --tenant ${tenant} --file F`,
    plan: {
      budget: '--budget',
      bounds: '--bounds',
      typicalScenario: '--scenario typical',
      forecast: '--forecast FILE',
      targets: '--target-roas or --target-marginal-roas',
      targetRoas: '--target-roas',
      targetMarginalRoas: '--target-marginal-roas',
      targetLowerEnd: '--target-lower-end',
      replicates: '--replicates',
      afterHorizon: '--after-horizon',
      horizonUnits: '--days or --weeks',
      outlooks: '--scenario or --forecast',
      compare: '--compare',
      spendPlan: '--spend-plan FILE',
    },
    planFor: (tenant) => `wv-mmm plan --tenant ${tenant}`,
    boundFor: (channel) => `--bounds ${channel}=lo:hi`,
  },
};

/**
 * How a fold that fell back names the model it uses: `phase 0`, or, when the phase it fell back
 * to has another phase's model in that window (phase 2's laddered model is phase 0's there), both:
 * "phase 0 (fell back to phase 2, whose model there is phase 0's)". The reason says "fell back to
 * phase 2", which beside "uses phase 0" read as a contradiction. A fold that forecasts with the
 * mean of that model and another (averaged_with) says so: "phase 2 averaged half and half with
 * phase 3's own model" (a daily phase-3 fold that fell back read as using phase 2 alone).
 */
export function usedPhaseWords(fallback: {
  used_phase: number;
  fell_back_to?: number;
  averaged_with?: { phase: number; model: 'own' | 'laddered'; share: number };
  reason: string;
}): string {
  // Runs stored before fell_back_to say it in their reason only.
  const to = /fell back to phase (\d)/.exec(fallback.reason);
  const k = fallback.fell_back_to ?? (to ? Number(to[1]) : fallback.used_phase);
  const used =
    k === fallback.used_phase
      ? `phase ${fallback.used_phase}`
      : `phase ${fallback.used_phase} (fell back to phase ${k}, whose model there is phase ${fallback.used_phase}'s)`;
  const a = fallback.averaged_with;
  if (!a) return used;
  const share =
    a.share === 0.5
      ? 'half and half'
      : `${Math.round(100 * (1 - a.share))}% to ${Math.round(100 * a.share)}%`;
  return `${used} averaged ${share} with phase ${a.phase}'s ${a.model === 'own' ? 'own' : 'laddered'} model`;
}

/** Up to `max` names joined by commas, then how many more: "a, b, c, d, e and 3 more". */
export function namedList(names: readonly string[], max = 5): string {
  return names.length <= max
    ? names.join(', ')
    : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
