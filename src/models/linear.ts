import MultivariateLinearRegression from 'ml-regression-multivariate-linear';
import { FIRST_DESIGN_FEATURES, firstDesignRow } from '../features/calendar.js';
import type { Series } from '../types.js';
import {
  fitStatistics,
  futureTimes,
  timesOf,
  type FittedModel,
  type Forecaster,
  type ModelContext,
  type SavedState,
} from './types.js';

interface LinearState extends SavedState {
  features: string[];
  means: number[];
  scales: number[];
  coefficients: number[];
  intercept: number;
}

/** Standardise columns; a constant column gets scale 1 so it contributes nothing. */
function standardise(rows: number[][]): { means: number[]; scales: number[] } {
  const width = rows[0].length;
  const means = new Array<number>(width).fill(0);
  const scales = new Array<number>(width).fill(0);
  for (const row of rows) row.forEach((v, j) => (means[j] += v / rows.length));
  for (const row of rows) row.forEach((v, j) => (scales[j] += (v - means[j]) ** 2 / rows.length));
  return { means, scales: scales.map((s) => (s > 0 ? Math.sqrt(s) : 1)) };
}

class FittedLinear implements FittedModel {
  readonly name = 'linear';
  constructor(
    readonly state: LinearState,
    readonly inSample: { mse: number; r2: number },
  ) {}

  predictAt(times: Float64Array): Float64Array {
    const { means, scales, coefficients, intercept, zone } = this.state;
    return times.map((t) =>
      firstDesignRow(t, zone).reduce(
        (sum, v, j) => sum + ((v - means[j]) / scales[j]) * coefficients[j],
        intercept,
      ),
    );
  }
  predict(history: Series, horizon: number): Float64Array {
    return this.predictAt(futureTimes(history, horizon));
  }
  describe() {
    const { features, coefficients, intercept } = this.state;
    return {
      ...this.inSample,
      intercept,
      coefficients: Object.fromEntries(features.map((f, j) => [f, coefficients[j]])),
    };
  }
  toJSON(): SavedState {
    return this.state;
  }
}

/** The first design: OLS with an intercept on standardised hour, weekday, day, month, weekend. */
export const linearForecaster: Forecaster = {
  name: 'linear',
  fit(history: Series, context: ModelContext): FittedModel {
    const times = timesOf(history);
    const rows: number[][] = [];
    const targets: number[][] = [];
    history.values.forEach((v, i) => {
      if (Number.isNaN(v)) return;
      rows.push(firstDesignRow(times[i], context.zone));
      targets.push([v]);
    });
    const { means, scales } = standardise(rows);
    const x = rows.map((row) => row.map((v, j) => (v - means[j]) / scales[j]));
    const regression = new MultivariateLinearRegression(x, targets, { statistics: false });
    const weights = regression.weights.map((w) => w[0]);
    const state: LinearState = {
      model: 'linear',
      zone: context.zone,
      stepMs: history.stepMs,
      features: FIRST_DESIGN_FEATURES,
      means,
      scales,
      coefficients: weights.slice(0, FIRST_DESIGN_FEATURES.length),
      intercept: weights[FIRST_DESIGN_FEATURES.length],
    };
    const model = new FittedLinear(state, { mse: NaN, r2: NaN });
    return new FittedLinear(state, fitStatistics(history.values, model.predictAt(times)));
  },
};

export function restoreLinear(state: SavedState): FittedModel {
  return new FittedLinear(state as LinearState, { mse: NaN, r2: NaN });
}
