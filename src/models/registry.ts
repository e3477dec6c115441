import { UserError } from '../errors.js';
import { linearForecaster, restoreLinear } from './linear.js';
import { ridgeForecaster, restoreRidge } from './ridge.js';
import { restoreSeasonalNaive, seasonalNaiveForecaster } from './seasonal-naive.js';
import type { FittedModel, Forecaster, SavedState } from './types.js';

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
      'regularised regression on daily/weekly Fourier terms, hour-of-week effects and a trend (default)',
  },
  'seasonal-naive': {
    forecaster: seasonalNaiveForecaster,
    restore: restoreSeasonalNaive,
    summary: 'repeats the last week (or day, with under two weeks of history): the baseline',
  },
  linear: {
    forecaster: linearForecaster,
    restore: restoreLinear,
    summary: "the first design's OLS on standardised hour, weekday, day of month, month, weekend",
  },
};

export const DEFAULT_MODEL = 'ridge';
export const MODEL_NAMES = Object.keys(MODELS);

export function modelSummaries(): string {
  return MODEL_NAMES.map((name) => `  ${name.padEnd(15)} ${MODELS[name].summary}`).join('\n');
}

export function getForecaster(name: string): Forecaster {
  const entry = MODELS[name];
  if (!entry) {
    throw new UserError(`unknown model '${name}'`, `choose one of: ${MODEL_NAMES.join(', ')}`);
  }
  return entry.forecaster;
}

export function restoreModel(state: SavedState): FittedModel {
  const entry = MODELS[state.model];
  if (!entry) throw new UserError(`the model file names an unknown model '${state.model}'`);
  return entry.restore(state);
}
