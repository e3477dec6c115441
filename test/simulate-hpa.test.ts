import { describe, expect, it } from 'vitest';
import {
  behaviorFrom,
  behaviorFromText,
  FIRST_DESIGN_BEHAVIOR,
  KUBERNETES_DEFAULT,
  type HpaBehavior,
  type ScalingRules,
} from '../src/simulate/behavior.js';
import {
  hpaSync,
  INITIAL_HPA_STATE,
  limitRate,
  replicasForUtilization,
  scaleDownLimit,
  scaleUpLimit,
  stabilize,
  type HpaSpec,
  type HpaState,
} from '../src/simulate/hpa.js';

const S = 1000;
const spec = (overrides: Partial<HpaSpec> = {}): HpaSpec => ({
  targetUtilization: 0.7,
  tolerance: 0.1,
  minReplicas: 1,
  maxReplicas: 100,
  behavior: FIRST_DESIGN_BEHAVIOR,
  ...overrides,
});

describe('replicasForUtilization: desired = ceil(ready × utilisation / target), 10% tolerance', () => {
  // target 70%; utilisation is truncated to whole percent first, as the HPA does
  it.each<[string, number, number, number, number, string]>([
    // name, current, ready, utilisation, expected, reason
    ['90% on 4 → ceil(4 × 90/70) = ceil(5.14)', 4, 4, 0.9, 6, 'MetricRatio'],
    ['78% on 10 → ceil(11.14), outside the band', 10, 10, 0.78, 12, 'MetricRatio'],
    ['76% on 10: ratio 1.086 is inside the band', 10, 10, 0.76, 10, 'WithinTolerance'],
    ['64% on 10: ratio 0.914 is inside the band', 10, 10, 0.64, 10, 'WithinTolerance'],
    ['62% on 10 → ceil(8.86), outside the band', 10, 10, 0.62, 9, 'MetricRatio'],
    ['35% on 10 → exactly half', 10, 10, 0.35, 5, 'MetricRatio'],
    ['74.99% truncates to 74%: ratio 1.057, inside', 3, 3, 0.7499, 3, 'WithinTolerance'],
    // 77/70 = 1.1 and |1 − 1.1| is 0.10000000000000009 in float64: just outside, as in Kubernetes
    ['77%: the band edge as float64 has it', 10, 10, 0.77, 11, 'MetricRatio'],
    ['idle → 0 (min replicas apply later)', 5, 5, 0, 0, 'MetricRatio'],
    // warming replicas count at 0% on a scale-up
    [
      '6 of 10 warm at 100%: 60% over all 10 reverses the direction',
      10,
      6,
      1,
      10,
      'WaitingForWarmUp',
    ],
    [
      '8 of 10 warm at 100%: 80% over 10 → ceil(11.43)',
      10,
      8,
      1,
      12,
      'MetricRatioWithWarmingReplicas',
    ],
    ['7 of 10 warm at 100%: 70% over all is on target', 10, 7, 1, 10, 'WaitingForWarmUp'],
    // … but not on a scale-down: the ready ones decide
    ['8 of 10 warm at 50% → ceil(8 × 50/70) = ceil(5.71)', 10, 8, 0.5, 6, 'MetricRatio'],
    ['nothing warm: nothing to measure', 4, 0, 0, 4, 'NoReadyReplicas'],
  ])('%s', (_name, current, ready, utilization, expected, reason) => {
    expect(replicasForUtilization(spec(), { current, ready, utilization })).toEqual({
      replicas: expected,
      reason,
    });
  });
});

describe('stabilize: the scale-down window holds the highest recent recommendation', () => {
  const now = 600 * S;
  const recs = (...pairs: [number, number][]) =>
    pairs.map(([seconds, replicas]) => ({ at: seconds * S, replicas }));
  const upWindow = (seconds: number): HpaBehavior => ({
    ...FIRST_DESIGN_BEHAVIOR,
    scaleUp: { ...FIRST_DESIGN_BEHAVIOR.scaleUp, stabilizationWindowSeconds: seconds },
  });
  it.each<[string, HpaBehavior, HpaState['recommendations'], number, number, number, string]>([
    // name, behaviour, recommendations, current, desired, expected, reason
    [
      'a 10 four minutes ago keeps 10',
      FIRST_DESIGN_BEHAVIOR,
      recs([360, 10], [420, 8], [480, 7], [540, 6]),
      10,
      5,
      10,
      'ScaleDownStabilized',
    ],
    [
      'the highest in the window, not the current count',
      FIRST_DESIGN_BEHAVIOR,
      recs([360, 5], [420, 8], [480, 7], [540, 6]),
      10,
      5,
      8,
      'ScaleDownStabilized',
    ],
    [
      'a recommendation exactly 300 s old has left the window',
      FIRST_DESIGN_BEHAVIOR,
      recs([300, 10], [360, 5], [420, 5], [480, 5], [540, 5]),
      10,
      5,
      5,
      'Recommended',
    ],
    [
      'no up window: scale up at once',
      FIRST_DESIGN_BEHAVIOR,
      recs([540, 3]),
      5,
      8,
      8,
      'Recommended',
    ],
    [
      'a 120 s up window: the lowest recommendation in it',
      upWindow(120),
      recs([500, 6], [560, 7]),
      5,
      9,
      6,
      'ScaleUpStabilized',
    ],
  ])('%s', (_name, behavior, recommendations, current, desired, expected, reason) => {
    expect(stabilize(behavior, recommendations, now, current, desired)).toEqual({
      replicas: expected,
      reason,
    });
  });
});

