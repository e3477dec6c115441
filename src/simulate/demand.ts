/**
 * Demand on the simulation's tick: each interval's value spread over its ticks so that the
 * interval's mean is kept, without jumps at interval boundaries. Pure.
 *
 * The curve is piecewise linear: at each interval boundary it takes the mean of the two intervals
 * either side, and at each interval's middle whatever value makes the interval's mean equal to
 * its value (clamped at 0, so a quiet interval next to a busy one may average a little above its
 * value). A reactive policy therefore sees demand ramp up within the hour as it would in life,
 * and an hourly peak's busiest minutes lie above the hourly mean.
 */
import type { Series } from '../types.js';

export interface TickDemand {
  start: number;
  tickMs: number;
  /** Demand at each tick (missing intervals filled linearly, so that policies keep running). */
  values: Float64Array;
  /** False for ticks in an interval without data: they are replayed but not scored. */
  scored: Uint8Array;
}

/** A copy with missing values filled: linearly between known ones, held flat at the ends. */
export function fillMissing(values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values);
  const known: number[] = [];
  out.forEach((v, i) => {
    if (!Number.isNaN(v)) known.push(i);
  });
  if (known.length === 0) return out.fill(0);
  for (let i = 0; i < known[0]; i++) out[i] = out[known[0]];
  const last = known[known.length - 1];
  for (let i = last + 1; i < out.length; i++) out[i] = out[last];
  for (let k = 1; k < known.length; k++) {
    const a = known[k - 1];
    const b = known[k];
    for (let i = a + 1; i < b; i++) out[i] = out[a] + ((out[b] - out[a]) * (i - a)) / (b - a);
  }
  return out;
}

/**
 * Demand at `tickMs` resolution for intervals [from, to) of `series`, whose values are means over
 * each interval. The tick must divide the interval. `measured(i)` says whether interval i is
 * scored (default: it has a value).
 */
export function tickDemand(
  series: Series,
  from: number,
  to: number,
  tickMs: number,
  measured: (i: number) => boolean = (i) => !Number.isNaN(series.values[i]),
): TickDemand {
  const { stepMs } = series;
  const perStep = stepMs / tickMs;
  if (!Number.isInteger(perStep) || perStep < 1) {
    throw new Error(`tick ${tickMs} ms does not divide the interval ${stepMs} ms`);
  }
  const v = fillMissing(series.values);
  const n = v.length;
  const edge = (i: number) => (i <= 0 ? v[0] : i >= n ? v[n - 1] : (v[i - 1] + v[i]) / 2);
  const ticks = (to - from) * perStep;
  const values = new Float64Array(ticks);
  const scored = new Uint8Array(ticks);
  for (let i = from; i < to; i++) {
    const left = edge(i);
    const right = edge(i + 1);
    const middle = Math.max(0, (4 * v[i] - left - right) / 2);
    const known = measured(i) ? 1 : 0;
    const curve = (x: number) =>
      x <= 0.5 ? left + (middle - left) * 2 * x : middle + (right - middle) * (2 * x - 1);
    for (let k = 0; k < perStep; k++) {
      // A tick's mean: the curve at its middle (exact on a straight piece), or, for the tick
      // that holds the interval's middle, the two pieces' areas.
      const a = k / perStep;
      const b = (k + 1) / perStep;
      const mean =
        b <= 0.5 || a >= 0.5
          ? curve((a + b) / 2)
          : ((0.5 - a) * (curve(a) + middle) + (b - 0.5) * (middle + curve(b))) / (2 * (b - a));
      const at = (i - from) * perStep + k;
      values[at] = Math.max(0, mean);
      scored[at] = known;
    }
  }
  return { start: series.start + from * stepMs, tickMs, values, scored };
}
