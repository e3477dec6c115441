import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import {
  designFor,
  designRow,
  layoutOf,
  type DesignSpec,
  type FeatureGroup,
} from '../features/design.js';
import type { Series } from '../types.js';
import {
  TimeFeatureModel,
  timesOf,
  type FittedModel,
  type Forecaster,
  type ModelContext,
  type SavedState,
} from './types.js';

/**
 * Ridge penalty per feature group, in units of observations: a slot seen 8 times with penalty 4
 * keeps 8/12 of its own mean deviation. The trend's penalty scales with the history, so a
 * short-lived drift is damped rather than extrapolated.
 */
const PENALTY: Record<FeatureGroup, (n: number) => number> = {
  intercept: () => 1e-6,
  trend: (n) => 0.05 * n,
  daily: () => 1,
  weekly: () => 1,
  slot: () => 4,
};

interface RidgeState extends SavedState {
  spec: DesignSpec;
  features: string[];
  coefficients: number[];
}

class FittedRidge extends TimeFeatureModel<RidgeState> {
  readonly name = 'ridge';

  predictAt(times: Float64Array): Float64Array {
    const { spec, coefficients } = this.state;
    const row = new Float64Array(coefficients.length);
    return times.map((t) => {
      designRow(t, spec, row);
      let sum = 0;
      for (let j = 0; j < row.length; j++) sum += row[j] * coefficients[j];
      return sum;
    });
  }
  describe() {
    const { features, coefficients } = this.state;
    const top = features
      .map((f, j) => [f, coefficients[j]] as const)
      .filter(([f]) => !f.startsWith('slot_'));
    return { ...this.inSample, coefficients: Object.fromEntries(top) };
  }
}

/** Regularised regression on daily/weekly Fourier terms, slot-of-week effects and a trend. */
export const ridgeForecaster: Forecaster = {
  name: 'ridge',
  fit(history: Series, context: ModelContext): FittedModel {
    const spec = designFor(context.zone, history.stepMs, history.start, history.values.length);
    const { names, groups } = layoutOf(spec);
    const p = names.length;
    const times = timesOf(history);
    const xtx = new Float64Array(p * p);
    const xty = new Float64Array(p);
    const row = new Float64Array(p);
    let n = 0;
    for (let i = 0; i < times.length; i++) {
      const y = history.values[i];
      if (Number.isNaN(y)) continue;
      n++;
      designRow(times[i], spec, row);
      for (let a = 0; a < p; a++) {
        const ra = row[a];
        if (ra === 0) continue;
        xty[a] += ra * y;
        for (let b = a; b < p; b++) xtx[a * p + b] += ra * row[b];
      }
    }
    const gram = new Matrix(p, p);
    for (let a = 0; a < p; a++) {
      for (let b = a; b < p; b++) {
        gram.set(a, b, xtx[a * p + b]);
        gram.set(b, a, xtx[a * p + b]);
      }
      gram.set(a, a, gram.get(a, a) + PENALTY[groups[a]](n));
    }
    const solution = new CholeskyDecomposition(gram).solve(Matrix.columnVector(Array.from(xty)));
    const state: RidgeState = {
      model: 'ridge',
      zone: context.zone,
      stepMs: history.stepMs,
      spec,
      features: names,
      coefficients: solution.getColumn(0),
    };
    return new FittedRidge(state).scoredOn(history);
  },
};

export function restoreRidge(state: SavedState): FittedModel {
  return new FittedRidge(state as RidgeState);
}
