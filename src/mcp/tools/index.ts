/** Registers every tool: one module per tool. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolDeps } from '../deps.js';
import { registerAddLiftTest } from './add-lift-test.js';
import { registerCancelRun } from './cancel-run.js';
import { registerCheckGates } from './check-gates.js';
import { registerComparePhases } from './compare-phases.js';
import { registerDeleteLiftTests } from './delete-lift-tests.js';
import { registerDeleteTenant } from './delete-tenant.js';
import { registerExplainTenant } from './explain-tenant.js';
import { registerGetReport } from './get-report.js';
import { registerGetRun } from './get-run.js';
import { registerImportTenantData } from './import-tenant-data.js';
import { registerListRuns } from './list-runs.js';
import { registerListTenants } from './list-tenants.js';
import { registerPlanBudget } from './plan-budget.js';
import { registerRunPhase } from './run-phase.js';
import { registerTrainTenant } from './train-tenant.js';

/** Tool names in the order they are listed (the workflow order). */
export const TOOL_NAMES = [
  'list_tenants',
  'run_phase',
  'get_run',
  'list_runs',
  'cancel_run',
  'check_gates',
  'compare_phases',
  'explain_tenant',
  'get_report',
  'train_tenant',
  'import_tenant_data',
  'plan_budget',
  'add_lift_test',
  'delete_lift_tests',
  'delete_tenant',
] as const;

export function registerTools(server: McpServer, deps: ToolDeps): void {
  registerListTenants(server, deps);
  registerRunPhase(server, deps);
  registerGetRun(server, deps);
  registerListRuns(server, deps);
  registerCancelRun(server, deps);
  registerCheckGates(server, deps);
  registerComparePhases(server, deps);
  registerExplainTenant(server, deps);
  registerGetReport(server, deps);
  registerTrainTenant(server, deps);
  registerImportTenantData(server, deps);
  registerPlanBudget(server, deps);
  registerAddLiftTest(server, deps);
  registerDeleteLiftTests(server, deps);
  registerDeleteTenant(server, deps);
}
