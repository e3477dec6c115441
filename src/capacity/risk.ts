/**
 * The risk budget: plan the fewest servers for which the expected share of steps whose demand
 * exceeds 100% of the planned capacity is at most the budget, never fewer than the forecast
 * needs at the target utilisation.
 *
 * The budget is spent where it saves most. Every step starts with the servers that cover all the
 * demand its distribution allows; then, one server at a time, the server whose removal adds the
 * least expected shortfall is removed, until the next one would overrun the budget. Steps whose
 * band is narrow stay covered for a server or two; steps with a long tail (a burst that may or
 * may not come) take the risk, which would cost many servers to remove. Every budget stops
 * somewhere along the same sequence of removals, so a wider budget never adds a server. Removals go
along the lower convex hull of each step's shortfall curve (see lowerHull), which is what makes
the cheapest-first order spend the budget well when the errors come in clusters.
 */
import {
  exceedance,
  scoreQuantile,
  type PredictiveDistribution,
  type Scores,
} from '../evaluate/predictive.js';
import type { CapacitySettings, RiskOutcome } from '../types.js';
import { MAX_SERVERS } from './limits.js';

/**
 * Per step: the counts worth considering (ascending, from the floor to the safest) and the chance
 * of a shortfall with each; `corners` index the counts on the lower convex hull of that curve.
 */
interface Options {
  counts: Float64Array;
  shortfall: Float64Array;
  corners: number[];
}

/** A chance of a shortfall too small to be worth a server, at any budget: where plans start. */
const NEGLIGIBLE = 1e-6;

/**
 * The most counts listed over all steps. A plan of thousands of servers over a long horizon lists
 * every stride-th count instead (always with its floor and its safest), so that time and memory
 * stay bounded; its counts are then at most a stride above the best.
 */
const MOST_OPTIONS = 1_000_000;

/** The counts a step may take: from its floor to the first whose shortfall is negligible. */
function rangeAt(
  point: number,
  scale: number,
  scores: Scores,
  floor: number,
  settings: CapacitySettings,
): { floor: number; ceiling: number; capped: boolean } {
  const { capacityPerServer: c, maxServers } = settings;
  const top = scoreQuantile(scores, 1 - NEGLIGIBLE);
  // Counts beyond MAX_SERVERS are never worth listing; the floor has been checked against it.
  let safest = Math.min(MAX_SERVERS, Math.ceil((point + scale * top) / c));
  // Landing on the largest score itself still leaves half a score above it.
  while (safest < MAX_SERVERS && exceedance(point, scale, scores, safest * c) > NEGLIGIBLE)
    safest++;
  const wanted = Math.max(floor, safest);
  return { floor, ceiling: Math.min(maxServers, wanted), capped: maxServers < wanted };
}

function optionsAt(
  point: number,
  scale: number,
  scores: Scores,
  range: { floor: number; ceiling: number },
  stride: number,
  capacityPerServer: number,
): Options {
  const { floor, ceiling } = range;
  const steps = Math.ceil((ceiling - floor) / stride);
  const counts = Float64Array.from({ length: steps + 1 }, (_, i) =>
    Math.min(ceiling, floor + i * stride),
  );
  const shortfall = counts.map((k) => exceedance(point, scale, scores, k * capacityPerServer));
  return { counts, shortfall, corners: lowerHull(counts, shortfall) };
}

/**
 * The indices of the lower convex hull of (xs[i], ys[i]), xs ascending. Removing servers along the
 * hull costs more per server the fewer remain, so the cheapest removal of every step is always its
 * next one: a step is never held at a count just because the next server alone would cross a
 * cluster of errors that the one after it would not.
 */
