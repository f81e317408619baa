import type {
  PhaseComparison,
  PhaseId,
  ProtocolChange,
  ProtocolRecord,
  TenantResult,
} from '../phases/types.js';
import { namedList } from './words.js';

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

/**
 * Compares two runs tenant by tenant (b minus a) and states a one-line verdict. `otherData`: the
 * tenants of both runs whose results were computed on other data in each (kept.ts onOtherData),
 * named in the verdict: their deltas compare two datasets, not two models.
 */
export function compareRuns(a: Side, b: Side, otherData: readonly string[] = []): PhaseComparison {
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
  const onlyInA = a.results.filter((r) => !byTenantB.has(r.tenant)).map((r) => r.tenant);
  const onlyInB = b.results.filter((r) => !byTenantA.has(r.tenant)).map((r) => r.tenant);
  // Runs over different tenants are compared on the tenants both hold: the whole runs' means
  // average different tenants (phase 0 over the 20 built-in tenants against phase 1 over one
  // imported tenant said "worse" or "improves" about no tenant at all).
  const n = tenants.length;
  const common = {
    tenants: n,
    a_mean_r2: n ? tenants.reduce((s, t) => s + t.a_r2, 0) / n : NaN,
    b_mean_r2: n ? tenants.reduce((s, t) => s + t.b_r2, 0) / n : NaN,
    a_pass_count: tenants.filter((t) => t.a_passes).length,
    b_pass_count: tenants.filter((t) => t.b_passes).length,
  };
  const sameTenants = onlyInA.length === 0 && onlyInB.length === 0;
  const newlyPassing = tenants.filter((t) => !t.a_passes && t.b_passes).map((t) => t.tenant);
  const newlyFailing = tenants.filter((t) => t.a_passes && !t.b_passes).map((t) => t.tenant);
  const regressions = tenants.filter((t) => t.delta < -REGRESSION_TOLERANCE).map((t) => t.tenant);
  const [meanA, meanB, passA, passB] = sameTenants
    ? [fa.mean_r2, fb.mean_r2, fa.pass_count, fb.pass_count]
    : [common.a_mean_r2, common.b_mean_r2, common.a_pass_count, common.b_pass_count];
  const meanDelta = meanB - meanA;
  // Runs sharing no tenant have no pass-count difference either (it read 0 beside a null R² delta).
  const passDelta = n === 0 && !sameTenants ? NaN : passB - passA;
  const label = (f: { phase: PhaseId; run_id: number }) => `phase ${f.phase} (run ${f.run_id})`;
  const direction =
    meanDelta > 0.005 ? 'improves on' : meanDelta < -0.005 ? 'is worse than' : 'matches';
  const some = (ts: string[]) =>
    `${ts.length} (${ts.slice(0, 5).join(', ')}${ts.length > 5 ? ', ...' : ''})`;
  const held = new Set(tenants.map((t) => t.tenant));
  const onOther = otherData.filter((t) => held.has(t));
  const protocolChanged = protocolChanges(
    tenants.map((t) => t.tenant),
    byTenantA,
    byTenantB,
  );
  const others =
    (onlyInA.length ? `; only in run ${fa.run_id}: ${some(onlyInA)}` : '') +
    (onlyInB.length ? `; only in run ${fb.run_id}: ${some(onlyInB)}` : '') +
    (onOther.length
      ? `; computed on other data in the two runs (imported again between them, so their deltas compare two datasets, not two models): ${some(onOther)}`
      : '') +
    (protocolChanged.length
      ? `; cross-validated with another fold protocol in the two runs (so their deltas compare other test blocks, not only two models): ${namedList(protocolChanged.map((p) => `${p.tenant} (${protocolWords(p.a)} -> ${protocolWords(p.b)})`))}`
      : '');
  const verdict =
    n === 0
      ? `${label(fb)} and ${label(fa)} share no tenant, so there is nothing to compare (${fa.total} and ${fb.total} tenants); compare runs over the same tenants`
      : `${sameTenants ? '' : `on the ${n} tenant(s) both runs hold, `}${label(fb)} ${direction} ${label(fa)}: ` +
        `mean R² ${meanA.toFixed(3)} -> ${meanB.toFixed(3)} ` +
        `(${meanDelta >= 0 ? '+' : ''}${meanDelta.toFixed(3)}), passing ${passA} -> ${passB} ` +
        `(${passDelta >= 0 ? '+' : ''}${passDelta})` +
        (newlyFailing.length ? `; newly failing: ${newlyFailing.join(', ')}` : '') +
        (regressions.length
          ? `; ${regressions.length} tenant(s) lost more than ${REGRESSION_TOLERANCE} R²`
          : '') +
        others;
  return {
    a: fa,
    b: fb,
    mean_r2_delta: meanDelta,
    pass_count_delta: passDelta,
    tenants,
    newly_passing: newlyPassing,
    newly_failing: newlyFailing,
    regressions,
    common,
    only_in_a: onlyInA,
    only_in_b: onlyInB,
    other_data: onOther,
    protocol_changed: protocolChanged,
    verdict,
  };
}

/** The part of a protocol a change of which makes two runs' fold R² of a tenant other figures. */
function protocolKey(p: ProtocolRecord): ProtocolChange['a'] {
  return {
    rule: p.rule,
    folds: p.folds,
    first_train_rows: p.first_train_rows,
    test_rows: p.test_rows,
  };
}

/**
 * The tenants (in `tenants` order) whose results in the two runs follow other fold protocols (fold
 * count, first training window or test block size): a history that grows past a protocol's bound
 * (daily at 730 rows, weekly at 148) changes the folds, and a compare then read "worse" where the
 * first fold had become a harder one (a probe: 0.778 -> 0.562 on going from 3 folds to 4).
 * Results without a protocol record (folds given by the caller) are not compared.
 */
function protocolChanges(
  tenants: string[],
  a: Map<string, TenantResult>,
  b: Map<string, TenantResult>,
): ProtocolChange[] {
  const out: ProtocolChange[] = [];
  for (const t of tenants) {
    const pa = a.get(t)?.protocol;
    const pb = b.get(t)?.protocol;
    if (!pa || !pb) continue;
    const ka = protocolKey(pa);
    const kb = protocolKey(pb);
    if (
      ka.folds !== kb.folds ||
      ka.first_train_rows !== kb.first_train_rows ||
      ka.test_rows !== kb.test_rows
    ) {
      out.push({ tenant: t, a: ka, b: kb });
    }
  }
  return out;
}

function protocolWords(p: ProtocolChange['a']): string {
  return `${p.folds} folds of ${p.test_rows} test rows, the first trained on ${p.first_train_rows}`;
}
