/**
 * `backtest` as a run: check the models and windows asked for, read the history, backtest every
 * model on the last windows (evaluate/backtest.ts) and gather what it found. Returns data; the
 * command prints it and src/report/backtest-report.ts writes it.
 */
import { UserError } from '../errors.js';
import {
  BACKTEST_DEFAULT_MODELS,
  BACKTEST_DEFAULT_ORIGINS,
  backtestPeak,
  fittingHorizon,
  runBacktest,
  type BacktestResult,
} from '../evaluate/backtest.js';
import { AUTO, MODEL_NAMES } from '../models/registry.js';
import { formatReadable } from '../report/tables.js';
import {
  capacitySettings,
  forecastRequest,
  ingestOptions,
  parseSettings,
  type RawOptions,
} from '../settings/parse.js';
import type { Series, Warning } from '../types.js';
import { formatDuration } from '../util/duration.js';
import { buildCalendar } from './forecast.js';
import { loadHistory } from '../sources/load.js';
import type { HistorySource } from '../sources/registry.js';
import { assumedCapacityWarning } from './assumed.js';

export interface BacktestOptions extends RawOptions {
  /** Comma-separated model names; default BACKTEST_DEFAULT_MODELS. */
  models?: string;
  origins: string;
  outDir: string;
  unit?: string;
  /** --horizon was given; otherwise its default is shortened to what fits the history. */
  horizonGiven?: boolean;
  /** --model was given: backtest that one model (when --models is not). */
  modelGiven?: boolean;
}

export type BacktestRun = Awaited<ReturnType<typeof runBacktestCsv>>;

function parseModels(options: BacktestOptions, model: string): string[] {
  if (options.modelFile !== undefined) {
    throw new UserError(
      'backtest fits every model on the history before each window; a saved model has already seen those windows',
      'drop --model-file (use --models to choose what to compare)',
    );
  }
  if (options.models !== undefined && options.modelGiven) {
    throw new UserError('give --models or --model, not both', 'e.g. --models auto,ridge');
  }
  if (options.models === undefined) {
    return options.modelGiven ? [model] : [...BACKTEST_DEFAULT_MODELS];
  }
  const known = [AUTO, ...MODEL_NAMES];
  const names = options.models
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) {
    throw new UserError(`--models: expected a comma-separated list, got '${options.models}'`);
  }
  for (const name of names) {
    if (!known.includes(name)) {
      throw new UserError(`--models: unknown model '${name}'`, `choose from: ${known.join(', ')}`);
    }
  }
  return [...new Set(names)];
}

function parseOrigins(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < 1) {
    throw new UserError(`--origins: expected a whole number ≥ 1, got '${text}'`);
  }
  return value;
}

/**
 * Steps per backtest window: --horizon when given; otherwise its default, shortened (with a
 * note) so that `origins` windows fit in the history with enough history before the first.
 */
export function windowSteps(
  series: Series,
  origins: number,
  horizonMs: number,
  horizonGiven: boolean | undefined,
  notes: string[],
): number {
  const asked = Math.max(1, Math.round(horizonMs / series.stepMs));
  const steps = horizonGiven
    ? asked
    : fittingHorizon(series.values.length, series.stepMs, origins, asked);
  if (steps < asked) {
    notes.push(
      `windows shortened to ${formatDuration(steps * series.stepMs)} (from the default --horizon ${formatDuration(asked * series.stepMs)}) so that ${origins} fit in the history with enough before the first; set --horizon or fewer --origins to change this`,
    );
  }
  return steps;
}

/** Everything `backtest` computes before it writes; `onProgress` hears of each model × window. */
export async function runBacktestCsv(
  source: HistorySource,
  options: BacktestOptions,
  onProgress?: (done: number, total: number) => void,
) {
  const typed = parseSettings(options);
  const models = parseModels(options, typed.model);
  const origins = parseOrigins(options.origins ?? String(BACKTEST_DEFAULT_ORIGINS));
  const settings = capacitySettings(typed);
  const ingest = ingestOptions(typed);
  const request = forecastRequest(typed);
  const ingested = await loadHistory(source, ingest);
  const { series } = ingested;
  const warnings: Warning[] = [...ingested.warnings];
  const notes = [...ingested.notes];

  const horizonSteps = windowSteps(series, origins, request.horizonMs, options.horizonGiven, notes);
  const { calendar, lifts } = await buildCalendar(typed, series, horizonSteps * series.stepMs);
  const result: BacktestResult = runBacktest(series, {
    models,
    origins,
    horizonSteps,
    trainWindowMs: request.trainWindowMs,
    quantile: request.quantile,
    context: { ...request.context, ...(calendar ? { calendar } : {}) },
    capacity: settings,
    lifts,
    onProgress,
  });

  // With the default capacity, a small load needs the minimum servers throughout, and the plan
  // scores then say nothing: point that out.
  const { peak, flat } = backtestPeak(series, origins, horizonSteps, settings);
  const assumed = assumedCapacityWarning(
    typed,
    settings,
    ingested.valueColumn,
    flat
      ? ` (at ${settings.capacityPerServer}, even the backtest's peak of ${formatReadable(peak)} needs only ${settings.minServers} server(s), so under-provisioned and excess say little)`
      : '',
  );
  if (assumed) warnings.push(assumed);
  const failed = result.windows.filter((w) => w.failure !== undefined);
  for (const model of new Set(failed.map((w) => w.model))) {
    const mine = failed.filter((w) => w.model === model);
    warnings.push({
      code: 'model-failed',
      count: mine.length,
      message: `${model} failed in ${mine.length} of ${origins} window(s) (${mine[0].failure}); its scores leave them out`,
    });
  }
  const zone = ingest.timezone;
  return {
    ingested,
    zone,
    models,
    origins,
    settings,
    request,
    horizonSteps,
    result,
    warnings,
    notes,
  };
}
