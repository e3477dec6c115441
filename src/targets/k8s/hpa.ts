import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IMetricSpec } from 'kubernetes-models/autoscaling/v2/MetricSpec';
import { FIRST_DESIGN_BEHAVIOR } from '../../simulate/behavior.js';
import type { Manifest } from './manifest.js';
import { baseLabels, type Target } from './names.js';

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
