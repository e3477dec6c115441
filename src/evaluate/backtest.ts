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
import { forecastSeries } from '../pipeline.js';
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
    const chosen: Record<string, number> = {};
    let failures = 0;
    origins.forEach((origin, index) => {
      const actual = series.values.slice(origin, origin + horizonSteps);
      const start = series.start + origin * stepMs;
      let window: BacktestWindow;
      try {
        const result = forecastSeries(model, sliceSeries(series, 0, origin), request);
        const { forecast, training } = result;
        const servers = planCapacity(forecast, capacity).servers;
        const sums = scoreWindow(actual, forecast, servers, naiveScale(training), capacity);
        addSums(pooled, sums);
        const anomalies = result.model.describe().anomalies;
        window = {
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
        if (result.selection) {
          chosen[result.selection.chosen] = (chosen[result.selection.chosen] ?? 0) + 1;
        }
      } catch (error) {
        // A user error (too little history, a bad flag) applies to every model: stop. A model
        // that breaks on one history is reported, as auto's selection does, not fatal.
        if (error instanceof UserError) throw error;
        failures++;
        window = {
          model,
          index,
          start,
          trainingStart: start,
          steps: actual.reduce((c, v) => (Number.isNaN(v) ? c : c + 1), 0),
          ...FAILED,
          failure: failureMessage(error),
        };
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
