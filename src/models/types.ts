import type { EventCalendar } from '../features/events.js';
import type { Series } from '../types.js';

export interface ModelContext {
  /** IANA zone in which daily and weekly shapes are learned (the users' clock, not UTC). */
  zone: string;
  /** Holidays and events, for models that can use them (ridge). */
  calendar?: EventCalendar;
}

/** Settings only; `fit` learns from a history and returns the learned state. */
export interface Forecaster {
  readonly name: string;
  fit(history: Series, context: ModelContext): FittedModel;
}

export interface FittedModel {
  readonly name: string;
  /** Point forecast for the `horizon` steps that follow `history`. */
  predict(history: Series, horizon: number): Float64Array;
  /** In-sample fit statistics and parameters, for `headroom fit`. */
  describe(): Record<string, unknown>;
  /** Everything needed to rebuild the model with `restoreModel`. */
  toJSON(): SavedState;
}

export interface SavedState {
  model: string;
  zone: string;
  stepMs: number;
  [key: string]: unknown;
}

/** The timestamps of the `horizon` steps after a series ends. */
export function futureTimes(history: Series, horizon: number): Float64Array {
  const times = new Float64Array(horizon);
  const next = history.start + history.values.length * history.stepMs;
  for (let i = 0; i < horizon; i++) times[i] = next + i * history.stepMs;
  return times;
}

export function timesOf(series: Series): Float64Array {
  const times = new Float64Array(series.values.length);
  for (let i = 0; i < times.length; i++) times[i] = series.start + i * series.stepMs;
  return times;
}

export function fitStatistics(
  actual: Float64Array,
  fitted: Float64Array,
): { mse: number; r2: number } {
  let n = 0;
  let sum = 0;
  for (const value of actual) {
    if (Number.isNaN(value)) continue;
    sum += value;
    n++;
  }
  const mean = sum / n;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < actual.length; i++) {
    if (Number.isNaN(actual[i])) continue;
    sse += (actual[i] - fitted[i]) ** 2;
    sst += (actual[i] - mean) ** 2;
  }
  return { mse: sse / n, r2: sst === 0 ? 0 : 1 - sse / sst };
}

/**
 * A model whose forecast depends only on the timestamps (calendar features, trend), not on the
 * recent values: it can predict any instant, and a saved one forecasts from any history's end.
 */
export abstract class TimeFeatureModel<State extends SavedState> implements FittedModel {
  abstract readonly name: string;
  inSample = { mse: NaN, r2: NaN };
  constructor(readonly state: State) {}

  abstract predictAt(times: Float64Array): Float64Array;
  abstract describe(): Record<string, unknown>;

  predict(history: Series, horizon: number): Float64Array {
    return this.predictAt(futureTimes(history, horizon));
  }
  toJSON(): SavedState {
    return this.state;
  }
  /** Records in-sample MSE and R² on the history it was fitted to; returns itself. */
  scoredOn(history: Series): this {
    this.inSample = fitStatistics(history.values, this.predictAt(timesOf(history)));
    return this;
  }
}
