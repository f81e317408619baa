import path from 'node:path';
import { LIFT_COLUMNS, type LiftTestRecord } from '../../app/index.js';
import { list, need, UsageError } from '../args.js';
import type { Command } from '../command.js';
import { table } from '../format.js';
import { readInputFile } from '../shared.js';

const SUBS = ['add', 'list', 'remove'] as const;

function liftTable(tests: LiftTestRecord[]): string {
  return table(
    ['id', 'channel', 'start', 'end', 'spend change', 'incremental revenue', 'SE', 'source'],
    tests.map((t) => [
      t.id,
      t.channel,
      t.start,
      t.end,
      t.spend_change,
      t.incremental_revenue,
      t.standard_error,
      t.source,
    ]),
  );
}

export const lift: Command = {
  name: 'lift',
  section: 'Data',
  summary: 'record, list or remove lift-test (experiment) results that calibrate explain',
  usage:
    'add --tenant ID --file F [--json]  |  lift list --tenant ID [--json]  |  lift remove --tenant ID [--id N,M] [--json]',
  details:
    `The CSV has the columns ${LIFT_COLUMNS.join(',')}:\n` +
    'the channel, the test window (dates included), the change of the channel’s total spend over\n' +
    'the window (negative for a hold-out), the measured incremental revenue over the window and\n' +
    'its standard error. Every row is checked against the tenant’s data; one bad row stores\n' +
    'nothing. A row stored as given but maybe not meant so gets a warning: a weekly window not in\n' +
    'whole weeks, a lift of the opposite sign, an implausible window ROAS (a ROAS typed as\n' +
    'incremental_revenue, a per-day spend_change), the channel and window of a stored test (a\n' +
    'correction: remove the old one). `wv-mmm explain` (phase 3) then shows calibrated and\n' +
    'uncalibrated ROAS and reports tests that conflict with the data. `wv-mmm plan` is calibrated\n' +
    'with them too ("calibrated with N lift tests"; a test in conflict is reported first,\n' +
    'lift_test_conflict, and not used).\n' +
    'Method: docs/calibration.md, docs/planner.md.',
  options: {
    tenant: { type: 'string', value: 'ID', help: 'the tenant' },
    file: { type: 'string', value: 'F', help: 'with add: the lift-test CSV file' },
    id: { type: 'string', value: 'N,M', help: 'with remove: only these test ids (default: all)' },
  },
  json: true,
  jsonHelp:
    "the tests added (with total, rows, warnings), listed or the count deleted; the MCP tools add_lift_test and delete_lift_tests add the tenant's tests after the change, and add_lift_test a next_step in place of total and rows",
  positionals: { max: 1, usage: 'add|list|remove' },
  async run({ app, flags, positionals, print }) {
    const sub = positionals[0];
    if (!(SUBS as readonly (string | undefined)[]).includes(sub)) {
      throw new UsageError(
        `lift needs a sub-command: ${SUBS.join(', ')} (got ${sub === undefined ? 'none' : `"${sub}"`}), e.g. wv-mmm lift add --tenant ID --file lift.csv`,
      );
    }
    const tenant = need(flags, 'tenant', 'the tenant whose lift tests to use');
    if (sub !== 'add' && flags.file !== undefined)
      throw new UsageError('--file goes with add: wv-mmm lift add --tenant ID --file F');
    if (sub !== 'remove' && flags.id !== undefined)
      throw new UsageError('--id goes with remove: wv-mmm lift remove --tenant ID --id N,M');
    if (sub === 'add') {
      const file = need(flags, 'file', 'the lift-test CSV file');
      const csv = readInputFile(file);
      const res = app().addLiftTests({ tenant, csv, source: path.basename(file) });
      print(res, () =>
        [
          `recorded ${res.added.length} lift test(s) for ${res.tenant} (${res.total} in total)`,
          liftTable(res.added),
          ...res.warnings.map((w) => `warning: ${w}`),
          // A tenant too short to train: explain refuses it, so the next step is more data.
          res.rows_needed_to_explain === null
            ? `next: wv-mmm explain --tenant ${res.tenant} shows calibrated and uncalibrated ROAS`
            : `next: the tests are recorded, but wv-mmm explain cannot use them yet: ${res.tenant} holds ${res.rows} rows and explain needs at least ${res.rows_needed_to_explain} (${res.rows_needed_to_explain - res.rows} more) for an honest validation; import a longer history (wv-mmm import --tenant ${res.tenant} --file F --replace; the tests are kept), then wv-mmm explain --tenant ${res.tenant} shows calibrated and uncalibrated ROAS`,
        ].join('\n'),
      );
      return;
    }
    if (sub === 'list') {
      const tests = app().listLiftTests(tenant);
      print({ tenant, tests }, () =>
        tests.length === 0
          ? `${tenant} has no lift tests; add some with wv-mmm lift add --tenant ${tenant} --file F`
          : liftTable(tests),
      );
      return;
    }
    const ids = list(flags.id)?.map((x) => {
      const n = Number(x);
      if (!Number.isInteger(n) || n < 1)
        throw new UsageError(`--id must list test ids such as 3,4 (got "${x}")`);
      return n;
    });
    const res = app().deleteLiftTests(tenant, ids);
    print(res, () => `deleted ${res.deleted} lift test(s) of ${res.tenant}`);
  },
};
