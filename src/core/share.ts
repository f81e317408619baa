/**
 * A share (0-1) as a percentage for people: "35%", "99.5%". A share that is not all never reads
 * 100% and one that is not none never reads 0%: 199 of 200 passing tenants read "100%" before.
 * Where whole percent would round to 0 or 100 the share gets one decimal, and at one decimal it
 * is held at 0.1% / 99.9% (4,999 of 5,000 read 99.9%, 1 of 5,000 0.1%).
 */
export function shareText(x: number, digits = 0): string {
  if (!Number.isFinite(x)) return 'n/a';
  const p = 100 * x;
  const at = (d: number) => Number((Math.round(p * 10 ** d) / 10 ** d).toFixed(d));
  if (x <= 0 || x >= 1) return `${(x <= 0 ? 0 : 100).toFixed(digits)}%`;
  let d = digits;
  if (d === 0 && (at(0) <= 0 || at(0) >= 100)) d = 1;
  const step = 10 ** -d;
  const v = Math.min(100 - step, Math.max(step, at(d)));
  return `${v.toFixed(d)}%`;
}
