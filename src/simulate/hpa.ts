/**
 * The Kubernetes HorizontalPodAutoscaler's replica arithmetic, as pure functions of their inputs
 * (time is passed in, never read). Follows pkg/controller/podautoscaler: `replica_calculator.go`
 * (desired = ceil(current × metric / target), the tolerance band, servers still warming counted at
 * 0% on a scale-up) and `horizontal.go` (min/max, the stabilisation windows, the rate policies of
 * `behavior`, and the scale events those count against). Utilisation is in whole percent, as the
 * HPA computes it.
 */
import type { HpaBehavior, ScalingRules } from './behavior.js';

export interface HpaSpec {
  /** Target utilisation, a fraction (0.7 = 70%). */
  targetUtilization: number;
  tolerance: number;
  minReplicas: number;
  maxReplicas: number;
  behavior: HpaBehavior;
}

/** What the HPA remembers between syncs. */
export interface HpaState {
  /** Unstabilised recommendations, for the stabilisation windows. */
  recommendations: { at: number; replicas: number }[];
  /** Replica changes made, for the rate policies: positive up, negative down. */
  events: { at: number; change: number }[];
}

export const INITIAL_HPA_STATE: HpaState = { recommendations: [], events: [] };

export interface HpaObservation {
  now: number;
  /** Replicas the fleet has (its spec), warming ones included. */
  current: number;
  /** Replicas that are ready (warm) and report the metric. */
  ready: number;
  /** Mean utilisation of the ready replicas, a fraction (CPU: at most 1). */
  utilization: number;
}

export interface Decision {
  replicas: number;
  /** Why: a short code, as the HPA's conditions name them. */
  reason: string;
}

/** Integer percent of `usage` (in replicas' worth of work) spread over `pods`, as the HPA computes it. */
function percentOf(usage: number, pods: number): number {
  return Math.floor((usage * 100) / pods + 1e-9);
}

/**
 * The replica calculator for a utilisation metric: desired = ceil(ready × utilisation / target),
 * the current count within the tolerance band, and on a scale-up with replicas still warming,
 * those counted at 0% (so that the HPA does not scale again for load the warming ones will take).
 */
export function replicasForUtilization(
  spec: Pick<HpaSpec, 'targetUtilization' | 'tolerance'>,
  observation: Omit<HpaObservation, 'now'>,
): Decision {
  const { current, ready, utilization } = observation;
  if (ready <= 0) return { replicas: current, reason: 'NoReadyReplicas' };
  const target = Math.round(spec.targetUtilization * 100);
  const usage = utilization * ready;
  const usageRatio = percentOf(usage, ready) / target;
  const unready = current - ready;
  if (!(unready > 0 && usageRatio > 1)) {
    if (Math.abs(1 - usageRatio) <= spec.tolerance) {
      return { replicas: current, reason: 'WithinTolerance' };
    }
    return { replicas: Math.ceil(usageRatio * ready), reason: 'MetricRatio' };
  }
  const newRatio = percentOf(usage, current) / target;
  if (Math.abs(1 - newRatio) <= spec.tolerance || newRatio < 1) {
    return { replicas: current, reason: 'WaitingForWarmUp' };
  }
  const replicas = Math.ceil(newRatio * current);
  return replicas < current
    ? { replicas: current, reason: 'WaitingForWarmUp' }
    : { replicas, reason: 'MetricRatioWithWarmingReplicas' };
}

/**
 * The stabilisation windows: not below the lowest recommendation of the scale-up window, not
 * above the highest of the scale-down window (the current recommendation included in both).
 */
export function stabilize(
  behavior: HpaBehavior,
  recommendations: HpaState['recommendations'],
  now: number,
  current: number,
  desired: number,
): Decision {
  const upCutoff = now - behavior.scaleUp.stabilizationWindowSeconds * 1000;
  const downCutoff = now - behavior.scaleDown.stabilizationWindowSeconds * 1000;
  let up = desired;
  let down = desired;
  for (const r of recommendations) {
    if (r.at > upCutoff) up = Math.min(up, r.replicas);
    if (r.at > downCutoff) down = Math.max(down, r.replicas);
  }
  let replicas = current;
  if (replicas < up) replicas = up;
  if (replicas > down) replicas = down;
  const reason =
    replicas === desired
      ? 'Recommended'
      : replicas > desired
        ? 'ScaleDownStabilized'
        : 'ScaleUpStabilized';
  return { replicas, reason };
}

