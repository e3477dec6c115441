import { UserError } from '../errors.js';
import { ensembleOf, restoreEnsemble } from './ensemble.js';
import { linearForecaster, restoreLinear } from './linear.js';
import { onLocalClock, restoredOnLocalClock } from './local-clock.js';
import { mstlForecaster, restoreMstl } from './mstl.js';
import { ridgeForecaster, restoreRidge } from './ridge.js';
import { restoreSeasonalNaive, seasonalNaiveForecaster } from './seasonal-naive.js';
import type { FittedModel, Forecaster, SavedState } from './types.js';

// Models that repeat a season by step count forecast on the local clock of --timezone.
const seasonalNaive = onLocalClock(seasonalNaiveForecaster);
const mstl = onLocalClock(mstlForecaster);

interface Entry {
  forecaster: Forecaster;
  restore: (state: SavedState) => FittedModel;
  summary: string;
}

const MODELS: Record<string, Entry> = {
  ridge: {
    forecaster: ridgeForecaster,
    restore: restoreRidge,
    summary:
      'robust ridge regression on the log scale: daily/weekly Fourier terms, hour-of-week effects, holidays and events, a damped trend',
  },
  'seasonal-naive': {
    forecaster: seasonalNaive,
    restore: restoredOnLocalClock(restoreSeasonalNaive),
    summary:
      'repeats the last week (or day, with under two weeks of history), skipping values 2.5× off the weeks before: the baseline',
  },
  mstl: {
    forecaster: mstl,
    restore: restoredOnLocalClock(restoreMstl),
    summary:
      'MSTL (daily and weekly STL) with an ETS trend chosen by AICc; @bsull/augurs where the fast path cannot fit',
  },
  ensemble: {
    forecaster: ensembleOf([ridgeForecaster, mstl, seasonalNaive]),
    restore: (state) => restoreEnsemble(state, restoreModel),
    summary: 'the mean of the ridge, mstl and seasonal-naive forecasts',
  },
  linear: {
    forecaster: linearForecaster,
    restore: restoreLinear,
    summary: 'OLS on standardised hour, weekday, day of month, month, weekend',
  },
};

/** `auto` is not a model but a choice among these, by backtest (see evaluate/select.ts). */
export const AUTO = 'auto';
export const AUTO_CANDIDATES = ['ensemble', 'ridge', 'seasonal-naive', 'mstl'];
/** The models the ensemble averages, so that a backtest can reuse their forecasts. */
export const ENSEMBLE_PARTS: Record<string, string[]> = {
  ensemble: ['ridge', 'mstl', 'seasonal-naive'],
};
export const DEFAULT_MODEL = AUTO;
export const MODEL_NAMES = Object.keys(MODELS);

export function modelSummaries(): string {
  const auto = `chooses among ${AUTO_CANDIDATES.join(', ')} by backtest on your history (default)`;
  return [`  ${AUTO.padEnd(15)} ${auto}`]
    .concat(MODEL_NAMES.map((name) => `  ${name.padEnd(15)} ${MODELS[name].summary}`))
    .join('\n');
}

export function getForecaster(name: string): Forecaster {
  const entry = MODELS[name];
  if (!entry) {
    throw new UserError(
      `unknown model '${name}'`,
      `choose one of: ${[AUTO, ...MODEL_NAMES].join(', ')}`,
    );
  }
  return entry.forecaster;
}

export function restoreModel(state: SavedState): FittedModel {
  const entry = MODELS[state.model];
  if (!entry) throw new UserError(`the model file names an unknown model '${state.model}'`);
  return entry.restore(state);
}
