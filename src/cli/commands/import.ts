import path from 'node:path';
import { list, need } from '../args.js';
import type { Command } from '../command.js';
import { readInputFile } from '../shared.js';
import { LEAST_ROWS_TO_TRAIN } from '../../app/index.js';

export const importCommand: Command = {
  name: 'import',
  section: 'Data',
  summary: 'import your own data from a CSV file (daily or weekly)',
  usage:
    '--file F --tenant ID [--date C] [--target C] [--spend a,b] [--weather a,b] [--controls a,b] [--ignore a,b] [--holiday-season] [--replace [--accept-changes]] [--json]',
  details:
    'Columns are recognised by name (date, <channel>_spend, temperature_c, precipitation_mm,\n' +
    'humidity_pct, revenue or sales); the role flags name the columns of a file that says it otherwise.\n' +
    'Prints what was read and warnings about what will limit the model, each with what to do.\n' +
    `Training needs at least ${LEAST_ROWS_TO_TRAIN.daily} daily or ${LEAST_ROWS_TO_TRAIN.weekly} weekly rows; shorter daily files are imported\n` +
    'with a warning, and training refuses them until a longer file replaces them.\n' +
    'Walkthrough: docs/own-data.md; the format: docs/csv-format.md.',
  options: {
    file: { type: 'string', value: 'F', help: 'the CSV file' },
    tenant: {
      type: 'string',
      value: 'ID',
      help: 'the id to keep it under (a-z, 0-9, _ and -; e.g. my-shop)',
    },
    date: { type: 'string', value: 'C', help: 'the date column (default: "date")' },
    target: {
      type: 'string',
      value: 'C',
      help: 'the revenue column (default: "revenue", else "sales"; e.g. "Revenue (USD)")',
    },
    spend: {
      type: 'string',
      value: 'a,b',
      help: 'the spend columns, one per channel (default: columns ending in _spend)',
    },
    weather: { type: 'string', value: 'a,b', help: 'the weather columns' },
    controls: {
      type: 'string',
      value: 'a,b',
      help: 'other columns to model: numbers (promotions, prices) or text read as categories (an events column: one 0/1 control per value)',
    },
    ignore: { type: 'string', value: 'a,b', help: 'columns to leave out' },
    replace: { type: 'boolean', help: 'replace a tenant of the same id imported before' },
    'accept-changes': {
      type: 'boolean',
      help: 'with --replace: store the new data even if they drop or rename a column, change the frequency, remove over a tenth of the stored rows or rescale revenue (refused otherwise)',
    },
    'holiday-season': {
      type: 'boolean',
      help: 'add a control holiday_season (0 until 15 Nov, rising to 1 on 24 Dec, 0 from 25 Dec) for revenue that climbs to Christmas',
    },
  },
  json: true,
  jsonHelp: "the fields of the MCP tool import_tenant_data's result",
  async run({ app, flags, print, signal, cancelling }) {
    // Ctrl-C or SIGTERM while the file is read cancels before anything is stored.
    cancelling?.('nothing is stored');
    const file = need(flags, 'file', 'the CSV file to import');
    const tenant = need(flags, 'tenant', 'the id to keep the data under, e.g. my-shop');
    const res = await app().importTenantDataCancellable(
      {
        tenant,
        csv: readInputFile(file, 'import a shorter period or aggregate daily rows to weekly'),
        fileName: path.basename(file),
        replace: Boolean(flags.replace),
        acceptChanges: Boolean(flags['accept-changes']),
        holidaySeason: Boolean(flags['holiday-season']),
        roles: {
          target: flags.target as string | undefined,
          dateColumn: flags.date as string | undefined,
          spendColumns: list(flags.spend),
          weatherColumns: list(flags.weather),
          controlColumns: list(flags.controls),
          ignoreColumns: list(flags.ignore),
        },
      },
      signal,
    );
    print(res, () =>
      [
        `imported ${res.tenant}${res.replaced ? ' (replaced)' : ''}: ${res.rows} ${res.frequency} rows ${res.start}..${res.end}`,
        `channels (by spend, largest first) ${res.channels.join(', ')}; weather ${res.weather.join(', ') || '-'}; ` +
          `controls ${res.controls.join(', ') || '-'}; target ${res.target}`,
        ...(res.weather_read_as.length > 0
          ? [`weather read as: ${res.weather_read_as.join('; ')}`]
          : []),
        ...(res.changes ? [`changes: ${res.changes.summary}`] : []),
        ...res.warnings.map((w) => `warning: ${w}`),
        // Too short for any protocol: training refuses it, so the next step is a longer file.
        ...(res.rows_needed_to_train === null
          ? [
              `next: wv-mmm train --tenant ${res.tenant} --phase 3 (explain and plan fit phase 3's model; for gates, wv-mmm run-phase --phase 0, 1, 2 and 3 --tenants ${res.tenant} in turn: each phase is judged against the one before on the same data)`,
            ]
          : [
              `warning: too short to train: ${res.rows} ${res.frequency} rows, and every phase needs at least ${res.rows_needed_to_train}; wv-mmm train and run-phase refuse this tenant`,
              `next: import a longer history (at least ${res.rows_needed_to_train} ${res.frequency} rows): wv-mmm import --tenant ${res.tenant} --file F --replace`,
            ]),
      ].join('\n'),
    );
  },
};
