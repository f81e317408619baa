/** Shared helpers of the planner tests (tests/plan-*.test.ts). */
import { hill } from '../src/core/transforms.js';
import type { RevenueModel } from '../src/plan/index.js';

/**
 * A plan model whose channel `c` earns `by` less per Hill unit of its adstock (the media
 * parameters of `media`) in the rows before `end` (every row when undefined): still a baseline
 * plus one adstock/Hill response per channel. `fields` gives everything but predict (a model
 * without predictAfter, so that the planner calls this predict).
 */
export function loweredGain(
  fields: RevenueModel,
  base: RevenueModel,
  media: RevenueModel,
  c: number,
  by: number,
  end?: number,
): RevenueModel {
  return {
    ...fields,
    predict: (s) => {
      const p = base.predict(s);
      const m = media.media[c];
      const stop = end ?? p.length;
      let a = 0;
      for (let t = 0; t < p.length; t++) {
        a = s.spend[c][t] + m.decay * a;
        if (t < stop) p[t] -= by * hill(a, m.k, m.s);
      }
      return p;
    },
    describe: { kind: 'test' },
  };
}