/** Net replicas added (or, negated, removed) within the last `periodSeconds`. */
function changedWithin(
  events: HpaState['events'],
  now: number,
  periodSeconds: number,
  sign: 1 | -1,
): number {
  const cutoff = now - periodSeconds * 1000;
  let sum = 0;
  for (const e of events) if (e.at > cutoff && Math.sign(e.change) === sign) sum += sign * e.change;
  return sum;
}

/**
 * The most replicas the scale-up policies allow now. Float arithmetic as in Go, so that the
 * result is the HPA's to the replica (10 × 1.1 is 11.000000000000002 there too, and rounds up).
 */
export function scaleUpLimit(
  rules: ScalingRules,
  events: HpaState['events'],
  now: number,
  current: number,
): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
  let result = rules.selectPolicy === 'Min' ? Infinity : -Infinity;
  for (const p of rules.policies) {
    const start =
      current -
      changedWithin(events, now, p.periodSeconds, 1) +
      changedWithin(events, now, p.periodSeconds, -1);
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** The fewest replicas the scale-down policies allow now (Percent truncates, as Go's int32()). */
export function scaleDownLimit(
  rules: ScalingRules,
  events: HpaState['events'],
  now: number,
  current: number,
): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
  let result = rules.selectPolicy === 'Min' ? -Infinity : Infinity;
  for (const p of rules.policies) {
    const start =
      current -
      changedWithin(events, now, p.periodSeconds, 1) +
      changedWithin(events, now, p.periodSeconds, -1);
    const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** The rate policies and min/max applied to a stabilised recommendation. */
export function limitRate(
  spec: HpaSpec,
  events: HpaState['events'],
  now: number,
  current: number,
  desired: number,
): Decision {
  if (desired > current) {
    const limit = Math.max(current, scaleUpLimit(spec.behavior.scaleUp, events, now, current));
    const allowed = Math.min(spec.maxReplicas, limit);
    if (desired > allowed) {
      return {
        replicas: allowed,
        reason: limit <= spec.maxReplicas ? 'ScaleUpLimit' : 'TooManyReplicas',
      };
    }
  } else if (desired < current) {
    const limit = Math.min(current, scaleDownLimit(spec.behavior.scaleDown, events, now, current));
    const allowed = Math.max(spec.minReplicas, limit);
    if (desired < allowed) {
      return {
        replicas: allowed,
        reason: limit >= spec.minReplicas ? 'ScaleDownLimit' : 'TooFewReplicas',
      };
    }
  }
  return { replicas: desired, reason: 'DesiredWithinRange' };
}

/** Forgets what no window or period can reach any more. */
function prune(spec: HpaSpec, state: HpaState, now: number): HpaState {
  const { scaleUp, scaleDown } = spec.behavior;
  const window = Math.max(scaleUp.stabilizationWindowSeconds, scaleDown.stabilizationWindowSeconds);
  const period = Math.max(
    0,
    ...[...scaleUp.policies, ...scaleDown.policies].map((p) => p.periodSeconds),
  );
  return {
    recommendations: state.recommendations.filter((r) => r.at > now - window * 1000),
    events: state.events.filter((e) => e.at > now - period * 1000),
  };
}

/**
 * One HPA sync: the replicas to scale to and why, and the state to pass to the next sync. Outside
 * [min, max] the count moves straight to the bound (no policy applies), as in `horizontal.go`.
 */
export function hpaSync(
  spec: HpaSpec,
  state: HpaState,
  observation: HpaObservation,
): Decision & { state: HpaState } {
  const { now, current } = observation;
  let decision: Decision;
  let recommendations = state.recommendations;
  if (current > spec.maxReplicas) {
    decision = { replicas: spec.maxReplicas, reason: 'AboveMaxReplicas' };
  } else if (current < spec.minReplicas) {
    decision = { replicas: spec.minReplicas, reason: 'BelowMinReplicas' };
  } else {
    const metric = replicasForUtilization(spec, observation);
    const desired = Math.max(0, metric.replicas);
    const stable = stabilize(spec.behavior, state.recommendations, now, current, desired);
    recommendations = [...state.recommendations, { at: now, replicas: desired }];
    const limited = limitRate(spec, state.events, now, current, stable.replicas);
    const reason =
      limited.reason !== 'DesiredWithinRange'
        ? limited.reason
        : stable.reason !== 'Recommended'
          ? stable.reason
          : metric.reason;
    decision = { replicas: limited.replicas, reason };
  }
  const change = decision.replicas - current;
  const events = change !== 0 ? [...state.events, { at: now, change }] : state.events;
  return { ...decision, state: prune(spec, { recommendations, events }, now) };
}
