/**
 * The four policies a replay compares, behind one interface: each starts from a count, then at
 * every sync sees the fleet and its utilisation and returns the count to scale to, with a reason.
 * State is passed in and handed back; nothing here reads a clock or keeps a variable.
 */
import type { HpaBehavior } from './behavior.js';
import { hpaSync, INITIAL_HPA_STATE, type Decision, type HpaSpec, type HpaState } from './hpa.js';
import { scheduledAt, type ScheduleSteps } from './scheduled.js';
import { INITIAL_STEP_STATE, stepScalingSync, type StepScalingSpec } from './step-scaling.js';

export const POLICY_IDS = ['hpa', 'step', 'scheduled', 'predictive'] as const;
export type PolicyId = (typeof POLICY_IDS)[number];

export const POLICY_LABELS: Record<PolicyId, string> = {
  hpa: 'target tracking (HPA)',
  step: 'step scaling',
  scheduled: 'scheduled only',
  predictive: 'predictive + reactive',
};

export interface Observation {
  /** When the decision takes effect. */
  now: number;
  /** Servers in the fleet, warming ones included. */
  current: number;
  /** Warm servers: the ones that serve and report a utilisation. */
  ready: number;
  /** Mean utilisation of the warm servers, a fraction (at most 1, as CPU). */
  utilization: number;
}

export interface Policy<S = unknown> {
  id: PolicyId;
  label: string;
  /** Servers at the start of the replay (all warm), given what the first demand needs at target. */
  initial(now: number, needed: number): number;
  /** State at the start, as if the policy had been running steadily at `initial` servers. */
  init(now: number, initial: number): S;
  sync(state: S, observation: Observation): Decision & { state: S };
}

/** Lets policies with different state types share one list. */
function policy<S>(p: Policy<S>): Policy {
  return p as unknown as Policy;
}

export interface PolicySettings {
  targetUtilization: number;
  minServers: number;
  maxServers: number;
  hpa: { tolerance: number; behavior: HpaBehavior };
  step: Omit<StepScalingSpec, 'minServers' | 'maxServers'>;
  /** headroom's schedule over the replay, shaped as pushed (scale-ups launched early). */
  schedule: ScheduleSteps;
}

/**
 * An HPA that has been recommending `initial` replicas: without this, its first sync would find an
 * empty stabilisation window and could scale down at once, which a running HPA does not do.
 */
function steadyHpaState(now: number, initial: number): HpaState {
  return { ...INITIAL_HPA_STATE, recommendations: [{ at: now, replicas: initial }] };
}

const clamp = (n: number, s: PolicySettings) => Math.min(s.maxServers, Math.max(s.minServers, n));

/**
 * An HPA needs at least one replica to measure (minReplicas ≥ 1 unless scale-to-zero is switched
 * on): with none, nothing reports a metric and it could never scale up again.
 */
const HPA_MIN_REPLICAS = 1;

function hpaSpec(s: PolicySettings): HpaSpec {
  return {
    targetUtilization: s.targetUtilization,
    tolerance: s.hpa.tolerance,
    minReplicas: Math.max(HPA_MIN_REPLICAS, s.minServers),
    maxReplicas: s.maxServers,
    behavior: s.hpa.behavior,
  };
}

/** Target tracking: the Kubernetes HPA on utilisation with `behavior`. */
export function hpaPolicy(s: PolicySettings): Policy {
  const spec = hpaSpec(s);
  return policy({
    id: 'hpa',
    label: POLICY_LABELS.hpa,
    initial: (_now, needed) => clamp(needed, s),
    init: steadyHpaState,
    sync: (state, o) => hpaSync(spec, state, o),
  });
}

/** The first design's reactive monitor: thresholds, readings, cooldown, one server per step. */
export function stepPolicy(s: PolicySettings): Policy {
  const spec: StepScalingSpec = { ...s.step, minServers: s.minServers, maxServers: s.maxServers };
  return policy({
    id: 'step',
    label: POLICY_LABELS.step,
    initial: (_now, needed) => clamp(needed, s),
    init: () => INITIAL_STEP_STATE,
    sync: (state, o) => stepScalingSync(spec, state, o),
  });
}

/** headroom's schedule alone, as pushed. */
export function scheduledPolicy(s: PolicySettings): Policy {
  const at = (now: number) => clamp(scheduledAt(s.schedule, now), s);
  return policy({
    id: 'scheduled',
    label: POLICY_LABELS.scheduled,
    initial: (now) => at(now),
    init: () => null,
    sync: (state, o) => ({
      replicas: at(o.now),
      reason:
        at(o.now) > o.current
          ? 'ScheduledScaleUp'
          : at(o.now) < o.current
            ? 'ScheduledScaleDown'
            : 'Scheduled',
      state,
    }),
  });
}

/**
 * The schedule as a floor under target tracking: the HPA's minReplicas follows the schedule (as a
 * KEDA cron trigger or an AWS predictive policy beside a dynamic one), so the larger count wins.
 */
export function predictivePolicy(s: PolicySettings): Policy {
  const spec = hpaSpec(s);
  const floor = (now: number) => clamp(scheduledAt(s.schedule, now), s);
  return policy({
    id: 'predictive',
    label: POLICY_LABELS.predictive,
    initial: (now, needed) => Math.max(floor(now), clamp(needed, s)),
    init: steadyHpaState,
    sync: (state, o) =>
      hpaSync({ ...spec, minReplicas: Math.max(spec.minReplicas, floor(o.now)) }, state, o),
  });
}

export function makePolicies(ids: readonly PolicyId[], s: PolicySettings): Policy[] {
  const make: Record<PolicyId, (s: PolicySettings) => Policy> = {
    hpa: hpaPolicy,
    step: stepPolicy,
    scheduled: scheduledPolicy,
    predictive: predictivePolicy,
  };
  return ids.map((id) => make[id](s));
}
