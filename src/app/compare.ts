import type { PhaseComparison, PhaseId, TenantResult } from '../phases/types.js';

/** Tenants whose R² dropped by more than this count as regressions in a comparison. */
export const REGRESSION_TOLERANCE = 0.01;

interface Side {
  run_id: number;
  phase: PhaseId;
  results: TenantResult[];
}

function figures(side: Side) {
  const n = side.results.length;
  const mean = n ? side.results.reduce((s, r) => s + r.mean_r2, 0) / n : 0;
  return {
    run_id: side.run_id,
    phase: side.phase,
    mean_r2: mean,
    pass_count: side.results.filter((r) => r.passes).length,
    total: n,
  };
}

/** Compares two runs tenant by tenant (b minus a) and states a one-line verdict. */
export function compareRuns(a: Side, b: Side): PhaseComparison {
  const fa = figures(a);
  const fb = figures(b);
  const byTenantA = new Map(a.results.map((r) => [r.tenant, r]));
  const byTenantB = new Map(b.results.map((r) => [r.tenant, r]));
  const tenants = a.results
    .filter((r) => byTenantB.has(r.tenant))
    .map((ra) => {
      const rb = byTenantB.get(ra.tenant)!;
      return {
        tenant: ra.tenant,
        a_r2: ra.mean_r2,
        b_r2: rb.mean_r2,
        delta: rb.mean_r2 - ra.mean_r2,
        a_passes: ra.passes,
        b_passes: rb.passes,
      };
    })
    .sort((x, y) => y.delta - x.delta || (x.tenant < y.tenant ? -1 : 1));
  const newlyPassing = tenants.filter((t) => !t.a_passes && t.b_passes).map((t) => t.tenant);
  const newlyFailing = tenants.filter((t) => t.a_passes && !t.b_passes).map((t) => t.tenant);
  const regressions = tenants.filter((t) => t.delta < -REGRESSION_TOLERANCE).map((t) => t.tenant);
  const meanDelta = fb.mean_r2 - fa.mean_r2;
  const passDelta = fb.pass_count - fa.pass_count;
  const label = (f: { phase: PhaseId; run_id: number }) => `phase ${f.phase} (run ${f.run_id})`;
  const direction =
    meanDelta > 0.005 ? 'improves on' : meanDelta < -0.005 ? 'is worse than' : 'matches';
  const verdict =
    `${label(fb)} ${direction} ${label(fa)}: mean R² ${fa.mean_r2.toFixed(3)} -> ${fb.mean_r2.toFixed(3)} ` +
    `(${meanDelta >= 0 ? '+' : ''}${meanDelta.toFixed(3)}), passing ${fa.pass_count} -> ${fb.pass_count} ` +
    `(${passDelta >= 0 ? '+' : ''}${passDelta})` +
    (newlyFailing.length ? `; newly failing: ${newlyFailing.join(', ')}` : '') +
    (regressions.length
      ? `; ${regressions.length} tenant(s) lost more than ${REGRESSION_TOLERANCE} R²`
      : '');
  return {
    a: fa,
    b: fb,
    mean_r2_delta: meanDelta,
    pass_count_delta: passDelta,
    tenants,
    newly_passing: newlyPassing,
    newly_failing: newlyFailing,
    regressions,
    only_in_a: a.results.filter((r) => !byTenantB.has(r.tenant)).map((r) => r.tenant),
    only_in_b: b.results.filter((r) => !byTenantA.has(r.tenant)).map((r) => r.tenant),
    verdict,
  };
}
