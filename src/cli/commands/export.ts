import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeDirs } from '../../app/index.js';
import { need } from '../args.js';
import type { Command } from '../command.js';

export const exportCommand: Command = {
  name: 'export',
  section: 'Data',
  summary: 'write tenants as canonical CSV files (and ground truth JSON for synthetic ones)',
  usage: '(--tenant ID | --all) --out DIR [--truth] [--json]',
  details:
    'Writes DIR/<tenant>.csv (and DIR/<tenant>.truth.json with --truth). With --json it prints\n' +
    '{"written": N, "dir": DIR, "files": [...]} instead of a sentence.',
  options: {
    tenant: { type: 'string', value: 'ID', help: 'the tenant to export' },
    all: { type: 'boolean', help: 'every tenant `wv-mmm tenants` lists' },
    out: { type: 'string', value: 'DIR', help: 'the directory to write into (created if needed)' },
    truth: { type: 'boolean', help: 'also write the ground truth of synthetic tenants' },
  },
  json: true,
  async run({ app, flags, print }) {
    const out = need(flags, 'out', 'the directory to write CSVs into');
    const ids = flags.all
      ? app()
          .listTenants()
          .map((t) => t.tenant)
      : [need(flags, 'tenant', 'a tenant id, or --all')];
    makeDirs(out);
    const files: string[] = [];
    for (const id of ids) {
      const { csv, truth } = app().exportTenant(id, { truth: Boolean(flags.truth) });
      files.push(path.join(out, `${id}.csv`));
      writeFileSync(files.at(-1)!, csv);
      if (truth !== null) {
        files.push(path.join(out, `${id}.truth.json`));
        writeFileSync(files.at(-1)!, truth);
      }
    }
    print(
      { written: ids.length, dir: out, files },
      () => `wrote ${ids.length} tenant(s) to ${out}`,
    );
  },
};
