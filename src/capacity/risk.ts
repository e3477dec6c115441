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
 * somewhere along the same sequence of removals, so a wider budget never adds a server.
 */
import { exceedance, type PredictiveDistribution } from '../evaluate/predictive.js';
import type { CapacitySettings } from '../types.js';
import { MAX_SERVERS } from './servers.js';

export interface RiskOutcome {
  /** The share of steps the plan expects demand above 100% of planned capacity. */
  expectedShortShare: number;
  /** Σ over steps of that probability: the expected count of short steps. */
  expectedShortSteps: number;
  /** Σ (servers − servers for the point forecast at the target utilisation), in server-steps. */
  extraServerSteps: number;
}

/** Per step: the counts worth considering, from `first`, and the chance of a shortfall with each. */
interface Options {
  first: number;
  shortfall: Float64Array;
}

function optionsAt(
  point: number,
  scale: number,
  scores: Float64Array,
  floor: number,
  settings: CapacitySettings,
): Options {
  const { capacityPerServer: c, maxServers } = settings;
  const top = scores.length > 0 ? scores[scores.length - 1] : 0;
  // Counts beyond MAX_SERVERS are never worth listing; the floor has been checked against it.
  const safest = Math.min(MAX_SERVERS, Math.ceil((point + scale * top) / c));
  const ceiling = Math.min(maxServers, Math.max(floor, safest));
  const shortfall = new Float64Array(ceiling - floor + 1);
  for (let k = floor; k <= ceiling; k++) {
    shortfall[k - floor] = exceedance(point, scale, scores, k * c);
  }
  return { first: floor, shortfall };
}

/** A binary min-heap of steps, ordered by the shortfall their next removal adds, then by step. */
class RemovalQueue {
  private readonly items: { step: number; added: number }[] = [];

  push(step: number, added: number): void {
    const items = this.items;
    items.push({ step, added });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop(): { step: number; added: number } | undefined {
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
        if (left < items.length && this.before(items[left], items[smallest])) smallest = left;
        if (right < items.length && this.before(items[right], items[smallest])) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest], items[i]];
        i = smallest;
      }
    }
    return top;
  }

  private before(a: { step: number; added: number }, b: { step: number; added: number }) {
    return a.added < b.added || (a.added === b.added && a.step < b.step);
  }
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
  const { scale, scores } = distribution;
  const options = Array.from(point, (p, t) => optionsAt(p, scale[t], scores, floors[t], settings));
  // Index into each step's options: start at the safest count.
  const chosen = options.map((o) => o.shortfall.length - 1);
  let expected = 0;
  const queue = new RemovalQueue();
  const offer = (t: number) => {
    const i = chosen[t];
    if (i > 0) queue.push(t, options[t].shortfall[i - 1] - options[t].shortfall[i]);
  };
  options.forEach((o, t) => {
    expected += o.shortfall[chosen[t]];
    offer(t);
  });
  const allowed = budget * point.length;
  for (let next = queue.pop(); next; next = queue.pop()) {
    if (expected + next.added > allowed * (1 + 1e-12)) break;
    expected += next.added;
    chosen[next.step]--;
    offer(next.step);
  }
  return Float64Array.from(options, (o, t) => o.first + chosen[t]);
}

/** What a plan risks: its expected short steps and its servers above the point forecast's. */
export function riskOf(
  point: Float64Array,
  distribution: PredictiveDistribution,
  servers: Float64Array,
  floors: Float64Array,
  settings: CapacitySettings,
): RiskOutcome {
  const { scale, scores } = distribution;
  let expectedShortSteps = 0;
  let extraServerSteps = 0;
  point.forEach((p, t) => {
    expectedShortSteps += exceedance(p, scale[t], scores, servers[t] * settings.capacityPerServer);
    extraServerSteps += servers[t] - floors[t];
  });
  return {
    expectedShortShare: point.length > 0 ? expectedShortSteps / point.length : 0,
    expectedShortSteps,
    extraServerSteps,
  };
}
