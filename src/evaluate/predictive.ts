/**
 * What the demand at each future step may be, learned from a model's own out-of-sample errors
 * (normalised split-conformal, Lei et al. 2018): every backtest error is divided by the error the
 * model typically makes at that level of load, so that busy and quiet hours pool into one sample
 * of scores; the demand at step t is then point(t) + spread(point(t)) × score, with the score
 * drawn from that sample. Busy hours get a band as wide as busy hours' errors were, quiet hours
 * one as narrow as theirs, and every model gets its band through this one piece of code.
 */

/** How large an error the model typically makes at a given level: base + perUnit × level. */
export interface Spread {
  base: number;
  perUnit: number;
  /** The smallest spread used, so that a level the errors never reached cannot divide by 0. */
  floor: number;
}

/**
 * The predictive distribution of the demand at each step of a forecast. Between the scores it is
 * their empirical distribution, interpolated (Hazen plotting positions: the i-th of n scores is
 * the (i + ½)/n quantile); above the largest score it goes on as an exponential tail whose scale
 * is the mean excess of the scores over their 90th percentile, so that no capacity is ever
 * promised to be quite safe, and the chance of a shortfall falls smoothly as servers are added.
 */
export interface PredictiveDistribution {
  /** The spread at each step. */
  scale: Float64Array;
  /** Normalised scores (error ÷ spread at its level), ascending. */
  scores: Float64Array;
  /** The scale of the exponential tail above the largest score. */
  tail: number;
}

/** The scores with their tail: what the distribution at every step shares. */
export type Scores = Pick<PredictiveDistribution, 'scores' | 'tail'>;

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

/** The tail scale of ascending scores: their mean excess over the 90th percentile. */
export function tailScale(scores: Float64Array): number {
  const n = scores.length;
  if (n === 0) return 0;
  const threshold = scoreQuantile({ scores, tail: 0 }, 0.9);
  let excess = 0;
  let count = 0;
  for (let i = n - 1; i >= 0 && scores[i] > threshold; i--) {
    excess += scores[i] - threshold;
    count++;
  }
  const spread = scores[n - 1] - scores[0];
  return Math.max(count > 0 ? excess / count : 0, spread / n, Number.MIN_VALUE);
}

/** The distribution at each step of a point forecast. */
export function predictiveDistribution(
  point: ArrayLike<number>,
  spread: Spread,
  scores: Float64Array,
): PredictiveDistribution {
  return {
    scale: Float64Array.from(point, (p) => spreadAt(spread, p)),
    scores,
    tail: tailScale(scores),
  };
}

/** The q quantile of the scores (see PredictiveDistribution). */
export function scoreQuantile({ scores, tail }: Scores, q: number): number {
  const n = scores.length;
  if (n === 0) return 0;
  const position = q * n - 0.5;
  if (position <= 0) return scores[0];
  if (position >= n - 1) {
    const beyond = 1 - q;
    return scores[n - 1] + (beyond > 0 ? tail * Math.log(0.5 / n / beyond) : Infinity);
  }
  const below = Math.floor(position);
  return scores[below] + (scores[below + 1] - scores[below]) * (position - below);
}

/** The q quantile of the demand at a step. */
export function demandQuantile(point: number, scale: number, scores: Scores, q: number): number {
  return point + scale * scoreQuantile(scores, q);
}

/** The chance that the demand at a step exceeds `capacity`. */
export function exceedance(
  point: number,
  scale: number,
  { scores, tail }: Scores,
  capacity: number,
): number {
  const n = scores.length;
  if (n === 0) return 0;
  const threshold = (capacity - point) / scale;
  if (threshold >= scores[n - 1]) return (0.5 / n) * Math.exp(-(threshold - scores[n - 1]) / tail);
  if (threshold < scores[0]) return 1 - 0.5 / n;
  // The last score at or below the threshold.
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (scores[mid] <= threshold) lo = mid;
    else hi = mid - 1;
  }
  const fraction = (threshold - scores[lo]) / (scores[lo + 1] - scores[lo]);
  return 1 - (lo + 0.5 + fraction) / n;
}
