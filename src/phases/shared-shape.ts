/** Whether a phase-3 model's channels share one media shape (explain's note, the report's carry-over chart). */
import type { ChannelParams } from './types.js';

/**
 * True when two or more channels have one and the same carry-over and saturation shape (decay,
 * k multiple, Hill shape, delay): the weekly all-rows model's shared search
 * (final.ts allRowsSharedMedia). Explain says so and the report draws one shape.
 */
export function sharedMediaShape(
  params: Readonly<
    Record<string, Pick<ChannelParams, 'decay' | 'k_mult' | 's' | 'lag'> | null>
  > | null,
): boolean {
  const ps = Object.values(params ?? {}).filter((p) => p !== null);
  if (ps.length < 2) return false;
  const [a] = ps;
  return ps.every(
    (p) =>
      p.decay === a.decay && p.k_mult === a.k_mult && p.s === a.s && (p.lag ?? 0) === (a.lag ?? 0),
  );
}
