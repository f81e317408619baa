/** Daily weather of one location: seasonal normals plus AR(1) anomalies, Markov-chain wet days, gamma amounts. */

import type { SeededRandom } from '../random.js';
import type { DailyCalendar } from './calendar.js';
import { yearPhase } from './calendar.js';
import type { CityClimate } from './catalog.js';

export interface DailyWeather {
  temperature: Float64Array;
  precipitation: Float64Array;
  humidity: Float64Array;
  wind: Float64Array;
}

/** Day of year of the warmest normal (late July in the northern hemisphere). */
const WARMEST_DAY = 201;
/** Lag-1 autocorrelation of daily temperature anomalies. */
const TEMP_AR = 0.7;
/** Persistence of the wet/dry Markov chain: P(wet | wet) = f + rho (1 - f), P(wet | dry) = f (1 - rho). */
const WET_PERSISTENCE = 0.45;
/** Gamma shape of wet-day amounts (< 1: many drizzles, a few downpours). */
const RAIN_SHAPE = 0.75;
const HUMIDITY_AR = 0.5;

/** Annual mean temperature, deg C: 39 - 0.7 |latitude| + city offset (a linear fit to US normals). */
export function annualMeanTemp(cl: CityClimate): number {
  return 39 - 0.7 * Math.abs(cl.latitude) + cl.tempOffset;
}

/** Half the Jan-Jul spread of normals, deg C: (0.45 |latitude| - 4) x continentality, at least 2. */
export function seasonalTempAmplitude(cl: CityClimate): number {
  return Math.max(2, (0.45 * Math.abs(cl.latitude) - 4) * cl.continentality);
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/**
 * Weather of `cal.dates.length` days. Values are rounded to 0.1 (the precision the models see).
 * temperature = mean + amp cos(2 pi (doy - 201)/365.25) + a_t - 1.2 wet_t,
 * a_t = 0.7 a_(t-1) + sd sqrt(1 - 0.7^2) e_t with sd = 1.5 + 0.15 amp;
 * wet_t Markov with seasonal wet fraction f(doy); amount ~ Gamma(0.75, mean/0.75);
 * humidity = base + 14 wet + 3 ln(1 + mm) - 0.6 a_t + AR(1) noise, soft-capped above 90, clamped 5..100;
 * wind ~ mean x Gamma(4)/4 >= 0.
 */
export function generateWeather(
  cl: CityClimate,
  cal: DailyCalendar,
  rng: SeededRandom,
): DailyWeather {
  const n = cal.dayOfYear.length;
  const temperature = new Float64Array(n);
  const precipitation = new Float64Array(n);
  const humidity = new Float64Array(n);
  const wind = new Float64Array(n);
  const mean = annualMeanTemp(cl);
  const amp = seasonalTempAmplitude(cl);
  const anomalySd = 1.5 + 0.15 * amp;
  const innov = anomalySd * Math.sqrt(1 - TEMP_AR * TEMP_AR);
  const humInnov = 6 * Math.sqrt(1 - HUMIDITY_AR * HUMIDITY_AR);
  const windBase = 9 + 0.15 * Math.abs(cl.latitude);
  let anomaly = rng.normal(0, anomalySd);
  let humNoise = rng.normal(0, 6);
  let wet = rng.next() < cl.wetFraction;
  for (let t = 0; t < n; t++) {
    const doy = cal.dayOfYear[t];
    if (t > 0) {
      anomaly = TEMP_AR * anomaly + innov * rng.normal();
      humNoise = HUMIDITY_AR * humNoise + humInnov * rng.normal();
    }
    const f = Math.min(
      0.9,
      Math.max(
        0.01,
        cl.wetFraction * (1 + cl.wetSeasonAmp * Math.cos(yearPhase(doy, cl.wetPeakDay))),
      ),
    );
    const pWet = wet ? f + WET_PERSISTENCE * (1 - f) : f * (1 - WET_PERSISTENCE);
    wet = rng.next() < pWet;
    const mm = wet
      ? Math.min(150, Math.max(0.1, (rng.gamma(RAIN_SHAPE) * cl.wetDayMm) / RAIN_SHAPE))
      : 0;
    const p = round1(mm);
    const temp = mean + amp * Math.cos(yearPhase(doy, WARMEST_DAY)) + anomaly - (wet ? 1.2 : 0);
    const hum = cl.humidityBase + (p > 0 ? 14 : 0) + 3 * Math.log1p(p) - 0.6 * anomaly + humNoise;
    // Windier in winter and on wet days; gamma(4) keeps it positive and right-skewed.
    const windMean = windBase * (1 + 0.15 * Math.cos(yearPhase(doy, 15))) + (p > 0 ? 3 : 0);
    temperature[t] = round1(temp);
    precipitation[t] = p;
    // Daily-mean humidity approaches 100 % only slowly: soft cap above 90, then the hard clamp 5..100.
    const soft = hum > 90 ? 90 + 10 * Math.tanh((hum - 90) / 10) : hum;
    humidity[t] = round1(Math.min(100, Math.max(5, soft)));
    wind[t] = round1((rng.gamma(4) * windMean) / 4);
  }
  return { temperature, precipitation, humidity, wind };
}