function lowerHull(xs: Float64Array, ys: Float64Array): number[] {
  const hull: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    while (hull.length >= 2) {
      const a = hull[hull.length - 2];
      const b = hull[hull.length - 1];
      const cross = (xs[b] - xs[a]) * (ys[i] - ys[a]) - (ys[b] - ys[a]) * (xs[i] - xs[a]);
      // Collinear points stay (within rounding), so a straight stretch is removed a server at a time.
      if (cross >= -1e-12) break;
      hull.pop();
    }
    hull.push(i);
  }
  return hull;
}

interface Removal {
  step: number;
  /** Expected short steps the removal adds. */
  added: number;
  /** `added` per server removed. */
  price: number;
}

/** A binary min-heap of removals, cheapest per server first, then by step. */
class RemovalQueue {
  private readonly items: Removal[] = [];

  push(removal: Removal): void {
    const items = this.items;
    items.push(removal);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop(): Removal | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && before(items[left], items[smallest])) smallest = left;
        if (right < items.length && before(items[right], items[smallest])) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest], items[i]];
        i = smallest;
      }
    }
    return top;
  }
}

function before(a: Removal, b: Removal): boolean {
  return a.price < b.price || (a.price === b.price && a.step < b.step);
}

/**
 * Servers per step for a risk budget (a share of steps, e.g. 0.01), at least `floors` (the
 * servers the forecast needs at the target utilisation, already within min and max).
 */
export function serversWithinBudget(
  point: Float64Array,
  distribution: PredictiveDistribution,
  floors: Float64Array,
  settings: CapacitySettings,
  budget: number,
): Float64Array {
  const { scale } = distribution;
  const ranges = Array.from(point, (p, t) =>
    rangeAt(p, scale[t], distribution, floors[t], settings),
  );
  const listed = ranges.reduce((sum, r) => sum + r.ceiling - r.floor + 1, 0);
  const stride = Math.max(1, Math.ceil(listed / MOST_OPTIONS));
  const options = ranges.map((range, t) =>
    optionsAt(point[t], scale[t], distribution, range, stride, settings.capacityPerServer),
  );
  // Position on each step's hull: start at the safest count.
  const chosen = options.map((o) => o.corners.length - 1);
  const countAt = (t: number) => options[t].counts[options[t].corners[chosen[t]]];
  let expected = 0;
  const queue = new RemovalQueue();
  const offer = (t: number) => {
    const j = chosen[t];
    if (j === 0) return;
    const { counts, shortfall, corners } = options[t];
    const added = shortfall[corners[j - 1]] - shortfall[corners[j]];
    queue.push({ step: t, added, price: added / (counts[corners[j]] - counts[corners[j - 1]]) });
  };
  // A step held below its safest count by --max-servers keeps a shortfall no server can remove:
  // outside the budget, which the other steps would otherwise chase by growing (to no avail).
  let unavoidable = 0;
  options.forEach((o, t) => {
    const start = o.shortfall[o.corners[chosen[t]]];
    expected += start;
    if (ranges[t].capped) unavoidable += start;
    offer(t);
  });
  const allowed = budget * point.length + unavoidable;
  for (let next = queue.pop(); next; next = queue.pop()) {
    if (expected + next.added > allowed * (1 + 1e-12)) break;
    expected += next.added;
    chosen[next.step]--;
    offer(next.step);
  }
  return Float64Array.from(options, (_, t) => countAt(t));
}

/** What a plan risks: its expected short steps and its servers above the point forecast's. */
export function riskOf(
  point: Float64Array,
  distribution: PredictiveDistribution,
  servers: Float64Array,
  floors: Float64Array,
  settings: CapacitySettings,
): RiskOutcome {
  const { scale } = distribution;
  let expectedShortSteps = 0;
  let extraServerSteps = 0;
  point.forEach((p, t) => {
    expectedShortSteps += exceedance(
      p,
      scale[t],
      distribution,
      servers[t] * settings.capacityPerServer,
    );
    extraServerSteps += servers[t] - floors[t];
  });
  return {
    expectedShortShare: point.length > 0 ? expectedShortSteps / point.length : 0,
    expectedShortSteps,
    extraServerSteps,
  };
}
