/**
 * The first design's reactive monitor, as step scaling with a cooldown: add servers when most of
 * the last readings are above a high threshold, remove when most are below a low one, then wait
 * out the cooldown before acting again. Pure: time is passed in.
 */
import type { Decision } from './hpa.js';

export interface StepScalingSpec {
  /** Scale up when most readings are above this utilisation (fraction). */
  upThreshold: number;
  /** Scale down when most readings are below this utilisation (fraction). */
  downThreshold: number;
  /** How many of the latest readings are looked at; "most" means more than half. */
  readings: number;
  /** No action until this long after the last one. */
  cooldownMs: number;
  /** Servers added or removed per action. */
  step: number;
  minServers: number;
  maxServers: number;
}

/** The first design: above 70% CPU in most of the last 5 readings, below 20%; 60 s; one server. */
export const FIRST_DESIGN_STEP_SCALING: Omit<StepScalingSpec, 'minServers' | 'maxServers'> = {
  upThreshold: 0.7,
  downThreshold: 0.2,
  readings: 5,
  cooldownMs: 60_000,
  step: 1,
};

export interface StepScalingState {
  /** The latest utilisation readings, oldest first. */
  readings: number[];
  lastActionAt: number;
}

export const INITIAL_STEP_STATE: StepScalingState = {
  readings: [],
  lastActionAt: Number.NEGATIVE_INFINITY,
};

export interface StepObservation {
  now: number;
  current: number;
  /** Utilisation of the serving (warm) servers, a fraction. */
  utilization: number;
}

export function stepScalingSync(
  spec: StepScalingSpec,
  state: StepScalingState,
  observation: StepObservation,
): Decision & { state: StepScalingState } {
  const { now, current, utilization } = observation;
  const readings = [...state.readings, utilization].slice(-spec.readings);
  const most = (test: (u: number) => boolean) => readings.filter(test).length > spec.readings / 2;
  const hold = (reason: string, replicas = current) => ({
    replicas,
    reason,
    state: { readings, lastActionAt: state.lastActionAt },
  });
  const act = (replicas: number, reason: string) => ({
    replicas,
    reason,
    state: { readings, lastActionAt: now },
  });

  if (current < spec.minServers) return act(spec.minServers, 'BelowMinServers');
  if (current > spec.maxServers) return act(spec.maxServers, 'AboveMaxServers');
  if (now - state.lastActionAt < spec.cooldownMs) return hold('Cooldown');
  if (most((u) => u > spec.upThreshold)) {
    if (current >= spec.maxServers) return hold('AtMaxServers');
    return act(Math.min(spec.maxServers, current + spec.step), 'ScaleUp');
  }
  if (most((u) => u < spec.downThreshold)) {
    if (current <= spec.minServers) return hold('AtMinServers');
    return act(Math.max(spec.minServers, current - spec.step), 'ScaleDown');
  }
  return hold('WithinThresholds');
}
