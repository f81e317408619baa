/**
 * An amount flag copied from a spreadsheet ($, thousands separators, a k/M suffix) is refused
 * with what to type instead (probe s71: "--budget must be a number (got $2,000,000)" alone).
 */
import { describe, expect, it } from 'vitest';
import { tempStateDir, wv } from './cli-helpers.js';

describe('wv-mmm plan --budget with a formatted amount', () => {
  it('says to drop the currency sign, the separators and the suffix; nothing stored', () => {
    const state = tempStateDir();
    try {
      for (const budget of ['$2,000,000', '2,000,000', '2M', '€ 150000']) {
        const out = wv(state.dir, ['plan', '--tenant', 'extreme_ski_gear', '--budget', budget]);
        expect(out.code, budget).toBe(2);
        expect(out.stderr).toContain(
          `--budget must be a number (got ${budget}): digits and one decimal point only, without a currency sign, thousands separators or a k/M suffix (for example --budget 2000000)`,
        );
      }
      // Not an amount at all: the plain message.
      const word = wv(state.dir, ['plan', '--tenant', 'extreme_ski_gear', '--budget', 'lots']);
      expect(word.code).toBe(2);
      expect(word.stderr).toContain('--budget must be a number (got lots)');
      expect(word.stderr).not.toContain('currency');
      const plans = wv(state.dir, ['plans', '--json']);
      expect(JSON.parse(plans.stdout).total).toBe(0);
    } finally {
      state.remove();
    }
  }, 60_000);
});
