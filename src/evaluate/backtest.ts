/**
 * Rolling-origin backtest of several models on one history: the last `origins` windows of
 * `horizonSteps` each are forecast from only the history before them, exactly as `plan` would have
 * forecast them (same training window, same band, same `auto` choice), then scored for accuracy,
 * band coverage and the plan the forecast would have produced. Pure: no I/O, no clock.
 */
import { plannedLoadFor, planCapacity, serversFor } from '../capacity/servers.js';
import { UserError } from '../errors.js';
import type { EventDay } from '../features/events.js';
import { AUTO } from '../models/registry.js';
import { seasonLength } from '../models/seasonal-naive.js';
import type { ModelContext } from '../models/types.js';
import { forecastSeries, type ForecastRequest } from '../pipeline.js';
import { demandQuantile, exceedance } from './predictive.js';
import type { CapacitySettings, Forecast, Series } from '../types.js';
import { DAY_MS, describeDuration, formatDuration, HOUR_MS, WEEK_MS } from '../util/duration.js';
import { sliceSeries } from './intervals.js';

export const BACKTEST_DEFAULT_MODELS = [AUTO, 'ridge', 'seasonal-naive', 'mstl', 'linear'];
export const BACKTEST_DEFAULT_ORIGINS = 4;
/** Less history than this before the first origin cannot show a daily cycle. */
export const MIN_BACKTEST_HISTORY_MS = 2 * DAY_MS;

export interface BacktestOptions {
  /** Model names as `forecastSeries` takes them, 'auto' included. */
  models: string[];
  /** How many windows, ending at the end of the history. */
  origins: number;
  /** Length of each window, in steps. */
  horizonSteps: number;
  trainWindowMs: number;
  quantile: number;
  context: ModelContext;
  capacity: CapacitySettings;
  /** Event days with an expected multiplier, as `plan` applies them (--events with a lift). */
  lifts?: EventDay[];
  /** Called before the first and after each model × window, with how many of `total` are done. */
  onProgress?: (done: number, total: number) => void;
}

/** Scores over the scored steps (those with an actual); fractions, not percentages. */
export interface Scores {
  /** Steps with an actual value. */
  steps: number;
  mae: number;
  /** MAE ÷ in-sample MAE of seasonal naive on the training history (per step, pooled). */
  mase: number;
  /** Mean of 2|y − f| / (|y| + |f|), skipping steps where both are 0. */
  smape: number;
  /** Share of actuals inside [lower, upper]. */
  coverage: number;
  /** Share of actuals at or below upper. */
  upperCoverage: number;
  /** Share of steps where the actual exceeded servers × capacity per server (over 100% busy). */
  underProvisioned: number;
  /** Σ servers ÷ Σ oracle servers − 1; the oracle plans on the actuals with the same rule. */
  excess: number;
  /** Σ (servers − oracle servers) × step, in server-hours. */
  excessServerHours: number;
}

/** The promised coverages the calibration checks: the 50%, 80%, 90%, 95% and 99% quantiles. */
export const CALIBRATION_LEVELS = [0.5, 0.8, 0.9, 0.95, 0.99] as const;

/**
 * Does the forecast distribution mean what it says? Over the scored steps whose forecast carries
 * a distribution: for each promised level q, the share of actuals at or below the distribution's
 * q quantile (a calibrated forecast realises q); and the plans' expected share of steps above 100%
 * of their capacity (what the risk budget promised) against the share that was.
 */
export interface Calibration {
  steps: number;
  coverage: { promised: number; realised: number }[];
  /** Mean over the steps of the chance the plan gave demand above servers × capacity per server. */
  expectedShortShare: number;
  /** Share of the steps whose actual was above servers × capacity per server. */
  realisedShortShare: number;
  expectedShortHours: number;
  realisedShortHours: number;
  /** The risk budget the plans were made for; undefined when they were not planned on risk. */
  budget?: number;
}

export interface CalibrationSums {
  steps: number;
  /** Per CALIBRATION_LEVELS: steps whose actual was at or below that quantile. */
  covered: number[];
  expectedShort: number;
  short: number;
}

function emptyCalibrationSums(): CalibrationSums {
  return { steps: 0, covered: CALIBRATION_LEVELS.map(() => 0), expectedShort: 0, short: 0 };
}

