import { planCapacity } from './capacity/servers.js';
import { backtestErrors, sliceSeries, withBand, type ErrorSample } from './evaluate/intervals.js';
import { selectModel, type Selection } from './evaluate/select.js';
import { UserError } from './errors.js';
import { AUTO, getForecaster } from './models/registry.js';
import { localDate, type EventDay } from './features/events.js';
import type { FittedModel, Forecaster, ModelContext } from './models/types.js';
import { scheduleFromPlan } from './schedule/changes.js';
import type { CapacityPlan, CapacitySettings, Forecast, Schedule, Series } from './types.js';
import { DAY_MS, formatDuration, WEEK_MS } from './util/duration.js';
import { formatShort } from './util/time.js';

export interface ForecastRequest {
  horizonMs: number;
  quantile: number;
  /** Only the most recent part of the history is learned from. */
  trainWindowMs: number;
  context: ModelContext;
  /** Event days with an expected multiplier, applied to the forecast and its band. */
  lifts?: EventDay[];
}

export interface ForecastResult {
  forecast: Forecast;
  model: FittedModel;
  /** The part of the history the model learned from. */
  training: Series;
  errors: ErrorSample;
  /** How `auto` chose the model; absent for a named model. */
  selection?: Selection;
  /** What the user should know about how the forecast was made (e.g. a short history). */
  notes: string[];
}

/** Fewer than two days of history cannot show a daily cycle. */
export const MIN_HISTORY_MS = 2 * DAY_MS;

export function trainingWindow(series: Series, trainWindowMs: number): Series {
  const keep = Math.max(1, Math.round(trainWindowMs / series.stepMs));
  let from = Math.max(0, series.values.length - keep);
  while (from < series.values.length && Number.isNaN(series.values[from])) from++;
  return sliceSeries(series, from);
}

const knownCount = (values: Float64Array) =>
  values.reduce((n, v) => (Number.isNaN(v) ? n : n + 1), 0);

/** Refuses a training window too short to learn from; says so when the window, not the data, is. */
function assertEnoughHistory(training: Series, series: Series, zone: string): void {
  const known = knownCount(training.values);
  if (known * training.stepMs >= MIN_HISTORY_MS) return;
  const message = `only ${formatDuration(known * training.stepMs)} of history with values; at least 2d is needed to learn a daily cycle`;
  const before = knownCount(series.values) - known;
  if (before === 0) throw new UserError(message);
  const last = formatShort(series.start + (series.values.length - 1) * series.stepMs, zone);
  throw new UserError(
    `${message}: the training window (--train-window) ends at the last timestamp, ${last} ${zone}, and the ${formatDuration(before * series.stepMs)} of values before it lie outside`,
    'is that last row stamped wrongly (a year off, or in the future)? Correct or drop it, or widen --train-window',
  );
}

/** Fits a model on the training window, forecasts the horizon and cuts a band from backtest errors. */
export function forecastWith(
  forecaster: Forecaster,
  series: Series,
  request: ForecastRequest,
): ForecastResult {
  const training = trainingWindow(series, request.trainWindowMs);
  assertEnoughHistory(training, series, request.context.zone);
  const horizon = Math.max(1, Math.round(request.horizonMs / series.stepMs));
  const errors = backtestErrors(forecaster, training, horizon, request.context);
  const model = forecaster.fit(training, request.context);
  return finish(model, training, horizon, errors, request);
}

/** Forecasts with the named model, or with the one `auto` picks by backtest. */
export function forecastSeries(
  modelName: string,
  series: Series,
  request: ForecastRequest,
): ForecastResult {
  if (modelName !== AUTO) return forecastWith(getForecaster(modelName), series, request);
  const training = trainingWindow(series, request.trainWindowMs);
  assertEnoughHistory(training, series, request.context.zone);
  const horizon = Math.max(1, Math.round(request.horizonMs / series.stepMs));
  const { forecaster, errors, selection } = selectModel(training, horizon, request.context);
  const model = forecaster.fit(training, request.context);
  return { ...finish(model, training, horizon, errors, request), selection };
}

/** Forecasts with a saved model and the error sample saved with it. */
export function forecastWithSaved(
  model: FittedModel,
  errors: ErrorSample,
  series: Series,
  request: ForecastRequest,
): ForecastResult {
  const training = trainingWindow(series, request.trainWindowMs);
  const horizon = Math.max(1, Math.round(request.horizonMs / series.stepMs));
  return finish(model, training, horizon, errors, request);
}

function finish(
  model: FittedModel,
  training: Series,
  horizon: number,
  errors: ErrorSample,
  request: ForecastRequest,
): ForecastResult {
  const notes: string[] = [];
  const spanMs = training.values.length * training.stepMs;
  if (spanMs < 2 * WEEK_MS) {
    notes.push(
      `only ${Math.floor((spanMs / DAY_MS) * 10) / 10} days of history: daily seasonality only (a weekly pattern needs 14 days)`,
    );
  }
  const point = model.predict(training, horizon);
  const nonNegative = training.values.every((v) => Number.isNaN(v) || v >= 0);
  const start = training.start + training.values.length * training.stepMs;
  const forecast = withBand(
    model.name,
    start,
    training.stepMs,
    point,
    errors,
    request.quantile,
    nonNegative,
  );
  notes.push(...applyLifts(forecast, request.lifts ?? [], request.context.zone));
  return { forecast, model, training, errors, notes };
}

/** Multiplies the forecast and its band on days the user expects a lift; returns notes. */
function applyLifts(forecast: Forecast, lifts: EventDay[], zone: string): string[] {
  if (lifts.length === 0) return [];
  const byDate = new Map<string, EventDay>();
  for (const day of lifts) byDate.set(day.date, day);
  const applied = new Map<string, EventDay>();
  forecast.point.forEach((_, i) => {
    const day = byDate.get(localDate(forecast.start + i * forecast.stepMs, zone));
    if (!day?.lift) return;
    forecast.point[i] *= day.lift;
    forecast.lower[i] *= day.lift;
    forecast.upper[i] *= day.lift;
    if (forecast.distribution) forecast.distribution.scale[i] *= day.lift;
    applied.set(day.date, day);
  });
  return [...applied.values()].map(
    (day) => `${day.date} ${day.name}: forecast × ${day.lift} (the lift in --events)`,
  );
}

export interface PlanResult {
  plan: CapacityPlan;
  schedule: Schedule;
}

export function planFromForecast(forecast: Forecast, settings: CapacitySettings): PlanResult {
  const plan = planCapacity(forecast, settings);
  return { plan, schedule: scheduleFromPlan(plan) };
}
