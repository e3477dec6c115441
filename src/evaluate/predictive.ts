/**
 * What the demand at each future step may be, learned from a model's own out-of-sample errors
 * (normalised split-conformal, Lei et al. 2018): every backtest error is divided by the error the
 * model typically makes at that level of load, so that busy and quiet hours pool into one sample
 * of scores; the demand at step t is then point(t) + spread(point(t)) × score, with the score
 * drawn from that sample. Busy hours get a band as wide as busy hours' errors were, quiet hours
 * one as narrow as theirs, and every model gets its band through this one piece of code.
 */
import { quantileSorted } from './quantile.js';

/** How large an error the model typically makes at a given level: base + perUnit × level. */
export interface Spread {
  base: number;
  perUnit: number;
  /** The smallest spread used, so that a level the errors never reached cannot divide by 0. */
  floor: number;
}

/** The predictive distribution of the demand at each step of a forecast. */
export interface PredictiveDistribution {
  /** The spread at each step. */
  scale: Float64Array;
  /** Normalised scores (error ÷ spread at its level), ascending. */
  scores: Float64Array;
}

export function spreadAt(spread: Spread, level: number): number {
  return Math.max(spread.floor, spread.base + spread.perUnit * Math.max(0, level));
}

/**
 * The spread that fits |error| ≈ base + perUnit × level by least squares, with both coefficients
 * kept ≥ 0 (a negative one is dropped and the other refitted alone).
 */
export function fitSpread(errors: ArrayLike<number>, levels: ArrayLike<number>): Spread {
  const n = errors.length;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const x = Math.max(0, levels[i]);
    const y = Math.abs(errors[i]);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const meanAbs = n > 0 ? sy / n : 0;
  const floor = Math.max(0.05 * meanAbs, Number.MIN_VALUE);
  const det = n * sxx - sx * sx;
  let perUnit = det > 0 ? (n * sxy - sx * sy) / det : 0;
  let base = n > 0 ? (sy - perUnit * sx) / n : 0;
  if (perUnit < 0) {
    perUnit = 0;
    base = meanAbs;
  } else if (base < 0) {
    base = 0;
    perUnit = sxx > 0 ? sxy / sxx : 0;
  }
  return { base, perUnit, floor };
}

/** The scores of errors made at these levels, ascending. */
export function normalisedScores(
  errors: ArrayLike<number>,
  levels: ArrayLike<number>,
  spread: Spread,
): Float64Array {
  const scores = Float64Array.from(errors, (e, i) => e / spreadAt(spread, levels[i]));
  return scores.sort();
}

/** The distribution at each step of a point forecast. */
export function predictiveDistribution(
  point: ArrayLike<number>,
  spread: Spread,
  scores: Float64Array,
): PredictiveDistribution {
  return { scale: Float64Array.from(point, (p) => spreadAt(spread, p)), scores };
}

/** The q quantile of the demand at step t. */
export function demandQuantile(
  point: number,
  scale: number,
  scores: Float64Array,
  q: number,
): number {
  return point + scale * quantileSorted(scores, q);
}

/** Share of the scores under which the demand at a step exceeds `capacity`. */
export function exceedance(
  point: number,
  scale: number,
  scores: Float64Array,
  capacity: number,
): number {
  if (scores.length === 0) return 0;
  const threshold = (capacity - point) / scale;
  // First index whose score is above the threshold.
  let lo = 0;
  let hi = scores.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (scores[mid] > threshold) hi = mid;
    else lo = mid + 1;
  }
  return (scores.length - lo) / scores.length;
}
