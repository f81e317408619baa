/** Each command's usage line (wv-mmm <command> --help, wv-mmm help) names every option it takes. */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/commands/index.js';

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
