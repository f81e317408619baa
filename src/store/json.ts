/**
 * JSON for stored values that round-trips what plain JSON loses: NaN and ±Infinity (JSON writes
 * them as null) and Float64Array (JSON writes it as an object with string keys). Each is encoded
 * as a one-key tagged object; everything else is plain JSON, so the text stays readable.
 */

const NUM_TAG = '$num';
const F64_TAG = '$f64';

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return { [NUM_TAG]: String(value) };
  if (value instanceof Float64Array) return { [F64_TAG]: Array.from(value) };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const v = (value as Record<string, unknown>)[keys[0]];
      if (keys[0] === NUM_TAG && typeof v === 'string') return Number(v);
      if (keys[0] === F64_TAG && Array.isArray(v)) return Float64Array.from(v as number[]);
    }
  }
  return value;
}

/** Serialize for a JSON column. Throws on values JSON cannot hold (bigint, cycles). */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, replacer);
}

export function decodeJson<T = unknown>(text: string): T {
  return JSON.parse(text, reviver) as T;
}

/** Nullable column helpers. */
export function encodeNullable(value: unknown): string | null {
  return value === null || value === undefined ? null : encodeJson(value);
}

export function decodeNullable<T = unknown>(text: string | null): T | null {
  return text === null ? null : decodeJson<T>(text);
}
