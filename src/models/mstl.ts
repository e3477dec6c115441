import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AutoETS, initSync as initEtsWasm } from '@bsull/augurs/ets';
import { MSTL, initSync as initMstlWasm } from '@bsull/augurs/mstl';
import { UserError } from '../errors.js';
import type { Series } from '../types.js';
import { DAY_MS, formatDuration, WEEK_MS } from '../util/duration.js';
import { autoEts, etsForecast, type EtsModel } from './ets.js';
import { mstl } from './stl.js';
import {
  fitStatistics,
  type FittedModel,
  type Forecaster,
  type ModelContext,
  type SavedState,
} from './types.js';

/*
 * MSTL (Bandara, Hyndman & Bergmeir 2021): STL peels off one seasonal component per period, a
 * non-seasonal ETS forecasts what is left, and the seasonal components repeat their last cycle.
 * The model works on step indices, not clock time, so `zone` only travels with the saved state.
 *
 * Two paths. The fast one (stl.ts, ets.ts) is TypeScript: augurs' STL and MSTL settings, and
 * the additive-error ETS models (ANN, AAN, AAdN) with the initial state solved exactly, chosen
 * by AICc; it is about ten times faster than augurs' WASM MSTL, whose AutoETS search is most of
 * its cost, and forecasts within a hundredth of a percent of it on realistic series. The general
 * one is Grafana's augurs (WASM): it takes over when the fast path gives no finite model, and it
 * gives `mstlInterval` its band.
 *
 * Because ETS is a state-space model, the forecast depends on the most recent values. `predict`
 * therefore fits the model to the history it is given, with the periods chosen at fit time; the
 * fit made last is kept, so predicting from the history that was just fitted (what the pipeline
 * and the backtest do) costs no second fit.
 */

interface MstlState extends SavedState {
  model: 'mstl';
  /** Seasonal periods in steps, as chosen at fit time (a shorter history may use fewer). */
  periods: number[];
}

type AugursModel = MSTL | AutoETS;

let mstlReady = false;
let etsReady = false;

/** Instantiates an augurs sub-module's WASM from the bytes next to its JS (no fetch, no await). */
function loadWasm(name: 'mstl' | 'ets', init: (input: { module: Uint8Array }) => unknown): void {
  const entry = createRequire(import.meta.url).resolve(`@bsull/augurs/${name}`);
  init({ module: readFileSync(join(dirname(entry), `${name}_bg.wasm`)) });
}

function newMstl(periods: number[]): MSTL {
  if (!mstlReady) {
    loadWasm('mstl', initMstlWasm);
    mstlReady = true;
  }
  return MSTL.ets(periods);
}

function newEts(): AutoETS {
  if (!etsReady) {
    loadWasm('ets', initEtsWasm);
    etsReady = true;
  }
  return new AutoETS(1, 'ZZN');
}

/** augurs throws plain strings from MSTL and `Error`s from ETS; make both `Error`s. */
function augursError(what: string, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`augurs ${what} failed: ${reason}`);
}

/**
 * Daily and weekly periods in steps, each only when the history holds two whole periods of it
 * (STL's minimum) and when it is at least 2 steps long.
 */
export function mstlPeriods(stepMs: number, steps: number): number[] {
  const periods: number[] = [];
  for (const span of [DAY_MS, WEEK_MS]) {
    const period = Math.round(span / stepMs);
    if (period >= 2 && steps >= 2 * period && !periods.includes(period)) periods.push(period);
  }
  return periods;
}

/**
 * The observed stretch of `values` without gaps: leading and trailing missing (non-finite)
 * values dropped, interior ones linearly interpolated. `trailing` counts the steps dropped at
 * the end, which a forecast must step over to line up with the end of the history.
 */
export function gapFree(values: Float64Array): {
  values: Float64Array;
  first: number;
  trailing: number;
} {
  let first = 0;
  while (first < values.length && !Number.isFinite(values[first])) first++;
  let last = values.length - 1;
  while (last >= first && !Number.isFinite(values[last])) last--;
  const out = values.slice(first, last + 1);
  let previous = 0;
  for (let i = 1; i < out.length; i++) {
    if (!Number.isFinite(out[i])) continue;
    const gap = i - previous;
    for (let k = 1; k < gap; k++)
      out[previous + k] = out[previous] + ((out[i] - out[previous]) * k) / gap;
    previous = i;
  }
  return { values: out, first, trailing: values.length - 1 - last };
}

/** A model fitted to one history: its forecast and its in-sample fit. */
interface SeriesFit {
  readonly method: string;
  forecast(
    horizon: number,
    level?: number,
  ): { point: Float64Array; lower?: Float64Array; upper?: Float64Array };
  /** In-sample one-step fit on the positions of `values` (NaN without a model). */
  inSample(values: Float64Array): { mse: number; r2: number };
  free(): void;
}

