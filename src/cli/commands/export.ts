import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeDirs, writeErrorWords } from '../../app/index.js';
import { need, UsageError } from '../args.js';
import type { Command } from '../command.js';

export const exportCommand: Command = {
  name: 'export',
  section: 'Data',
  summary: 'write tenants as canonical CSV files (and ground truth JSON for synthetic ones)',
  usage: '(--tenant ID | --all) --out DIR [--truth] [--json]',
  details:
    'Writes DIR/<tenant>.csv (and DIR/<tenant>.truth.json with --truth). With --json it prints\n' +
    '{"written": N, "dir": DIR, "files": [...]} instead of a sentence.\n' +
    "Importing a built-in or generated tenant's file does not give its figures again, by design:\n" +
    'the file lists spend columns largest spend first (spend over the first 91 days or 26 weeks:\n' +
    "the order imports store), where built-in and generated tenants keep the generator's order,\n" +
    "which phase 3's search follows; and the import takes your data's protocol (folds trained on\n" +
    "a year or more: 4 on 3 daily years, against the built-ins' 5). E.g. extreme_ski_gear's\n" +
    'explain ROAS, meta 3.49 -> 3.86, google 3.43 -> 2.96.\n' +
    "An imported tenant's file imports back to the same data and figures.",
  options: {
    tenant: { type: 'string', value: 'ID', help: 'the tenant to export' },
    all: { type: 'boolean', help: 'every tenant `wv-mmm tenants` lists' },
    out: { type: 'string', value: 'DIR', help: 'the directory to write into (created if needed)' },
    truth: { type: 'boolean', help: 'also write the ground truth of synthetic tenants' },
  },
  json: true,
  jsonHelp: 'what it wrote (written, dir, files); no MCP tool',
  async run({ app, flags, print }) {
    const out = need(flags, 'out', 'the directory to write CSVs into');
    const ids = flags.all
      ? app()
          .listTenants()
          .map((t) => t.tenant)
      : [need(flags, 'tenant', 'a tenant id, or --all')];
    outDirectory(out);
    const files: string[] = [];
    for (const id of ids) {
      const { csv, truth } = app().exportTenant(id, { truth: Boolean(flags.truth) });
      files.push(path.join(out, `${id}.csv`));
      write(files.at(-1)!, csv);
      if (truth !== null) {
        files.push(path.join(out, `${id}.truth.json`));
        write(files.at(-1)!, truth);
      }
    }
    print(
      { written: ids.length, dir: out, files },
      () => `wrote ${ids.length} tenant(s) to ${out}`,
    );
  },
};

/**
 * Creates --out (and its parents) before any tenant is read. An existing file there, or a path
 * through one, was an "unexpected error" with a stack trace (ENOTDIR from mkdir).
 */
function outDirectory(out: string): void {
  let isFile = false;
  try {
    isFile = !statSync(out).isDirectory();
  } catch {
    // Missing: created below.
  }
  if (isFile) throw new UsageError(`--out ${out} is a file; give a directory (created if needed)`);
  try {
    makeDirs(out);
  } catch (e) {
    throw new UsageError(
      `cannot create --out ${out}: ${writeErrorWords(e)}; give a directory that can be created or written`,
    );
  }
}

function write(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new UsageError(
      `cannot write ${file}: ${writeErrorWords(e)}; give --out a directory that can be written`,
    );
  }
}