describe('rate policies: 50% or 5 pods a minute up, 10% a minute down', () => {
  const now = 1000 * S;
  const ev = (secondsAgo: number, change: number) => ({ at: now - secondsAgo * S, change });
  const up = FIRST_DESIGN_BEHAVIOR.scaleUp;
  const down = FIRST_DESIGN_BEHAVIOR.scaleDown;
  it.each<[string, ScalingRules, HpaState['events'], number, number]>([
    ['4: max(ceil(4 × 1.5), 4 + 5) = 9', up, [], 4, 9],
    ['20: max(30, 25) = 30', up, [], 20, 30],
    ['20 after +6 30 s ago: from 14, max(21, 19)', up, [ev(30, 6)], 20, 21],
    ['an event exactly 60 s ago no longer counts', up, [ev(60, 6)], 20, 30],
    ['a scale-down in the period raises the start', up, [ev(30, -2)], 8, 15],
    ['selectPolicy Min: the smaller change', { ...up, selectPolicy: 'Min' }, [], 4, 6],
    ['Disabled: no change', { ...up, selectPolicy: 'Disabled' }, [], 4, 4],
  ])('up %s', (_name, rules, events, current, expected) => {
    expect(scaleUpLimit(rules, events, now, current)).toBe(expected);
  });
  it.each<[string, ScalingRules, HpaState['events'], number, number]>([
    ['10 → 9', down, [], 10, 9],
    ['5 → int(4.5) = 4: Go truncates', down, [], 5, 4],
    ['25 → int(22.5) = 22', down, [], 25, 22],
    ['25 after −2 30 s ago: from 27, int(24.3) = 24', down, [ev(30, -2)], 25, 24],
    [
      '2 pods a minute',
      { ...down, policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] },
      [],
      10,
      8,
    ],
    ['Disabled: no change', { ...down, selectPolicy: 'Disabled' }, [], 10, 10],
  ])('down %s', (_name, rules, events, current, expected) => {
    expect(scaleDownLimit(rules, events, now, current)).toBe(expected);
  });

  it.each<[string, Partial<HpaSpec>, number, number, number, string]>([
    ['up, limited by the policies', {}, 4, 100, 9, 'ScaleUpLimit'],
    ['up, limited by max replicas', { maxReplicas: 7 }, 4, 100, 7, 'TooManyReplicas'],
    ['up, within the limit', {}, 4, 6, 6, 'DesiredWithinRange'],
    ['down, limited by the policies', {}, 10, 1, 9, 'ScaleDownLimit'],
    ['down, limited by min replicas', { minReplicas: 2 }, 2, 1, 2, 'TooFewReplicas'],
  ])('limitRate %s', (_name, overrides, current, desired, expected, reason) => {
    expect(limitRate(spec(overrides), [], now, current, desired)).toEqual({
      replicas: expected,
      reason,
    });
  });
});

