import type { FittedModel, Forecaster, ModelContext } from '../models/types.js';
import type { Forecast, Series } from '../types.js';
import { DAY_MS, WEEK_MS } from '../util/duration.js';
import { quantileSorted } from './quantile.js';

/** Forecast errors (actual − forecast) that a band is cut from, ascending. */
export interface ErrorSample {
  errors: number[];
  method: string;
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
  for (const { origin, predicted } of windows) {
    predicted.forEach((value, h) => {
      const actual = history.values[origin + h];
      if (!Number.isNaN(actual) && !Number.isNaN(value)) errors.push(actual - value);
    });
  }
  if (errors.length < 24) return undefined;
  return {
    errors: errors.sort((a, b) => a - b),
    method: `empirical quantiles of ${errors.length} out-of-sample errors from ${windows.length} backtest window(s)`,
  };
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
  return {
    ...inSampleErrors(model, history),
    method: 'in-sample residuals (history too short to backtest)',
  };
}

function inSampleErrors(model: FittedModel, history: Series): ErrorSample {
  // Refit-free in-sample residuals: forecast each day from the history before it.
  const errors: number[] = [];
  const day = Math.max(1, Math.round(DAY_MS / history.stepMs));
  for (let origin = day; origin < history.values.length; origin += day) {
    const predicted = model.predict(sliceSeries(history, 0, origin), day);
    for (let h = 0; h < day && origin + h < history.values.length; h++) {
      const actual = history.values[origin + h];
      if (!Number.isNaN(actual) && !Number.isNaN(predicted[h])) errors.push(actual - predicted[h]);
    }
  }
  return { errors: errors.sort((a, b) => a - b), method: '' };
}

/** Adds the error sample's (1 − q) and q quantiles to a point forecast. */
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
  const up = quantileSorted(sample.errors, quantile);
  const down = quantileSorted(sample.errors, 1 - quantile);
  const finalPoint = point.map(clamp);
  return {
    model,
    start,
    stepMs,
    point: finalPoint,
    lower: point.map((v) => clamp(v + Math.min(down, 0))),
    upper: point.map((v) => clamp(v + Math.max(up, 0))),
    quantile,
    intervalMethod: sample.method,
  };
}
