import { UsageError } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { table } from '../format.js';

const TIERS: readonly string[] = ['extreme', 'high', 'medium', 'none', 'custom'];

async function deleteTenant({ app, flags, positionals, print }: CommandContext): Promise<void> {
  const id = positionals[1];
  if (id === undefined)
    throw new UsageError('tenants delete needs the tenant id: wv-mmm tenants delete ID');
  if (flags['keep-runs'] && flags['delete-runs']) {
    throw new UsageError('give one of --keep-runs and --delete-runs, not both');
  }
  const res = app().deleteTenant({
    tenant: id,
    runs: flags['delete-runs'] ? 'delete' : flags['keep-runs'] ? 'keep' : undefined,
  });
  print(res, () =>
    [
      `deleted ${res.tenant}`,
      ...(res.runs_deleted.length ? [`deleted run(s) ${res.runs_deleted.join(', ')}`] : []),
      ...(res.runs_kept.length ? [`kept run(s) ${res.runs_kept.join(', ')}`] : []),
      ...(res.lift_tests_deleted ? [`deleted ${res.lift_tests_deleted} lift test(s)`] : []),
      ...(res.plans_deleted ? [`deleted ${res.plans_deleted} plan(s)`] : []),
    ].join('\n'),
  );
}

export const tenants: Command = {
  name: 'tenants',
  section: 'Data',
  summary: 'list tenants (the 20 built-in ones, then yours), or delete one of yours',
  usage: '[--tier T] [--json]  |  tenants delete ID [--keep-runs | --delete-runs] [--json]',
  details:
    'Ids sort naturally (gen_s7_2 before gen_s7_10). Imported tenants show driver "unknown":\n' +
    'which weather drives their sales is what the model is for.\n' +
    '`tenants delete ID` deletes an imported or generated tenant, its lift tests and its plans.\n' +
    'If stored runs include it, say what to do with them: --keep-runs keeps them (their results\n' +
    "stay readable), --delete-runs deletes those runs (with the other tenants' results in them)\n" +
    'and takes the tenant out of the analytics files.',
  options: {
    tier: { type: 'string', value: 'T', help: `only this tier: ${TIERS.join(', ')}` },
    'keep-runs': { type: 'boolean', help: 'with delete: keep the stored runs that include it' },
    'delete-runs': { type: 'boolean', help: 'with delete: delete the stored runs that include it' },
  },
  json: true,
  jsonHelp:
    "the list as a bare array of every tenant (the MCP tool list_tenants pages them: {tenants, total, offset, next_offset}); tenants delete: the fields of the MCP tool delete_tenant's result",
  positionals: { max: 2, usage: 'delete ID' },
  async run(ctx) {
    const { app, flags, positionals, print } = ctx;
    if (positionals.length > 0) {
      if (positionals[0] !== 'delete') {
        throw new UsageError(
          `tenants takes the sub-command delete (wv-mmm tenants delete ID), got "${positionals[0]}"`,
        );
      }
      return deleteTenant(ctx);
    }
    if (flags['keep-runs'] || flags['delete-runs']) {
      throw new UsageError(
        '--keep-runs and --delete-runs go with delete: wv-mmm tenants delete ID',
      );
    }
    let list = app().listTenants();
    if (typeof flags.tier === 'string') {
      if (!TIERS.includes(flags.tier)) {
        throw new UsageError(`--tier must be one of ${TIERS.join(', ')} (got ${flags.tier})`);
      }
      list = list.filter((t) => t.tier === flags.tier);
    }
    print(list, () =>
      table(
        ['tenant', 'tier', 'city', 'driver', 'rows', 'frequency', 'source'],
        list.map((t) => [t.tenant, t.tier, t.city || '-', t.driver, t.rows, t.frequency, t.source]),
      ),
    );
  },
};
