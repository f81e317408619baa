/**
 * The JSON form of a final model (final.ts): what the store keeps beside a run so that explain
 * can reuse the fitted model; structural checks on the way back in.
 */
import type { RidgeModel } from '../core/ridge.js';
import type { Frequency } from '../core/types.js';
import {
  chosenFromJSON,
  chosenToJSON,
  ridgeToJSON,
  type ChosenModelJSON,
  type RidgeModelJSON,
} from './choose-json.js';
import type { ChosenModel } from './choose.js';
import type { FinalModel } from './final.js';
import { checkChannelParams } from './media.js';
import { parsePhase, type ChannelParams, type ModelKind, type PhaseId } from './types.js';

/** Plain-data form of a FinalModel (JSON.stringify-safe). */
export interface FinalModelJSON {
  format: 'weathervane-final';
  version: 1;
  tenant: string;
  phase: PhaseId;
  rows: number;
  frequency: Frequency;
  channels: string[];
  weather: string[];
  controls: string[];
  calendar: boolean;
  featureNames: string[];
  channelParams: Record<string, ChannelParams> | null;
  kind: ModelKind;
  alpha: number | null;
  reason: string;
  /** Phases 0-1 only (phases 2-3 keep their Ridge inside `chosen`). */
  ridge: RidgeModelJSON | null;
  chosen: ChosenModelJSON | null;
  /** Phase 3 fitted by the pooled search: its searches' parameters (FinalModel.searchRuns). */
  searchRuns?: Record<string, ChannelParams>[];
  /** Phase 3: channels whose contribution is held at 0 (FinalModel.heldAtZero); absent when none. */
  heldAtZero?: string[];
  /**
   * 'peaked' when a channel has a lag: its lag is the peak of the delayed (peaked) adstock
   * (media.ts peakedOrGeometric). Models stored before the delay took that form have lags that
   * delayed a geometric adstock, and are refused (DELAY_FORM).
   */
  delayForm?: typeof DELAY_FORM;
  /** Weekly phases 0-2: each channel's spend scale (FinalModel.weeklyScales); absent otherwise. */
  weeklyScales?: number[];
  /** The trend's growth curve, a log rate a year (FinalModel.growth); absent for the straight trend. */
  growth?: number;
  /** 'profile': the curves are the profile least-squares fit (FinalModel.curveFit); absent otherwise. */
  curveFit?: 'profile';
}

/** The form a channel's lag has in models written now (FinalModelJSON.delayForm). */
export const DELAY_FORM = 'peaked';

function hasLag(params: Readonly<Record<string, ChannelParams>> | null | undefined): boolean {
  return Object.values(params ?? {}).some((p) => (p.lag ?? 0) > 0);
}

/** Plain-data copy for JSON.stringify (doubles round-trip exactly, so predictions are identical). */
export function finalToJSON(m: FinalModel): FinalModelJSON {
  return {
    format: 'weathervane-final',
    version: 1,
    tenant: m.tenant,
    phase: m.phase,
    rows: m.rows,
    frequency: m.frequency,
    channels: [...m.channels],
    weather: [...m.weather],
    controls: [...m.controls],
    calendar: m.calendar,
    featureNames: [...m.featureNames],
    channelParams: m.channelParams
      ? Object.fromEntries(Object.entries(m.channelParams).map(([c, p]) => [c, { ...p }]))
      : null,
    kind: m.kind,
    alpha: m.alpha,
    reason: m.reason,
    ridge: m.chosen ? null : ridgeToJSON(m.ridge),
    chosen: m.chosen ? chosenToJSON(m.chosen) : null,
    ...(m.searchRuns ? { searchRuns: m.searchRuns.map(copyParams) } : {}),
    ...(m.heldAtZero && m.heldAtZero.length > 0 ? { heldAtZero: [...m.heldAtZero] } : {}),
    ...(hasLag(m.channelParams) || (m.searchRuns ?? []).some(hasLag)
      ? { delayForm: DELAY_FORM }
      : {}),
    ...(m.weeklyScales ? { weeklyScales: [...m.weeklyScales] } : {}),
    ...(m.growth !== undefined ? { growth: m.growth } : {}),
    ...(m.curveFit ? { curveFit: m.curveFit } : {}),
  };
}

function copyParams(params: Record<string, ChannelParams>): Record<string, ChannelParams> {
  return Object.fromEntries(Object.entries(params).map(([c, p]) => [c, { ...p }]));
}

function fail(what: string): never {
  throw new Error(`final model JSON: ${what}`);
}

function stringArray(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
    fail(`${what} must be an array of strings`);
  return [...(v as string[])];
}

function ridgeFromJSON(r: RidgeModelJSON): RidgeModel {
  // Reuse chosenFromJSON's checks by wrapping the Ridge as a Ridge-only chosen model.
  return chosenFromJSON({
    format: 'weathervane-chosen',
    version: 1,
    kind: 'ridge',
    ridge: r,
    gbm: null,
    ridgeWeight: 1,
    alpha: r.alpha,
    gbmTrees: null,
    reason: '',
    innerR2: { ridge: 0, gbm: null, blend: null },
  }).ridge;
}

