/**
 * Replays demand through one policy, tick by tick. At each tick the fleet serves with its warm
 * servers; the policy sees their utilisation (capped at 100%, as CPU is) and picks the count for
 * the next tick; new servers serve only after the warm-up. Pure: the same inputs give the same
 * timeline.
 */
import type { TickDemand } from './demand.js';
import { advance, fleetOf, scaleTo, total } from './fleet.js';
import type { Policy } from './policies.js';

export interface ReplaySettings {
  capacityPerServer: number;
  targetUtilization: number;
  warmupMs: number;
}

export interface Timeline {
  start: number;
  tickMs: number;
  /** Servers in the fleet during each tick (billed), warming ones included. */
  servers: Float64Array;
  /** Warm servers during each tick (serving). */
  warm: Float64Array;
  /** Ticks at which the policy changed the count. */
  actions: number;
  /** How often each reason was given, e.g. { ScaleUpLimit: 12 }. */
  reasons: Record<string, number>;
}

/** Mean utilisation of `warm` servers under `demand`: at most 1, and 1 with none warm. */
export function utilizationOf(demand: number, warm: number, capacityPerServer: number): number {
  if (warm <= 0) return demand > 0 ? 1 : 0;
  return Math.min(1, demand / (warm * capacityPerServer));
}

/** The servers demand needs at the target utilisation (rounded up, float noise aside). */
export function neededAt(demand: number, settings: ReplaySettings): number {
  const raw = demand / (settings.capacityPerServer * settings.targetUtilization);
  return Math.ceil(Math.round(raw * 1e9) / 1e9);
}

export function replay(policy: Policy, demand: TickDemand, settings: ReplaySettings): Timeline {
  const { start, tickMs, values } = demand;
  const n = values.length;
  const servers = new Float64Array(n);
  const warm = new Float64Array(n);
  const reasons: Record<string, number> = {};
  let actions = 0;
  const initial = policy.initial(start, n > 0 ? neededAt(values[0], settings) : 0);
  let fleet = fleetOf(initial);
  let state = policy.init(start, initial);
  for (let k = 0; k < n; k++) {
    const now = start + k * tickMs;
    fleet = advance(fleet, now);
    const current = total(fleet);
    servers[k] = current;
    warm[k] = fleet.warm;
    const next = now + tickMs;
    const decision = policy.sync(state, {
      now: next,
      current,
      ready: fleet.warm,
      utilization: utilizationOf(values[k], fleet.warm, settings.capacityPerServer),
    });
    state = decision.state;
    reasons[decision.reason] = (reasons[decision.reason] ?? 0) + 1;
    if (decision.replicas !== current) {
      actions++;
      fleet = scaleTo(fleet, decision.replicas, next, settings.warmupMs);
    }
  }
  return { start, tickMs, servers, warm, actions, reasons };
}
