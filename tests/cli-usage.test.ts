/**
 * Each command's usage line (wv-mmm <command> --help, wv-mmm help) names every option it takes,
 * and its help says exactly what holds (--json beside the MCP tools, generate's seed, export's
 * round trip).
 */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/commands/index.js';
import { commandHelp } from '../src/cli/help.js';

const helpOf = (name: string): string => {
  const c = COMMANDS.find((x) => x.name === name);
  if (!c) throw new Error(`no command ${name}`);
  return commandHelp(c);
};
const optionLine = (name: string, option: string): string =>
  helpOf(name)
    .split('\n')
    .find((l) => l.trimStart().startsWith(`--${option}`)) ?? '';

describe('command usage lines', () => {
  it('name every option of the command (generate groups its shape options)', () => {
    for (const c of COMMANDS) {
      const grouped = c.usage.includes('[shape options]');
      const missing = Object.keys(c.options ?? {}).filter(
        (o) => !c.usage.includes(`--${o}`) && !(grouped && c.name === 'generate'),
      );
      expect(missing, `${c.name}: ${c.usage}`).toEqual([]);
    }
  });
});

describe('what the help promises', () => {
  it('--json names the MCP tool whose fields it prints, and says where the shape differs', () => {
    // Session 50: every --json said "the same fields as the MCP tool results", while run-phase,
    // tenants and runs print other shapes than run_phase, list_tenants and list_runs.
    const same: [string, string][] = [
      ['train', 'train_tenant'],
      ['explain', 'explain_tenant'],
      ['plan', 'plan_budget'],
      ['import', 'import_tenant_data'],
      ['gates', 'check_gates'],
      ['compare', 'compare_phases'],
    ];
    for (const [cmd, tool] of same)
      expect(optionLine(cmd, 'json'), cmd).toContain(`the fields of the MCP tool ${tool}'s result`);
    expect(optionLine('run-phase', 'json')).toMatch(
      /run_phase gives the same figures in another shape/,
    );
    expect(optionLine('runs', 'json')).toMatch(/list_runs gives the same runs in a shorter view/);
    expect(optionLine('tenants', 'json')).toMatch(
      /bare array of every tenant .*list_tenants pages them: \{tenants, total, offset, next_offset\}/,
    );
    for (const c of COMMANDS.filter((x) => x.json))
      expect(commandHelp(c), c.name).not.toMatch(/same fields as the MCP tool results/);
  });

  it("plan's bounds show the per-week form beside the per-day one", () => {
    // The help showed google=:3000/day only, which weekly data refuses.
    expect(optionLine('plan', 'bounds')).toContain('channel=min:max[/week] on weekly');
    expect(helpOf('plan').replace(/\s+/g, ' ')).toContain(
      'on weekly data google=:20000/week, every week',
    );
  });

  it("plan's horizon options name their limits", () => {
    expect(optionLine('plan', 'weeks')).toContain('at most 53: a 53-week retail year');
    expect(optionLine('plan', 'days')).toContain('at most 371');
  });

  it("generate's seed says the prefix and the shape options are part of it", () => {
    // The tenant's seed comes from its id (<prefix>_s<seed>_<i>): another prefix, other data.
    // Other shape options (or --days) under the same id are other data too (probe s53).
    expect(optionLine('generate', 'seed')).toContain(
      'same seed, prefix and shape options or --days, same tenants',
    );
    const h = helpOf('generate').replace(/\s+/g, ' ');
    expect(h).toContain(
      'other options replace the data of those ids and delete the lift tests recorded on the old data',
    );
  });

  it('export says a built-in or generated tenant does not re-import to its figures, and why', () => {
    const h = helpOf('export').replace(/\s+/g, ' ');
    expect(h).toContain('does not give its figures again, by design');
    expect(h).toMatch(/largest spend first .* generator's order/);
    expect(h).toContain('meta 3.49 -> 3.86, google 3.43 -> 2.96');
  });
});
