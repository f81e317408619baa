/**
 * A channel named as the tenant's data names it, where the name given matches one of its channels
 * ignoring case (the import refuses two channels that differ in case only, so such a match is
 * unique): "tv" for the channel "TV". A name matching none, or more than one, is returned as given
 * (the caller refuses it, listing the channels). Plan bounds and lift tests both read names so.
 */
export function canonicalChannel(name: string, channels: readonly string[]): string {
  if (typeof name !== 'string' || channels.includes(name)) return name;
  const same = channels.filter((c) => c.toLowerCase() === name.toLowerCase());
  return same.length === 1 ? same[0] : name;
}
