import { isDeepStrictEqual } from 'node:util';
import {
  ScaledObject,
  type IScaledObject,
} from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../../errors.js';
import type { Manifest } from './manifest.js';
import { baseLabels, workloadKind, type Target } from './names.js';
import type { CronWindow } from './windows.js';

type Spec = IScaledObject['spec'];
export type Trigger = Spec['triggers'][number];
type Behavior = NonNullable<
  NonNullable<NonNullable<Spec['advanced']>['horizontalPodAutoscalerConfig']>['behavior']
>;

/**
 * The HPA behaviour KEDA's HPA gets. Scale-up: Kubernetes' own default, written out (double or
 * four more pods every 15 s), so a window's replicas arrive within about a minute of its start.
 * Scale-down: the highest recommendation of the last 5 minutes, then at most half the pods a
 * minute, so a window that ends really ends (about 10 minutes from 150 pods to 20), without a
 * brief dip of a reactive metric scaling in. Never `selectPolicy: Disabled` for scale-down, and
 * no stabilisation window near an hour: both keep windows from ending.
 */
export const KEDA_BEHAVIOR: Behavior = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    policies: [
      { type: 'Percent', value: 100, periodSeconds: 15 },
      { type: 'Pods', value: 4, periodSeconds: 15 },
    ],
    selectPolicy: 'Max',
  },
  scaleDown: {
    stabilizationWindowSeconds: 300,
    policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }],
    selectPolicy: 'Max',
  },
};

/** KEDA's cooldownPeriod (seconds): only used to scale from 1 to 0 when the floor is 0. */
export const KEDA_COOLDOWN_SECONDS = 300;

/** What --keep-triggers gave: reactive triggers to keep, and an existing object to merge into. */
export interface KeptObject {
  triggers: Trigger[];
  /** An existing ScaledObject, when the file held one. */
  existing?: IScaledObject;
  file: string;
}

/** True for the cron triggers headroom itself writes (replaced on every push). */
export const isOwnTrigger = (t: Trigger) =>
  t.type === 'cron' && typeof t.name === 'string' && t.name.startsWith('headroom-');

/**
 * Reads --keep-triggers: a YAML list of triggers, a mapping with `triggers:`, or a whole
 * ScaledObject (as `kubectl get scaledobject NAME -o yaml` prints it) to merge the plan into.
 * Triggers headroom wrote earlier are dropped; they are replaced by the current plan's.
 */
