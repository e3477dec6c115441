import type { FittedModel, Forecaster, ModelContext } from '../models/types.js';
import type { Forecast, Series } from '../types.js';
import { DAY_MS, WEEK_MS } from '../util/duration.js';
import {
  demandQuantile,
  fitSpread,
  normalisedScores,
  predictiveDistribution,
  type Spread,
} from './predictive.js';

/**
 * Forecast errors (actual − forecast) that a band is cut from, ascending, with the spread fitted
 * to them by level and their normalised scores, ascending (see predictive.ts). A sample saved by
 * an older version has neither: its band is the errors' own, as wide at every level.
 */
export interface ErrorSample {
  errors: number[];
  method: string;
  spread?: Spread;
  scores?: number[];
}

/** A sample from errors and the forecast levels they were made at (same order). */
export function errorSample(errors: number[], levels: number[], method: string): ErrorSample {
  const spread = fitSpread(errors, levels);
  return {
    errors: errors.slice().sort((a, b) => a - b),
    method,
    spread,
    scores: Array.from(normalisedScores(errors, levels, spread)),
  };
}

export function sliceSeries(series: Series, from: number, to = series.values.length): Series {
  return {
    ...series,
    start: series.start + from * series.stepMs,
    values: series.values.slice(from, to),
  };
}

/** One held-out window: where it starts and what the model forecast for it. */
export interface BacktestWindow {
  origin: number;
  predicted: Float64Array;
}

/**
 * Rolling-origin forecasts of `forecaster` on the end of `history`: up to `windows` windows of up
 * to a week each, every one forecast from only the history before it.
 */
export function backtestWindows(
  forecaster: Forecaster,
  history: Series,
  horizon: number,
  context: ModelContext,
  windows = 3,
): BacktestWindow[] {
  const n = history.values.length;
  // Short histories get shorter windows rather than none: a regression's errors barely grow
  // with lead time, so a day-long window still says how wrong it tends to be.
  const day = Math.round(DAY_MS / history.stepMs);
  const width = Math.max(
    day,
    Math.min(horizon, Math.round(WEEK_MS / history.stepMs), Math.floor(n / 4)),
  );
  const minTrain = Math.max(Math.round((2 * DAY_MS) / history.stepMs), Math.ceil(n / 2));
  const result: BacktestWindow[] = [];
  for (let k = 1; k <= windows; k++) {
    const origin = n - k * width;
    if (origin < minTrain) break;
    const before = sliceSeries(history, 0, origin);
    result.push({ origin, predicted: forecaster.fit(before, context).predict(before, width) });
  }
  return result;
}

/** The errors of backtest windows, or undefined when they are too few to cut a band from. */
export function windowErrors(history: Series, windows: BacktestWindow[]): ErrorSample | undefined {
  const errors: number[] = [];
  const levels: number[] = [];
  for (const { origin, predicted } of windows) {
    predicted.forEach((value, h) => {
      const actual = history.values[origin + h];
      if (Number.isNaN(actual) || Number.isNaN(value)) return;
      errors.push(actual - value);
      levels.push(value);
    });
  }
  if (errors.length < 24) return undefined;
  return errorSample(
    errors,
    levels,
    `${errors.length} out-of-sample errors from ${windows.length} backtest window(s), scaled to the level of load`,
  );
}

/**
 * The errors a band is cut from: rolling-origin backtest errors, or in-sample residuals when the
 * history is too short to hold out any window.
 */
export function backtestErrors(
  forecaster: Forecaster,
  history: Series,
  horizon: number,
  context: ModelContext,
  windows = 3,
): ErrorSample {
  const sample = windowErrors(
    history,
    backtestWindows(forecaster, history, horizon, context, windows),
  );
  return sample ?? inSampleFallback(forecaster, history, context);
}

export function inSampleFallback(
  forecaster: Forecaster,
  history: Series,
  context: ModelContext,
): ErrorSample {
  const model = forecaster.fit(history, context);
  return inSampleErrors(model, history);
}

function inSampleErrors(model: FittedModel, history: Series): ErrorSample {
  // Refit-free in-sample residuals: forecast each day from the history before it.
  const errors: number[] = [];
  const levels: number[] = [];
  const day = Math.max(1, Math.round(DAY_MS / history.stepMs));
  for (let origin = day; origin < history.values.length; origin += day) {
    const predicted = model.predict(sliceSeries(history, 0, origin), day);
    for (let h = 0; h < day && origin + h < history.values.length; h++) {
      const actual = history.values[origin + h];
      if (Number.isNaN(actual) || Number.isNaN(predicted[h])) continue;
      errors.push(actual - predicted[h]);
      levels.push(predicted[h]);
    }
  }
  return errorSample(errors, levels, 'in-sample residuals (history too short to backtest)');
}

/** The spread and scores of a sample; an older sample's errors stand as they are. */
function scoresOf(sample: ErrorSample): { spread: Spread; scores: Float64Array } {
  if (sample.spread && sample.scores) {
    return { spread: sample.spread, scores: Float64Array.from(sample.scores) };
  }
  return { spread: { base: 1, perUnit: 0, floor: 1 }, scores: Float64Array.from(sample.errors) };
}

/**
 * A point forecast with its predictive distribution (see predictive.ts) and the band between its
 * (1 − q) and q quantiles.
 */
export function withBand(
  model: string,
  start: number,
  stepMs: number,
  point: Float64Array,
  sample: ErrorSample,
  quantile: number,
  nonNegative: boolean,
): Forecast {
  const clamp = (v: number) => (nonNegative ? Math.max(0, v) : v);
  const { spread, scores } = scoresOf(sample);
  const distribution = predictiveDistribution(point, spread, scores);
  const { scale } = distribution;
  return {
    model,
    start,
    stepMs,
    point: point.map(clamp),
    lower: point.map((v, i) =>
      clamp(Math.min(v, demandQuantile(v, scale[i], distribution, 1 - quantile))),
    ),
    upper: point.map((v, i) =>
      clamp(Math.max(v, demandQuantile(v, scale[i], distribution, quantile))),
    ),
    quantile,
    intervalMethod: sample.method,
    distribution,
  };
}