/** Tallies one window for its calibration (missing actuals and steps without a distribution skipped). */
export function calibrationSums(
  actual: Float64Array,
  forecast: Forecast,
  servers: Float64Array,
  capacity: CapacitySettings,
): CalibrationSums {
  const sums = emptyCalibrationSums();
  const distribution = forecast.distribution;
  if (!distribution) return sums;
  const { scale } = distribution;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i];
    if (Number.isNaN(y)) continue;
    const p = forecast.point[i];
    sums.steps++;
    CALIBRATION_LEVELS.forEach((q, k) => {
      if (y <= demandQuantile(p, scale[i], distribution, q)) sums.covered[k]++;
    });
    const limit = servers[i] * capacity.capacityPerServer;
    sums.expectedShort += exceedance(p, scale[i], distribution, limit);
    if (y > limit) sums.short++;
  }
  return sums;
}

function addCalibrationSums(into: CalibrationSums, from: CalibrationSums): void {
  into.steps += from.steps;
  from.covered.forEach((n, k) => (into.covered[k] += n));
  into.expectedShort += from.expectedShort;
  into.short += from.short;
}

export function calibrationOf(
  sums: CalibrationSums,
  stepMs: number,
  capacity: CapacitySettings,
): Calibration {
  const share = (n: number) => (sums.steps > 0 ? n / sums.steps : NaN);
  const hours = (steps: number) => (steps * stepMs) / HOUR_MS;
  return {
    steps: sums.steps,
    coverage: CALIBRATION_LEVELS.map((promised, k) => ({
      promised,
      realised: share(sums.covered[k]),
    })),
    expectedShortShare: share(sums.expectedShort),
    realisedShortShare: share(sums.short),
    expectedShortHours: hours(sums.expectedShort),
    realisedShortHours: hours(sums.short),
    ...(capacity.planOn === 'risk' ? { budget: capacity.risk } : {}),
  };
}

export interface BacktestWindow extends Scores {
  model: string;
  /** 0 for the oldest window. */
  index: number;
  /** The origin: the first forecast step. */
  start: number;
  /** First step of the history the model learned from. */
  trainingStart: number;
  /** For 'auto': the model it chose, and why. */
  chosen?: string;
  selection?: string;
  /** Intervals the model down-weighted as outliers in its training history (ridge only). */
  anomalies?: number;
  intervalMethod?: string;
  /** Set when the model failed on this window; scores are then NaN. */
  failure?: string;
  /** The forecast and band for the window's steps (empty on failure). */
  forecast?: Forecast;
  /** Servers the capacity settings plan on that forecast. */
  servers?: Float64Array;
}

export interface ModelScores extends Scores {
  model: string;
  windows: number;
  failures: number;
  /** For 'auto': how often it chose each model. */
  chosen?: Record<string, number>;
  /** Promised against realised coverage and short steps, over all windows pooled. */
  calibration: Calibration;
}

export interface BacktestResult {
  stepMs: number;
  horizonSteps: number;
  /** Origin timestamps, oldest first. */
  origins: number[];
  /** End (exclusive) of the last window = end of the history. */
  end: number;
  quantile: number;
  capacity: CapacitySettings;
  /** Per model, over all windows, in the order asked for. */
  models: ModelScores[];
  /** Per model × window: model-major, oldest window first. */
  windows: BacktestWindow[];
}

interface Sums {
  steps: number;
  absError: number;
  scaledError: number;
  scaledSteps: number;
  smape: number;
  smapeSteps: number;
  covered: number;
  upperCovered: number;
  under: number;
  servers: number;
  oracle: number;
}

function emptySums(): Sums {
  return {
    steps: 0,
    absError: 0,
    scaledError: 0,
    scaledSteps: 0,
    smape: 0,
    smapeSteps: 0,
    covered: 0,
    upperCovered: 0,
    under: 0,
    servers: 0,
    oracle: 0,
  };
}

function addSums(into: Sums, from: Sums): void {
  for (const key of Object.keys(into) as (keyof Sums)[]) into[key] += from[key];
}

function scoresOf(s: Sums, stepMs: number): Scores {
  const ratio = (a: number, b: number) => (b > 0 ? a / b : NaN);
  return {
    steps: s.steps,
    mae: ratio(s.absError, s.steps),
    mase: ratio(s.scaledError, s.scaledSteps),
    smape: ratio(s.smape, s.smapeSteps),
    coverage: ratio(s.covered, s.steps),
    upperCoverage: ratio(s.upperCovered, s.steps),
    underProvisioned: ratio(s.under, s.steps),
    excess: s.oracle > 0 ? s.servers / s.oracle - 1 : NaN,
    excessServerHours: s.steps > 0 ? ((s.servers - s.oracle) * stepMs) / HOUR_MS : NaN,
  };
}

