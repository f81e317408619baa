/** One set of limits: the app's checks and the MCP schemas read APP_LIMITS and say the same. */
import { describe, expect, it } from 'vitest';
import { ALPHA_RANGE, APP_LIMITS, normalizeConfig } from '../src/app/index.js';
import { foldsInput } from '../src/mcp/schemas.js';
import { alphasInput } from '../src/mcp/tools/train-tenant.js';

const schemaMessage = (r: { success: boolean; error?: { issues: { message: string }[] } }) =>
  r.error?.issues[0]?.message;

describe('limits shared by the app and the MCP schemas', () => {
  it('alphas: the same range and words in both', () => {
    expect(ALPHA_RANGE).toBe('1e-6 to 1e6');
    for (const bad of [1e7, 1e-7, 0]) {
      expect(schemaMessage(alphasInput.safeParse([bad]))).toBe(
        `each alpha must be a number from ${ALPHA_RANGE}`,
      );
      expect(() => normalizeConfig({ alphas: [bad] })).toThrow(
        `each alpha must be a number from ${ALPHA_RANGE}`,
      );
    }
    expect(alphasInput.safeParse([1e6, 1e-6]).success).toBe(true);
    expect(normalizeConfig({ alphas: [1e6, 1e-6] }).alphas).toEqual([1e6, 1e-6]);
  });

  it('folds: both refuse the value just past the bound with the same range', () => {
    const over = APP_LIMITS.maxFolds + 1;
    expect(schemaMessage(foldsInput.safeParse(over))).toBe(
      `folds must be an integer from ${APP_LIMITS.minFolds} to ${APP_LIMITS.maxFolds}`,
    );
    expect(() => normalizeConfig({ folds: over })).toThrow(
      `folds must be an integer from ${APP_LIMITS.minFolds} to ${APP_LIMITS.maxFolds}`,
    );
    expect(foldsInput.safeParse(APP_LIMITS.maxFolds).success).toBe(true);
  });
});
