import type { Series } from '../types.js';
import { DAY_MS, WEEK_MS } from '../util/duration.js';
import {
  fitStatistics,
  type FittedModel,
  type Forecaster,
  type ModelContext,
  type SavedState,
} from './types.js';

/** The season the baseline repeats: a week when two weeks are known, else a day. */
export function seasonLength(stepMs: number, historySteps: number): number {
  const week = Math.round(WEEK_MS / stepMs);
  const day = Math.max(1, Math.round(DAY_MS / stepMs));
  return historySteps >= 2 * week ? week : day;
}

/** Repeats the last observed season; missing values reach back one more season. */
export function seasonalNaive(history: Series, horizon: number, season: number): Float64Array {
  const { values } = history;
  const n = values.length;
  const out = new Float64Array(horizon);
  for (let h = 0; h < horizon; h++) {
    let index = n - season + (h % season);
    while (index >= 0 && Number.isNaN(values[index])) index -= season;
    out[h] = index >= 0 ? values[index] : lastValue(values);
  }
  return out;
}

function lastValue(values: Float64Array): number {
  for (let i = values.length - 1; i >= 0; i--) if (!Number.isNaN(values[i])) return values[i];
  return NaN;
}

class FittedSeasonalNaive implements FittedModel {
  readonly name = 'seasonal-naive';
  constructor(
    readonly season: number,
    readonly state: SavedState,
    readonly inSample: { mse: number; r2: number },
  ) {}
  predict(history: Series, horizon: number): Float64Array {
    return seasonalNaive(history, horizon, this.season);
  }
  describe() {
    return { season_steps: this.season, ...this.inSample };
  }
  toJSON(): SavedState {
    return this.state;
  }
}

export const seasonalNaiveForecaster: Forecaster = {
  name: 'seasonal-naive',
  fit(history: Series, context: ModelContext): FittedModel {
    const season = seasonLength(history.stepMs, history.values.length);
    const { values } = history;
    const fitted = new Float64Array(values.length).fill(NaN);
    for (let i = season; i < values.length; i++) fitted[i] = values[i - season];
    const actual = values.map((v, i) => (i < season || Number.isNaN(fitted[i]) ? NaN : v));
    return new FittedSeasonalNaive(
      season,
      { model: 'seasonal-naive', zone: context.zone, stepMs: history.stepMs, season },
      fitStatistics(actual, fitted),
    );
  },
};

export function restoreSeasonalNaive(state: SavedState): FittedModel {
  return new FittedSeasonalNaive(Number(state.season), state, { mse: NaN, r2: NaN });
}