export function readKeptTriggers(text: string, file: string): KeptObject {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new UserError(`${file}: not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  let triggers: unknown;
  let existing: IScaledObject | undefined;
  const record = data as Record<string, unknown> | null;
  if (Array.isArray(data)) triggers = data;
  else if (record && typeof record === 'object' && record.kind === 'ScaledObject') {
    existing = record as unknown as IScaledObject;
    triggers = (existing.spec as Partial<Spec> | undefined)?.triggers ?? [];
  } else if (record && typeof record === 'object' && 'triggers' in record) {
    triggers = record.triggers;
  } else {
    throw new UserError(
      `${file}: expected a list of KEDA triggers, or a ScaledObject to merge into`,
      'e.g. `kubectl get scaledobject web -o yaml > web.yaml`, or a file with `- type: cpu …`',
    );
  }
  if (!Array.isArray(triggers)) throw new UserError(`${file}: 'triggers' must be a list`);
  const check = new ScaledObject({
    metadata: { name: 'check' },
    spec: { scaleTargetRef: { name: 'check' }, triggers: triggers as Trigger[] },
  });
  try {
    check.validate();
  } catch (error) {
    throw new UserError(`${file}: not a valid list of KEDA triggers: ${(error as Error).message}`);
  }
  return { triggers: (triggers as Trigger[]).filter((t) => !isOwnTrigger(t)), existing, file };
}

/**
 * Refuses to merge into the ScaledObject of --keep-triggers when this push writes another object
 * (namespace/name) or scales another workload: that would retarget the object, or copy its
 * triggers to a second object beside it.
 */
export function checkMergeTarget(
  kept: KeptObject,
  target: Target,
  namespace: string,
  name: string,
) {
  const { existing, file } = kept;
  if (!existing) return;
  const ref = (existing.spec as Partial<Spec> | undefined)?.scaleTargetRef;
  const theirKind = ref?.kind ?? 'Deployment';
  const sameTarget =
    !ref?.name || (ref.name === target.name && workloadKind(theirKind) === target.kind);
  const where = `${existing.metadata?.namespace ?? namespace}/${existing.metadata?.name ?? name}`;
  const ours = `${namespace}/${name}`;
  if (sameTarget && where === ours) return;
  const problems = [
    ...(sameTarget ? [] : [`scales ${theirKind}/${ref!.name}, not ${target.kind}/${target.name}`]),
    ...(where === ours ? [] : [`this push writes ${ours}`]),
  ];
  throw new UserError(
    `${file}: that ScaledObject, ${where}, ${problems.join(', and ')}; given a whole ScaledObject, --keep-triggers merges the plan into that object and no other`,
    'to merge into it, leave out --target, --name and --namespace (they default to its own); to push for another workload, give --keep-triggers only the triggers (a YAML list of them)',
  );
}

/** An existing object's annotations, without what kubectl and controllers keep there. */
function keptAnnotations(existing: IScaledObject | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(existing?.metadata?.annotations ?? {}).filter(
      ([key]) => !key.startsWith('kubectl.kubernetes.io/') && !key.startsWith('headroom/'),
    ),
  );
}

export interface ScaledObjectInput {
  target: Target;
  name: string;
  namespace: string;
  zone: string;
  floor: number;
  maxReplicas: number;
  windows: CronWindow[];
  kept?: KeptObject;
  annotations: Record<string, string>;
}

/**
 * One ScaledObject: the plan's floor as minReplicaCount, one cron trigger per band (KEDA takes
 * the largest of all triggers), the user's reactive triggers kept beside them, and scaling
 * behaviour under which windows end. Fields of an existing object that the plan does not own
 * (pollingInterval, fallback, idleReplicaCount, advanced settings) are kept.
 */
export function scaledObject(input: ScaledObjectInput): { manifest: Manifest; notes: string[] } {
  const { kept } = input;
  const existing = kept?.existing;
  const notes: string[] = [];
  const old = (existing?.spec ?? {}) as Partial<Spec>;
  const { minReplicaCount: oldMin, maxReplicaCount: oldMax, advanced: oldAdvanced } = old;
  // Everything else of an existing spec that the plan does not set is kept as it was.
  const other: Partial<Spec> = { ...old };
  for (const owned of [
    'scaleTargetRef',
    'triggers',
    'minReplicaCount',
    'maxReplicaCount',
    'cooldownPeriod',
    'advanced',
  ] as const) {
    delete other[owned];
  }
  if (existing) {
    if (oldMin !== undefined && oldMin !== input.floor) {
      notes.push(`minReplicaCount ${oldMin} → ${input.floor} (the plan's floor)`);
    }
    if (oldMax !== undefined && oldMax !== input.maxReplicas) {
      notes.push(`maxReplicaCount ${oldMax} → ${input.maxReplicas}`);
    }
    const oldBehavior = oldAdvanced?.horizontalPodAutoscalerConfig?.behavior;
    // Headroom's own behaviour read back (an object it applied, or its own YAML) is no change.
    if (oldBehavior && !isDeepStrictEqual(oldBehavior, KEDA_BEHAVIOR)) {
      notes.push(
        'replaced the HPA behaviour of the existing ScaledObject with one under which cron windows end (see docs/push-k8s.md, pitfalls)',
      );
    }
  }
  if (other.idleReplicaCount !== undefined && other.idleReplicaCount >= input.floor) {
    throw new UserError(
      `${kept!.file}: idleReplicaCount ${other.idleReplicaCount} must be below minReplicaCount, the plan's floor of ${input.floor}`,
      'drop idleReplicaCount from the file',
    );
  }
  const { horizontalPodAutoscalerConfig: oldHpa, ...otherAdvanced } = oldAdvanced ?? {};
  const triggers: Trigger[] = [
    ...(kept?.triggers ?? []),
    ...input.windows.map((w) => ({
      type: 'cron',
      name: w.name,
      metadata: {
        timezone: input.zone,
        start: w.start,
        end: w.end,
        desiredReplicas: String(w.replicas),
      },
    })),
  ];
  const object = new ScaledObject({
    metadata: {
      name: input.name,
      namespace: input.namespace,
      labels: { ...(existing?.metadata?.labels ?? {}), ...baseLabels(input.target) },
      annotations: { ...keptAnnotations(existing), ...input.annotations },
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: input.target.kind, name: input.target.name },
      ...other,
      minReplicaCount: input.floor,
      maxReplicaCount: input.maxReplicas,
      cooldownPeriod: KEDA_COOLDOWN_SECONDS,
      advanced: {
        ...otherAdvanced,
        horizontalPodAutoscalerConfig: { ...(oldHpa ?? {}), behavior: KEDA_BEHAVIOR },
      },
      triggers,
    },
  });
  const first = kept?.triggers.length ?? 0;
  const comments = input.windows.map((w, i) => ({
    path: ['spec', 'triggers', first + i],
    text: ` ${w.description}: ${w.replicas} replicas`,
  }));
  return { manifest: { object, comments }, notes };
}
