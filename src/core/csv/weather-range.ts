/**
 * What a weather column of a recognised kind can hold (weather-names.ts physicalRange): a value
 * outside it is a unit or naming mistake (°F under a °C name, a sign error), refused in the data
 * CSV as in a forecast, with the same words.
 */
import { physicalRange, weatherKindOf } from '../weather-names.js';
import { quoteValue } from './errors.js';

/** Unit conversions the refusals quote. */
export const CONVERSIONS: Record<string, string> = {
  'degF>degC': '°C = (°F - 32) / 1.8',
  'degC>degF': '°F = °C x 1.8 + 32',
  'in>mm': 'mm = inches x 25.4',
  'mm>in': 'inches = mm / 25.4',
  'mph>kph': 'km/h = mph x 1.609',
  'kph>mph': 'mph = km/h / 1.609',
  'mps>kph': 'km/h = m/s x 3.6',
  'kph>mps': 'm/s = km/h / 3.6',
};

/**
 * Why `x` (written `text`) cannot be a value of weather column `name`, or null when it can (or
 * the column's kind is not recognised). `fahrenheitAdvice` is what a °C value above the range is
 * told to do (convert, or also rename where the data's column may take a °F name).
 */
export function weatherRangeProblem(
  name: string,
  x: number,
  text: string,
  fahrenheitAdvice: string,
): string | null {
  const info = weatherKindOf(name);
  if (info === null) return null;
  const [lo, hi] = physicalRange(info);
  if (x >= lo && x <= hi) return null;
  const celsius = info.kind === 'temperature' && info.unit === 'degC' && x > hi;
  return (
    (hi === Infinity
      ? `${quoteValue(text)} is below 0; ${name} cannot be negative`
      : `${quoteValue(text)} is outside what ${name} can be (${lo} to ${hi})`) +
    (celsius ? `; it looks like Fahrenheit: ${fahrenheitAdvice}` : '')
  );
}
