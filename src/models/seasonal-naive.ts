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

/** A value this many times above or below the same phase's median in earlier seasons is an anomaly. */
const ANOMALY_RATIO = 2.5;
/** Earlier seasons the median is taken over. */
const REFERENCE_SEASONS = 4;

/**
 * Seasonal naive that does not repeat anomalies: a value of the last season more than 2.5× off
 * the median of the same phase in up to four earlier seasons (an outage, a blizzard, a one-off
 * spike) is replaced by that median. Needs two earlier seasons to judge; otherwise it is plain.
 */
export function robustSeasonalNaive(
  history: Series,
  horizon: number,
  season: number,
): { forecast: Float64Array; replaced: number } {
  const forecast = seasonalNaive(history, horizon, season);
  const { values } = history;
  const n = values.length;
  let level = 0;
  let count = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    level += Math.abs(v);
    count++;
  }
  // Keeps near-zero values (night) from counting as anomalies by ratio alone.
  const floor = 0.05 * (level / Math.max(1, count));
  let replaced = 0;
  for (let h = 0; h < Math.min(horizon, season); h++) {
    const reference: number[] = [];
    for (let k = 2; k <= REFERENCE_SEASONS + 1; k++) {
      const v = values[n - k * season + h];
      if (n - k * season + h >= 0 && !Number.isNaN(v)) reference.push(v);
    }
    if (reference.length < 2) continue;
    reference.sort((a, b) => a - b);
    const mid = reference.length >> 1;
    const median =
      reference.length % 2 ? reference[mid] : (reference[mid - 1] + reference[mid]) / 2;
    const ratio = (forecast[h] + floor) / (median + floor);
    if (ratio > ANOMALY_RATIO || ratio < 1 / ANOMALY_RATIO) {
      replaced++;
      for (let i = h; i < horizon; i += season) forecast[i] = median;
    }
  }
  return { forecast, replaced };
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
    return robustSeasonalNaive(history, horizon, this.season).forecast;
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
