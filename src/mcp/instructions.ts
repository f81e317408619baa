/** What the server tells an agent at initialization: the workflow and what the numbers mean. */
export const SERVER_INSTRUCTIONS = `weathervane-mmm: a weather-aware marketing-mix-modeling engine. It models daily or weekly revenue of retail tenants from media spend (with carry-over and saturation) and weather, and tells whether each modeling phase is good enough.

Workflow:
1. list_tenants: the tenant ids (20 built-in synthetic tenants in four weather-sensitivity tiers, plus imported ones).
2. run_phase for phases 0, 1, 2, 3 in order (default: the 20 built-in tenants; pass tenants for imported ones) (0 baseline Ridge, 1 tuned Ridge + weather features, 2 Ridge/GBM/blend, 3 adstock + Hill saturation).
3. check_gates after each phase: the plan's decision (proceed, sufficient, success, escalate), its criteria with figures and the next step. Phases 1-3 are judged against the phase before on the same tenants: without that run the decision is ESCALATE with missing_prerequisite_run (not a model failure; next_step names the run_phase call).
4. compare_phases between consecutive phases: deltas, newly passing/failing tenants, regressions.
5. explain_tenant for tenants that fail or look odd: channel ROAS by weather state, response curves.
6. get_report to show a person: a tenant's model or a run's tenants in charts (one HTML file, returned as a resource_link to report://...).
7. plan_budget to spend a budget over the days or weeks after a tenant's data under a weather outlook (uses the newest phase 3 run covering the tenant, and runs phase 3 for it first when there is none; says first when that model fails the pass bar; stored as plan://{id}, compare_scenario plans the same budget under a second outlook).

Passing: a tenant passes when its mean out-of-sample R² >= 0.50 under expanding-window time-series CV (each fold trains only on earlier dates; 5 folds on the built-in tenants, 3-5 folds each trained on at least a year when the data has two years or more; every result carries its protocol). For synthetic tenants oracle_r2 is the R² of the true expected revenue: no model can reliably beat it, so a tenant whose oracle is below 0.50 cannot pass honestly.

Long work: phase 3 over the 20 built-in tenants takes tens of seconds, more tenants longer. Call run_phase with wait:false to get a run id at once and poll get_run (or cancel_run), or keep wait:true and send a progress token to receive progress. Cancelling a waiting request cancels its run. Identical runs are served from the store unless force:true.

import_tenant_data adds a tenant from CSV text or an allowed file; then train_tenant or run_phase with its id; delete_tenant removes it again (runs: "keep" or "delete" for the stored runs that include it). add_lift_test records experiment results (channel, window, spend change, incremental revenue and its standard error); explain_tenant phase 3 then shows calibrated and uncalibrated ROAS and reports tests that conflict with the data; delete_lift_tests removes tests (ids, or all: true). check_gates judges a drop below the regression floor against fold noise (one-sided paired t-test, 0.05) unless regression_mode is strict. Resources: tenant://{id}, run://{id}, gates://latest/{phase}, report://tenant/{id} and report://run/{id} (text/html), plan://{id}. Prompt: phase_review.`;
