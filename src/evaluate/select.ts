import { formatReadable } from '../util/format.js';
import { AUTO_CANDIDATES, ENSEMBLE_PARTS, getForecaster } from '../models/registry.js';
import type { Forecaster, ModelContext } from '../models/types.js';
import type { Series } from '../types.js';
import {
  backtestWindows,
  inSampleFallback,
  windowErrors,
  type BacktestWindow,
  type ErrorSample,
} from './intervals.js';

/**
 * A challenger replaces the first candidate only when its backtest MAE is this much lower: with a
 * few windows of history, smaller differences are mostly noise, and switching on noise made the
 * accuracy benchmark worse (median MASE 0.95 against 0.83 with the margin).
 */
export const SWITCH_MARGIN = 0.8;

export interface CandidateScore {
  model: string;
  /** Mean absolute backtest error; NaN when the model failed on this history. */
  mae: number;
  failure?: string;
}

export interface Selection {
  chosen: string;
  scores: CandidateScore[];
  reason: string;
}

export interface Chosen {
  forecaster: Forecaster;
  errors: ErrorSample;
  selection: Selection;
}

function meanAbsolute(errors: number[]): number {
  return errors.reduce((sum, e) => sum + Math.abs(e), 0) / errors.length;
}

/** Backtests every candidate on the history and keeps the first unless another is clearly better. */
export function selectModel(
  history: Series,
  horizon: number,
  context: ModelContext,
  candidates: string[] = AUTO_CANDIDATES,
): Chosen {
  // Backtest each model once; an ensemble's window forecasts are the mean of its parts'.
  const windows = new Map<string, BacktestWindow[]>();
  const windowsOf = (model: string): BacktestWindow[] => {
    const known = windows.get(model);
    if (known) return known;
    const parts = ENSEMBLE_PARTS[model];
    const result = parts
      ? averageWindows(parts.map(windowsOf))
      : backtestWindows(getForecaster(model), history, horizon, context);
    windows.set(model, result);
    return result;
  };
  const results = candidates.map((model) => {
    const forecaster = getForecaster(model);
    try {
      const errors =
        windowErrors(history, windowsOf(model)) ?? inSampleFallback(forecaster, history, context);
      return { model, forecaster, errors, mae: meanAbsolute(errors.errors) };
    } catch (error) {
      return { model, forecaster, errors: undefined, mae: NaN, failure: String(error) };
    }
  });
  const incumbent = results[0];
  if (!incumbent.errors) throw new Error(`${incumbent.model} failed: ${incumbent.failure}`);
  const challenger = results
    .slice(1)
    .filter((r) => r.mae < incumbent.mae * SWITCH_MARGIN)
    .sort((a, b) => a.mae - b.mae)[0];
  const winner = challenger ?? incumbent;
  const others = results
    .filter((r) => r !== winner)
    .map((r) => `${r.model} ${Number.isNaN(r.mae) ? 'failed' : formatReadable(r.mae)}`)
    .join(', ');
  const reason = challenger
    ? `backtest MAE ${formatReadable(challenger.mae)} is ${Math.round((1 - challenger.mae / incumbent.mae) * 100)}% below ${incumbent.model}'s (${others})`
    : `backtest MAE ${formatReadable(incumbent.mae)}; no other model was ${Math.round((1 - SWITCH_MARGIN) * 100)}% better (${others})`;
  return {
    forecaster: winner.forecaster,
    errors: winner.errors as ErrorSample,
    selection: {
      chosen: winner.model,
      scores: results.map(({ model, mae, failure }) => ({
        model,
        mae,
        ...(failure ? { failure } : {}),
      })),
      reason,
    },
  };
}

/** Window by window, the mean of several models' backtest forecasts (same windows by design). */
function averageWindows(parts: BacktestWindow[][]): BacktestWindow[] {
  return parts[0].map(({ origin, predicted }, w) => ({
    origin,
    predicted: predicted.map((_, h) => {
      let sum = 0;
      for (const part of parts) sum += part[w].predicted[h];
      return sum / parts.length;
    }),
  }));
}
