/**
 * Which stretch of a replay the chart shows: the busiest span (a week, by default) starting at a
 * whole day of the replay, so that the chart is about the days when policies differ. Pure.
 */
import { DAY_MS, WEEK_MS } from '../util/duration.js';
import type { TickDemand } from './demand.js';

/** [from, to) in epoch ms: the span of `spanMs` with the most demand, or the whole replay. */
export function busiestSpan(demand: TickDemand, spanMs = WEEK_MS): { from: number; to: number } {
  const { start, tickMs, values } = demand;
  const end = start + values.length * tickMs;
  const width = Math.round(spanMs / tickMs);
  if (values.length <= width) return { from: start, to: end };
  const day = Math.max(1, Math.round(DAY_MS / tickMs));
  const prefix = new Float64Array(values.length + 1);
  values.forEach((v, i) => (prefix[i + 1] = prefix[i] + v));
  let best = 0;
  let bestSum = -Infinity;
  for (let from = 0; from + width <= values.length; from += day) {
    const total = prefix[from + width] - prefix[from];
    if (total > bestSum) {
      bestSum = total;
      best = from;
    }
  }
  // The last span ends with the replay, even when the replay is not whole days.
  const last = values.length - width;
  if (prefix[values.length] - prefix[last] > bestSum) best = last;
  return { from: start + best * tickMs, to: start + (best + width) * tickMs };
}