/** FinalModel from finalToJSON output (object or JSON text), with structural checks. */
export function finalFromJSON(input: FinalModelJSON | string): FinalModel {
  const json = (typeof input === 'string' ? JSON.parse(input) : input) as FinalModelJSON;
  if (
    json === null ||
    typeof json !== 'object' ||
    json.format !== 'weathervane-final' ||
    json.version !== 1
  ) {
    fail('expected format "weathervane-final" version 1');
  }
  parsePhase(json.phase);
  if (!(Number.isInteger(json.rows) && json.rows >= 1))
    fail(`rows must be an integer >= 1 (got ${json.rows})`);
  if (json.frequency !== 'daily' && json.frequency !== 'weekly')
    fail('frequency must be daily or weekly');
  const channels = stringArray(json.channels, 'channels');
  const paramsOf = (v: unknown, what: string): Record<string, ChannelParams> => {
    if (!v || typeof v !== 'object') fail(`${what} must be an object`);
    const out: Record<string, ChannelParams> = {};
    for (const c of channels) {
      const p = (v as Record<string, ChannelParams | undefined>)[c];
      if (!p) fail(`${what} has no entry for ${c}`);
      const copy: ChannelParams = { decay: p.decay, k_mult: p.k_mult, k: p.k, s: p.s };
      // Absent when 0 (geometric carry-over), as the search and the all-rows model write it.
      if (p.lag !== undefined) copy.lag = p.lag;
      checkChannelParams(c, copy);
      out[c] = copy;
    }
    return out;
  };
  let channelParams: Record<string, ChannelParams> | null = null;
  let searchRuns: Record<string, ChannelParams>[] | undefined;
  if (json.phase === 3) {
    if (!json.channelParams || typeof json.channelParams !== 'object')
      fail('phase 3 needs channelParams');
    channelParams = paramsOf(json.channelParams, 'channelParams');
    if (json.searchRuns !== undefined) {
      if (!Array.isArray(json.searchRuns)) fail('searchRuns must be an array');
      searchRuns = json.searchRuns.map((r, i) => paramsOf(r, `searchRuns[${i}]`));
    }
  }
  if ((hasLag(channelParams) || (searchRuns ?? []).some(hasLag)) && json.delayForm !== DELAY_FORM) {
    fail(
      'its delays are of the earlier form (a lag before a geometric adstock), which this version ' +
        'no longer computes: train phase 3 again',
    );
  }
  let ridge: RidgeModel;
  let chosen: ChosenModel | null = null;
  if (json.phase >= 2) {
    if (!json.chosen) fail(`phase ${json.phase} needs a chosen model`);
    chosen = chosenFromJSON(json.chosen);
    ridge = chosen.ridge;
  } else {
    if (!json.ridge) fail(`phase ${json.phase} needs a ridge model`);
    ridge = ridgeFromJSON(json.ridge);
  }
  const featureNames = stringArray(json.featureNames, 'featureNames');
  if (featureNames.length !== ridge.coef.length) {
    fail(`${featureNames.length} feature names for ${ridge.coef.length} coefficients`);
  }
  if (json.kind !== 'ridge' && json.kind !== 'gbm' && json.kind !== 'blend')
    fail('kind must be ridge, gbm or blend');
  if (typeof json.calendar !== 'boolean') fail('calendar must be a boolean');
  let heldAtZero: string[] | undefined;
  if (json.heldAtZero !== undefined) {
    heldAtZero = stringArray(json.heldAtZero, 'heldAtZero');
    const unknown = heldAtZero.filter((c) => !channels.includes(c));
    if (unknown.length > 0) fail(`heldAtZero names unknown channels: ${unknown.join(', ')}`);
  }
  let weeklyScales: number[] | undefined;
  if (json.weeklyScales !== undefined) {
    const v: unknown = json.weeklyScales;
    if (
      !Array.isArray(v) ||
      v.length !== channels.length ||
      !v.every((x) => typeof x === 'number' && Number.isFinite(x) && x > 0)
    )
      fail(`weeklyScales must be ${channels.length} positive numbers, one per channel`);
    weeklyScales = [...(v as number[])];
  }
  if (
    json.growth !== undefined &&
    !(typeof json.growth === 'number' && Number.isFinite(json.growth) && json.growth !== 0)
  )
    fail('growth must be a finite non-zero number (a log growth rate a year)');
  if (json.curveFit !== undefined && !(json.curveFit === 'profile' && json.phase === 3))
    fail("curveFit must be 'profile', on a phase-3 model");
  return {
    tenant: String(json.tenant),
    phase: json.phase,
    rows: json.rows,
    frequency: json.frequency,
    channels,
    weather: stringArray(json.weather, 'weather'),
    controls: stringArray(json.controls, 'controls'),
    calendar: json.calendar,
    featureNames,
    channelParams,
    kind: json.kind,
    alpha: json.alpha === null ? null : Number(json.alpha),
    reason: String(json.reason),
    ridge,
    chosen,
    ...(searchRuns ? { searchRuns } : {}),
    ...(heldAtZero && heldAtZero.length > 0 ? { heldAtZero } : {}),
    ...(weeklyScales ? { weeklyScales } : {}),
    ...(json.growth !== undefined ? { growth: json.growth } : {}),
    ...(json.curveFit !== undefined ? { curveFit: json.curveFit } : {}),
  };
}
