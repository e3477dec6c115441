import MultivariateLinearRegression from 'ml-regression-multivariate-linear';
import { FIRST_DESIGN_FEATURES, firstDesignRow } from '../features/calendar.js';
import type { Series } from '../types.js';
import {
  TimeFeatureModel,
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
function standardise(rows: number[][]): { means: number[]; scales: number[]; constant: boolean[] } {
  const width = rows[0].length;
  const means = new Array<number>(width).fill(0);
  const scales = new Array<number>(width).fill(0);
  for (const row of rows) row.forEach((v, j) => (means[j] += v / rows.length));
  for (const row of rows) row.forEach((v, j) => (scales[j] += (v - means[j]) ** 2 / rows.length));
  // Summing v / n leaves rounding noise, so "constant" is a spread tiny next to the mean.
  const constant = scales.map((s, j) => Math.sqrt(s) <= 1e-9 * Math.max(1, Math.abs(means[j])));
  return { means, scales: scales.map((s, j) => (constant[j] ? 1 : Math.sqrt(s))), constant };
}

class FittedLinear extends TimeFeatureModel<LinearState> {
  readonly name = 'linear';

  predictAt(times: Float64Array): Float64Array {
    const { means, scales, coefficients, intercept, zone } = this.state;
    return times.map((t) =>
      firstDesignRow(t, zone).reduce(
        (sum, v, j) => sum + ((v - means[j]) / scales[j]) * coefficients[j],
        intercept,
      ),
    );
  }
  describe() {
    const { features, coefficients, intercept } = this.state;
    return {
      ...this.inSample,
      intercept,
      coefficients: Object.fromEntries(features.map((f, j) => [f, coefficients[j]])),
    };
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
    const { means, scales, constant } = standardise(rows);
    // A feature that never varies in training (month, over 30 days) gets weight 0, as a
    // minimum-norm least-squares fit would give it; fitting it would divide by ~0.
    const used = FIRST_DESIGN_FEATURES.map((_, j) => j).filter((j) => !constant[j]);
    const x = rows.map((row) => used.map((j) => (row[j] - means[j]) / scales[j]));
    const regression = new MultivariateLinearRegression(x, targets, { statistics: false });
    const fitted = regression.weights.map((w) => w[0]);
    const weights = new Array<number>(FIRST_DESIGN_FEATURES.length + 1).fill(0);
    used.forEach((j, k) => (weights[j] = fitted[k]));
    weights[FIRST_DESIGN_FEATURES.length] = fitted[used.length];
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
    return new FittedLinear(state).scoredOn(history);
  },
};

export function restoreLinear(state: SavedState): FittedModel {
  return new FittedLinear(state as LinearState);
}