/** An augurs model fitted to one history, or the last-value fallback when none could be. */
class AugursFit implements SeriesFit {
  constructor(
    readonly method: string,
    readonly model: AugursModel | undefined,
    readonly trailing: number,
    readonly lastValue: number,
  ) {}

  /** `horizon` steps after the end of the history (stepping over trailing missing values). */
  forecast(
    horizon: number,
    level?: number,
  ): { point: Float64Array; lower?: Float64Array; upper?: Float64Array } {
    const steps = horizon + this.trailing;
    if (!this.model) return { point: new Float64Array(horizon).fill(this.lastValue) };
    let result;
    try {
      result = this.model.predict(steps, level);
    } catch (error) {
      throw augursError('forecast', error);
    }
    const cut = (xs: number[]) => Float64Array.from(xs.slice(this.trailing));
    return {
      point: cut(result.point),
      lower: result.intervals && cut(result.intervals.lower),
      upper: result.intervals && cut(result.intervals.upper),
    };
  }

  inSample(values: Float64Array): { mse: number; r2: number } {
    if (!(this.model instanceof MSTL)) return { mse: NaN, r2: NaN };
    let point: number[];
    try {
      point = this.model.predictInSample().point;
    } catch {
      return { mse: NaN, r2: NaN };
    }
    return statistics(values, this.trailing, point);
  }

  free(): void {
    this.model?.free();
  }
}

/** `fitted` (the gap-free stretch) placed on the positions of `values`, scored against them. */
function statistics(values: Float64Array, trailing: number, point: ArrayLike<number>) {
  const first = values.length - trailing - point.length;
  const fitted = new Float64Array(values.length).fill(NaN);
  for (let i = 0; i < point.length; i++) fitted[first + i] = point[i];
  const actual = values.map((v, i) => (Number.isFinite(fitted[i]) ? v : NaN));
  return fitStatistics(actual, fitted);
}

/** The TypeScript fast path's fit: ETS on the deseasonalised series plus each last cycle. */
class FastFit implements SeriesFit {
  constructor(
    readonly method: string,
    private readonly ets: EtsModel,
    /** Each seasonal component over the gap-free stretch, with its period. */
    private readonly seasonals: { period: number; component: Float64Array }[],
    private readonly trailing: number,
  ) {}

  forecast(horizon: number): { point: Float64Array } {
    const steps = horizon + this.trailing;
    const point = etsForecast(this.ets, steps);
    for (const { period, component } of this.seasonals) {
      const lastCycle = component.length - period;
      for (let h = 0; h < steps; h++) point[h] += component[lastCycle + (h % period)];
    }
    return { point: point.slice(this.trailing) };
  }

  inSample(values: Float64Array): { mse: number; r2: number } {
    const fitted = this.ets.fitted.slice();
    for (const { component } of this.seasonals) {
      for (let i = 0; i < fitted.length; i++) fitted[i] += component[i];
    }
    return statistics(values, this.trailing, fitted);
  }

  free(): void {}
}

/**
 * The fast path where it applies: MSTL with those of `periods` that the history supports, ETS
 * alone below that, the last value with too few values for ETS. augurs (the general path) when
 * the fast ETS finds no finite model.
 */
function fitSeries(values: Float64Array, periods: readonly number[]): SeriesFit {
  const clean = gapFree(values);
  const n = clean.values.length;
  const usable = periods.filter((p) => p >= 2 && n >= 2 * p);
  if (usable.length > 0) {
    const { periods: kept, seasonals, deseasonalised } = mstl(clean.values, usable);
    const ets = autoEts(deseasonalised);
    if (!ets || !finiteModel(ets)) return fitAugurs(values, periods);
    const components = kept.map((period, i) => ({ period, component: seasonals[i] }));
    const method = `MSTL, periods [${kept.join(', ')}], ETS ${ets.kind} trend (TypeScript fast path)`;
    return new FastFit(method, ets, components, clean.trailing);
  }
  if (n > 6) {
    const ets = autoEts(clean.values);
    if (!ets || !finiteModel(ets)) return fitAugurs(values, periods);
    const method = `ETS ${ets.kind} alone (history shorter than two periods; TypeScript fast path)`;
    return new FastFit(method, ets, [], clean.trailing);
  }
  return fitAugurs(values, periods);
}

function finiteModel(ets: EtsModel): boolean {
  return Number.isFinite(ets.level) && Number.isFinite(ets.slope) && Number.isFinite(ets.aicc);
}