const FAILED: Omit<Scores, 'steps'> = {
  mae: NaN,
  mase: NaN,
  smape: NaN,
  coverage: NaN,
  upperCoverage: NaN,
  underProvisioned: NaN,
  excess: NaN,
  excessServerHours: NaN,
};

/**
 * In-sample MAE of seasonal naive on a history, the MASE denominator: season one week when the
 * history holds two, else one day (as the benchmark and the seasonal-naive model).
 */
export function naiveScale(training: Series): number {
  const { values, stepMs } = training;
  const m = seasonLength(stepMs, values.length);
  let sum = 0;
  let n = 0;
  for (let i = m; i < values.length; i++) {
    const a = values[i];
    const b = values[i - m];
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    sum += Math.abs(a - b);
    n++;
  }
  return n > 0 ? sum / n : NaN;
}

/** Scores one window's forecast against the actuals (missing actuals are not scored). */
function scoreWindow(
  actual: Float64Array,
  forecast: Forecast,
  servers: Float64Array,
  scale: number,
  capacity: CapacitySettings,
): Sums {
  const s = emptySums();
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i];
    const f = forecast.point[i];
    if (Number.isNaN(y)) continue;
    const error = Math.abs(y - f);
    s.steps++;
    s.absError += error;
    if (scale > 0) {
      s.scaledError += error / scale;
      s.scaledSteps++;
    }
    const denominator = Math.abs(y) + Math.abs(f);
    if (denominator > 0) {
      s.smape += (2 * error) / denominator;
      s.smapeSteps++;
    }
    if (y >= forecast.lower[i] && y <= forecast.upper[i]) s.covered++;
    if (y <= forecast.upper[i]) s.upperCovered++;
    if (y > servers[i] * capacity.capacityPerServer) s.under++;
    s.servers += servers[i];
    s.oracle += serversFor(plannedLoadFor(y, y, capacity), capacity);
  }
  return s;
}

/** The origins (step indices) of the last `origins` windows of `horizonSteps`, oldest first. */
export function backtestOrigins(length: number, origins: number, horizonSteps: number): number[] {
  return Array.from({ length: origins }, (_, k) => length - (origins - k) * horizonSteps);
}

/**
 * The longest window (in steps) that lets `origins` windows fit while leaving enough history before
 * the first: a week, or half the history when that is shorter, and never under 2 days. Whole days
 * when at least a day; `wanted` when it fits already. Returns `wanted` when nothing fits (so that
 * `runBacktest` explains why).
 */
export function fittingHorizon(
  length: number,
  stepMs: number,
  origins: number,
  wanted: number,
): number {
  const minimum = Math.ceil(MIN_BACKTEST_HISTORY_MS / stepMs);
  const train = Math.max(minimum, Math.min(Math.round(WEEK_MS / stepMs), Math.floor(length / 2)));
  let steps = Math.floor((length - train) / origins);
  if (steps >= wanted) return wanted;
  const day = Math.round(DAY_MS / stepMs);
  if (steps >= day) steps = Math.floor(steps / day) * day;
  return steps >= 1 ? steps : wanted;
}

function failureMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Forecasts and scores one model on one window; a model that breaks there gets a failed window. */
function backtestWindow(
  series: Series,
  model: string,
  origin: number,
  index: number,
  request: ForecastRequest,
  options: BacktestOptions,
):
  | { window: BacktestWindow; sums: Sums; calibration: CalibrationSums }
  | { window: BacktestWindow; sums?: undefined } {
  const { horizonSteps, capacity } = options;
  const { stepMs } = series;
  const actual = series.values.slice(origin, origin + horizonSteps);
  const start = series.start + origin * stepMs;
  try {
    const result = forecastSeries(model, sliceSeries(series, 0, origin), request);
    const { forecast, training } = result;
    const servers = planCapacity(forecast, capacity).servers;
    const sums = scoreWindow(actual, forecast, servers, naiveScale(training), capacity);
    const anomalies = result.model.describe().anomalies;
    const window: BacktestWindow = {
      model,
      index,
      start,
      trainingStart: training.start,
      ...scoresOf(sums, stepMs),
      ...(result.selection
        ? { chosen: result.selection.chosen, selection: result.selection.reason }
        : {}),
      ...(typeof anomalies === 'number' ? { anomalies } : {}),
      intervalMethod: forecast.intervalMethod,
      forecast,
      servers,
    };
    return { window, sums, calibration: calibrationSums(actual, forecast, servers, capacity) };
  } catch (error) {
    // A user error (too little history, a bad flag) applies to every model: stop. A model
    // that breaks on one history is reported, as auto's selection does, not fatal.
    if (error instanceof UserError) throw error;
    return {
      window: {
        model,
        index,
        start,
        trainingStart: start,
        steps: actual.reduce((c, v) => (Number.isNaN(v) ? c : c + 1), 0),
        ...FAILED,
        failure: failureMessage(error),
      },
    };
  }
}

