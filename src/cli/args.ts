/**
 * Argument parsing in the CLI's own words: node:util's tokenizer, then our checks, so an unknown
 * flag, a flag without its value or a stray word gets a message that names the command, the flag
 * and what the command takes (never Node's parser text).
 */
import { parseArgs } from 'node:util';
import { AppError } from '../app/index.js';
import type { Command, Flags, OptionSpec } from './command.js';

/** Options every command takes. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

/**
 * --json. Every command's JSON holds the figures the MCP tools give; whether it has the same
 * fields as an MCP tool's result differs by command, so each says it in its own help line
 * (Command.jsonHelp).
 */
export const JSON_OPTION: OptionSpec = {
  type: 'boolean',
  help: 'print the result as JSON instead of text',
};

export function optionsOf(command: Command): Record<string, OptionSpec> {
  const json: OptionSpec = command.jsonHelp
    ? { ...JSON_OPTION, help: `${JSON_OPTION.help}: ${command.jsonHelp}` }
    : JSON_OPTION;
  return {
    ...command.options,
    ...(command.json ? { json } : {}),
    ...COMMON_OPTIONS,
  };
}

export class UsageError extends AppError {
  constructor(message: string) {
    super(message, 'invalid_argument');
  }
}

/** Parses the words after the command name; throws a UsageError saying what was wrong. */
export function parseCommandArgs(
  command: Command,
  argv: string[],
): { flags: Flags; positionals: string[] } {
  const options = optionsOf(command);
  const where = command.name;
  const { tokens } = parseArgs({
    args: argv,
    strict: false,
    allowPositionals: true,
    tokens: true,
    options: Object.fromEntries(
      Object.entries(options).map(([k, o]) => [
        k,
        o.short ? { type: o.type, short: o.short } : { type: o.type },
      ]),
    ),
  });
  const flags: Flags = {};
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional') {
      positionals.push(t.value);
      continue;
    }
    const spec = options[t.name];
    if (spec === undefined) {
      const near = closest(t.name, Object.keys(options));
      throw new UsageError(
        `${where} has no option ${t.rawName}${near ? ` (did you mean --${near}?)` : ''}; ` +
          `its options are ${Object.keys(options)
            .map((k) => `--${k}`)
            .join(', ')}. See \`wv-mmm ${where} --help\`.`,
      );
    }
    if (spec.type === 'boolean') {
      if (t.value !== undefined) {
        throw new UsageError(`${where}: --${t.name} takes no value (got --${t.name}=${t.value})`);
      }
      flags[t.name] = true;
      continue;
    }
    if (t.value === undefined || (!t.inlineValue && t.value.startsWith('--'))) {
      throw new UsageError(
        `${where}: --${t.name} needs a value (--${t.name} ${spec.value ?? 'VALUE'})`,
      );
    }
    if (flags[t.name] !== undefined) {
      throw new UsageError(`${where}: --${t.name} is given twice; give it once`);
    }
    flags[t.name] = t.value;
  }
  const max = command.positionals?.max ?? 0;
  if (positionals.length > max && !flags.help) {
    const extra = positionals[max];
    throw new UsageError(
      max === 0
        ? `${where} takes no words after it, only options (got "${extra}"). See \`wv-mmm ${where} --help\`.`
        : `${where}: unexpected "${extra}"; usage: wv-mmm ${where} ${command.positionals?.usage}`,
    );
  }
  return { flags, positionals };
}

/** The name within edit distance 2 of `name`, if one is. */
export function closest(name: string, names: string[]): string | null {
  let best: string | null = null;
  let bestD = 3;
  for (const n of names) {
    const d = editDistance(name, n);
    if (d < bestD) {
      best = n;
      bestD = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

// ---- typed flag readers ------------------------------------------------------------------

export function need(flags: Flags, name: string, hint: string): string {
  const v = flags[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required: ${hint}`);
  return v;
}

export function int(flags: Flags, name: string, min: number, max: number): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got ${String(v)})`);
  }
  return n;
}

/** A comma-separated list flag (`--spend a,b`). */
export function list(v: string | boolean | undefined): string[] | undefined {
  if (typeof v !== 'string') return undefined;
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
