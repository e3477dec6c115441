import {
  HorizontalPodAutoscaler,
  type IHPAScalingRules,
  type IMetricSpec,
} from 'kubernetes-models/autoscaling/v2';
import type { Manifest } from './manifest.js';
import { baseLabels, type Target } from './names.js';

/**
 * The first design's behaviour: scale down after a 300 s stabilisation window by at most 10% a
 * minute; scale up at once by 50% or 5 pods a minute, whichever is more.
 */
export const FIRST_DESIGN_BEHAVIOR: { scaleUp: IHPAScalingRules; scaleDown: IHPAScalingRules } = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    policies: [
      { type: 'Percent', value: 50, periodSeconds: 60 },
      { type: 'Pods', value: 5, periodSeconds: 60 },
    ],
    selectPolicy: 'Max',
  },
  scaleDown: {
    stabilizationWindowSeconds: 300,
    policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }],
  },
};

export interface HpaInput {
  target: Target;
  name: string;
  namespace: string;
  minReplicas: number;
  maxReplicas: number;
  /** Average utilisation targets in percent of the pods' requests; 0 leaves the metric out. */
  cpu: number;
  memory: number;
  annotations: Record<string, string>;
}

function utilization(name: 'cpu' | 'memory', percent: number): IMetricSpec {
  return {
    type: 'Resource',
    resource: { name, target: { type: 'Utilization', averageUtilization: percent } },
  };
}

/** The first design's autoscaling/v2 HorizontalPodAutoscaler, its bounds taken from the plan. */
export function horizontalPodAutoscaler(input: HpaInput): Manifest {
  const metrics: IMetricSpec[] = [];
  if (input.cpu > 0) metrics.push(utilization('cpu', input.cpu));
  if (input.memory > 0) metrics.push(utilization('memory', input.memory));
  const object = new HorizontalPodAutoscaler({
    metadata: {
      name: input.name,
      namespace: input.namespace,
      labels: baseLabels(input.target),
      annotations: input.annotations,
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: input.target.kind, name: input.target.name },
      minReplicas: input.minReplicas,
      maxReplicas: input.maxReplicas,
      metrics,
      behavior: FIRST_DESIGN_BEHAVIOR,
    },
  });
  return { object, comments: [] };
}