describe('hpaSync over time: a steady HPA whose load halves', () => {
  it('holds for the 300 s window, then steps down by 10% a minute', () => {
    // Load worth 3.5 servers at 100%; 10 warm servers at the start run at 35%.
    const load = 3.5;
    let state: HpaState = { ...INITIAL_HPA_STATE, recommendations: [{ at: 0, replicas: 10 }] };
    let current = 10;
    const seen: [number, number, string][] = [];
    for (let seconds = 60; seconds <= 600; seconds += 60) {
      const out = hpaSync(spec(), state, {
        now: seconds * S,
        current,
        ready: current,
        utilization: Math.min(1, load / current),
      });
      state = out.state;
      current = out.replicas;
      seen.push([seconds, current, out.reason]);
    }
    expect(seen).toEqual([
      [60, 10, 'ScaleDownStabilized'], // 35% → 5, but 10 was recommended 60 s ago
      [120, 10, 'ScaleDownStabilized'],
      [180, 10, 'ScaleDownStabilized'],
      [240, 10, 'ScaleDownStabilized'],
      [300, 9, 'ScaleDownLimit'], // the 10 from t = 0 left the window: 5, but at most 10% a minute
      [360, 8, 'ScaleDownLimit'], // 38% on 9 → 5; int(9 × 0.9) = 8
      [420, 7, 'ScaleDownLimit'], // 43% on 8 → 5; int(7.2)
      [480, 6, 'ScaleDownLimit'], // 50% on 7 → 5; int(6.3)
      [540, 5, 'MetricRatio'], // 58% on 6 → ceil(4.97) = 5, which int(6 × 0.9) = 5 allows
      [600, 5, 'WithinTolerance'], // 70% on 5: on target
    ]);
  });

  it('jumps straight to min replicas when the floor rises, and records the change', () => {
    const out = hpaSync(spec({ minReplicas: 12 }), INITIAL_HPA_STATE, {
      now: 60 * S,
      current: 4,
      ready: 4,
      utilization: 0.5,
    });
    expect(out.replicas).toBe(12);
    expect(out.reason).toBe('BelowMinReplicas');
    expect(out.state.events).toEqual([{ at: 60 * S, change: 8 }]);
  });

  it('counts its own scale-ups against the next minute', () => {
    // 4 servers at 100% with the first design's policies: +5 (max of 50% and 5 pods) per minute.
    let state = INITIAL_HPA_STATE;
    let current = 4;
    const path: number[] = [];
    for (const seconds of [15, 30, 45, 75]) {
      const out = hpaSync(spec(), state, {
        now: seconds * S,
        current,
        ready: current,
        utilization: 1,
      });
      state = out.state;
      current = out.replicas;
      path.push(current);
    }
    // 15 s: ceil(4 × 100/70) = 6 (within the limit of 9); 30 s: ceil(6 × 1.43) = 9, the start of
    // the period is still 4, limit 9; 45 s: wants 13, limit 9; 75 s: the +2 at 15 s has left the
    // period, the +3 at 30 s has not: from 6, max(ceil(6 × 1.5), 6 + 5) = 11, wants 13.
    expect(path).toEqual([6, 9, 9, 11]);
  });
});

describe('behaviour from a manifest', () => {
  it('says which settings of a whole manifest the replay does not take, and the flags for them', () => {
    const manifest = [
      'apiVersion: autoscaling/v2',
      'kind: HorizontalPodAutoscaler',
      'spec:',
      '  minReplicas: 6',
      '  maxReplicas: 60',
      '  metrics:',
      '    - type: Resource',
      '      resource: { name: cpu, target: { type: Utilization, averageUtilization: 50 } }',
      '  behavior:',
      '    scaleDown: { stabilizationWindowSeconds: 600 }',
    ].join('\n');
    const { behavior, note } = behaviorFromText(manifest, 'hpa.yaml');
    expect(behavior.scaleDown.stabilizationWindowSeconds).toBe(600);
    expect(note).toBe(
      'hpa.yaml: only its spec.behavior is replayed; its minReplicas 6, maxReplicas 60, a cpu target of 50% are not (give --min-servers 6 --max-servers 60 --target-utilization 50% for them)',
    );
    expect(behaviorFromText('scaleDown: { stabilizationWindowSeconds: 600 }', 'b.yaml').note).toBe(
      undefined,
    );
  });

  it('reads spec.behavior of a HorizontalPodAutoscaler and fills what it leaves out', () => {
    const behavior = behaviorFrom(
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        spec: {
          behavior: {
            scaleDown: {
              stabilizationWindowSeconds: 600,
              policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }],
            },
          },
        },
      },
      'hpa.yaml',
    );
    expect(behavior.scaleUp).toEqual(KUBERNETES_DEFAULT.scaleUp);
    expect(behavior.scaleDown).toEqual({
      stabilizationWindowSeconds: 600,
      selectPolicy: 'Max',
      policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }],
    });
  });

  it.each<[string, unknown, string]>([
    ['no behaviour', { spec: { minReplicas: 2 } }, 'no HPA behavior found'],
    [
      'an unknown policy type',
      { scaleUp: { policies: [{ type: 'Nodes', value: 1, periodSeconds: 60 }] } },
      'scaleUp.policies[0].type: expected Pods or Percent',
    ],
    [
      'a negative window',
      { scaleDown: { stabilizationWindowSeconds: -5 } },
      'scaleDown.stabilizationWindowSeconds',
    ],
  ])('refuses %s, naming the field', (_name, doc, message) => {
    expect(() => behaviorFrom(doc, 'hpa.yaml')).toThrow(message);
  });
});