/**
 * The peak load of the backtested windows, and whether even that needs no more than
 * --min-servers (so that every plan is flat and the plan scores say little). Missing values are
 * skipped; `peak` is -Infinity when there are none.
 */
export function backtestPeak(
  series: Series,
  origins: number,
  horizonSteps: number,
  capacity: CapacitySettings,
): { peak: number; flat: boolean } {
  const peak = series.values
    .slice(series.values.length - origins * horizonSteps)
    .reduce((m, v) => (v > m ? v : m), -Infinity);
  const flat =
    Number.isFinite(peak) &&
    serversFor(plannedLoadFor(peak, peak, capacity), capacity) <= capacity.minServers;
  return { peak, flat };
}

/** Backtests every model on the last `origins` windows of the history; see the module comment. */
export function runBacktest(series: Series, options: BacktestOptions): BacktestResult {
  const { models, horizonSteps, capacity, quantile } = options;
  const { stepMs } = series;
  const n = series.values.length;
  if (models.length === 0) throw new UserError('no models to backtest');
  if (!Number.isInteger(options.origins) || options.origins < 1) {
    throw new UserError(`--origins: expected a whole number ≥ 1, got ${options.origins}`);
  }
  if (!Number.isInteger(horizonSteps) || horizonSteps < 1) {
    throw new UserError(`the backtest window must be at least one step, got ${horizonSteps}`);
  }
  const origins = backtestOrigins(n, options.origins, horizonSteps);
  const before = origins[0] * stepMs;
  if (before < MIN_BACKTEST_HISTORY_MS) {
    const span = options.origins * horizonSteps * stepMs;
    throw new UserError(
      `${options.origins} window(s) of ${formatDuration(horizonSteps * stepMs)} take ${describeDuration(span)} of the ${describeDuration(n * stepMs)} history, leaving ${before > 0 ? describeDuration(before) : 'nothing'} before the first; at least 2d is needed to learn from`,
      'use fewer --origins or a shorter --horizon',
    );
  }

  const request = {
    horizonMs: horizonSteps * stepMs,
    quantile,
    trainWindowMs: options.trainWindowMs,
    context: options.context,
    ...(options.lifts ? { lifts: options.lifts } : {}),
  };
  const total = models.length * origins.length;
  let done = 0;
  options.onProgress?.(0, total);
  const windows: BacktestWindow[] = [];
  const summaries: ModelScores[] = [];
  for (const model of models) {
    const pooled = emptySums();
    const calibration = emptyCalibrationSums();
    const chosen: Record<string, number> = {};
    let failures = 0;
    origins.forEach((origin, index) => {
      const scored = backtestWindow(series, model, origin, index, request, options);
      const { window } = scored;
      if (scored.sums) {
        addSums(pooled, scored.sums);
        addCalibrationSums(calibration, scored.calibration);
        if (window.chosen) chosen[window.chosen] = (chosen[window.chosen] ?? 0) + 1;
      } else {
        failures++;
      }
      windows.push(window);
      options.onProgress?.(++done, total);
    });
    summaries.push({
      model,
      windows: origins.length,
      failures,
      ...scoresOf(pooled, stepMs),
      ...(Object.keys(chosen).length > 0 ? { chosen } : {}),
      calibration: calibrationOf(calibration, stepMs, capacity),
    });
  }
  return {
    stepMs,
    horizonSteps,
    origins: origins.map((o) => series.start + o * stepMs),
    end: series.start + n * stepMs,
    quantile,
    capacity,
    models: summaries,
    windows,
  };
}

/**
 * The most recent window whose model down-weighted outliers (outages, spikes) in its training
 * history: ridge's, or auto's when it chose ridge; undefined when no model reports them.
 */
export function anomalyWindow(result: BacktestResult): BacktestWindow | undefined {
  const last = result.origins.length - 1;
  const candidates = result.windows.filter((w) => w.index === last && w.anomalies !== undefined);
  return candidates.find((w) => w.model === 'ridge') ?? candidates[0];
}

/** The model whose plan the report and chart feature: 'auto' when backtested, else the first. */
export function primaryModel(result: BacktestResult): string {
  const names = result.models.map((m) => m.model);
  return names.includes(AUTO) ? AUTO : names[0];
}