/** Fits MSTL with those of `periods` that the history supports; ETS or last value below that. */
function fitAugurs(values: Float64Array, periods: readonly number[]): AugursFit {
  const clean = gapFree(values);
  const n = clean.values.length;
  const usable = periods.filter((p) => p >= 2 && n >= 2 * p);
  const lastValue = n > 0 ? clean.values[n - 1] : NaN;
  if (usable.length > 0) {
    const model = newMstl(usable);
    try {
      model.fit(clean.values);
    } catch (error) {
      model.free();
      throw augursError(`MSTL fit (${n} steps, periods [${usable.join(', ')}])`, error);
    }
    return new AugursFit(
      `MSTL, periods [${usable.join(', ')}], AutoETS trend (augurs)`,
      model,
      clean.trailing,
      lastValue,
    );
  }
  if (n > 0) {
    const model = newEts();
    try {
      model.fit(clean.values);
      const method = 'AutoETS alone (history shorter than two periods; augurs)';
      return new AugursFit(method, model, clean.trailing, lastValue);
    } catch {
      // AutoETS needs about ten values; fewer fall through to the last value.
      model.free();
    }
  }
  return new AugursFit('last value (too few values for ETS)', undefined, clean.trailing, lastValue);
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

class FittedMstl implements FittedModel {
  readonly name = 'mstl';
  /** Set by `fit`: how the fitted history was modelled and how well it fitted in-sample. */
  summary: { method?: string; mse: number; r2: number } = { mse: NaN, r2: NaN };
  private last: { values: Float64Array; fit: SeriesFit } | undefined;

  constructor(readonly state: MstlState) {}

  /** The fit to this history: the cached one when the values are unchanged. */
  fitFor(history: Series): SeriesFit {
    if (history.stepMs !== this.state.stepMs) {
      throw new UserError(
        `the mstl model was fitted to ${formatDuration(this.state.stepMs)} steps; this history has ${formatDuration(history.stepMs)} steps`,
        'fit the model again at this interval',
      );
    }
    if (this.last && sameValues(this.last.values, history.values)) return this.last.fit;
    const fit = fitSeries(history.values, this.state.periods);
    this.last?.fit.free();
    this.last = { values: history.values.slice(), fit };
    return fit;
  }

  predict(history: Series, horizon: number): Float64Array {
    return this.fitFor(history).forecast(horizon).point;
  }

  describe() {
    return { periods: this.state.periods, ...this.summary };
  }

  toJSON(): SavedState {
    return this.state;
  }
}

/** MSTL with an ETS trend; daily and weekly periods when the history holds two of each. */
export const mstlForecaster: Forecaster = {
  name: 'mstl',
  fit(history: Series, context: ModelContext): FittedModel {
    const steps = gapFree(history.values).values.length;
    const state: MstlState = {
      model: 'mstl',
      zone: context.zone,
      stepMs: history.stepMs,
      periods: mstlPeriods(history.stepMs, steps),
    };
    const model = new FittedMstl(state);
    const fit = model.fitFor(history);
    model.summary = { method: fit.method, ...fit.inSample(history.values) };
    return model;
  },
};

export function restoreMstl(state: SavedState): FittedModel {
  const periods = state.periods;
  if (!Array.isArray(periods) || !periods.every((p) => Number.isInteger(p) && p >= 2)) {
    throw new UserError(
      'the mstl model file has no valid "periods" (a list of whole numbers of steps, each ≥ 2)',
      'fit and save the model again',
    );
  }
  return new FittedMstl({ ...state, model: 'mstl', periods: periods as number[] });
}

/**
 * augurs' MSTL (the benchmark's peer, and the general path of `mstl`): its point forecast and its
 * own prediction interval at `level` (0–1) for the `horizon` steps after `history`, with the
 * daily/weekly periods that the history supports. augurs derives the band from the ETS trend
 * model alone, point ± z·σₕ, so the seasonal components are treated as known, the band is as wide
 * at a peak as at a trough and widens with lead time only as fast as the trend's uncertainty does.
 */
export function mstlInterval(
  history: Series,
  horizon: number,
  level: number,
): { point: Float64Array; lower: Float64Array; upper: Float64Array } {
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`mstlInterval: level must be between 0 and 1, got ${level}`);
  }
  const steps = gapFree(history.values).values.length;
  const fit = fitAugurs(history.values, mstlPeriods(history.stepMs, steps));
  try {
    const { point, lower, upper } = fit.forecast(horizon, level);
    if (!lower || !upper) {
      throw new UserError(
        `mstl: ${steps} observed values are too few for a prediction interval`,
        'use a longer history',
      );
    }
    return { point, lower, upper };
  } finally {
    fit.free();
  }
}
