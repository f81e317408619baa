/** The general help and each command's help, built from the command registry. */
import { optionsOf } from './args.js';
import type { Command } from './command.js';
import { COMMANDS } from './commands/index.js';

export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  const lines = [
    'wv-mmm — weather-aware marketing-mix modeling',
    '',
    'Usage: wv-mmm <command> [options]',
  ];
  for (const section of ['Data', 'Modeling', 'Other'] as const) {
    lines.push('', section);
    for (const c of COMMANDS.filter((x) => x.section === section)) {
      lines.push(`  ${c.name.padEnd(width)}${c.summary}`);
    }
  }
  lines.push(
    '',
    "`wv-mmm <command> --help` shows a command's options. Commands that print data take --json.",
    '`wv-mmm --version` prints the version. Your own data: docs/own-data.md.',
    'Exit codes: 0 done, 2 bad arguments or input (the message says what to do), 1 unexpected',
    'failure, 130 cancelled with Ctrl-C, 143 cancelled by SIGTERM, 141 cancelled because the',
    'output was closed while still working (a reader such as head stopped reading; seen at the',
    'next write: demo writes each phase as it ends, other commands when their work is done).',
    'State lives in $WV_MMM_STATE_DIR (default: <package>/state); WV_MMM_LOG_LEVEL=info shows the',
    'run log on stderr (default: warnings and errors only).',
  );
  return lines.join('\n');
}

export function commandHelp(c: Command): string {
  const options = optionsOf(c);
  const left = Object.entries(options).map(
    ([name, o]) =>
      `--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}${o.short ? `, -${o.short}` : ''}`,
  );
  const width = Math.max(...left.map((l) => l.length)) + 2;
  return [
    `wv-mmm ${c.name} — ${c.summary}`,
    '',
    `Usage: wv-mmm ${c.name}${c.usage ? ` ${c.usage}` : ''}`,
    ...(c.details ? ['', c.details] : []),
    '',
    'Options',
    ...Object.values(options).map((o, i) => `  ${left[i].padEnd(width)}${o.help}`),
  ].join('\n');
}
