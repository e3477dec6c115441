/**
 * Kubernetes `autoscaling/v2` HPA scaling behaviour as data, with the first design's defaults, and
 * a parser for the `behavior` block of a user's own HorizontalPodAutoscaler manifest (the command
 * reads the file and hands its text to `behaviorFromText`).
 */
import { parse } from 'yaml';
import { UserError } from '../errors.js';

export interface ScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds: number;
  /** Max: the policy allowing the biggest change wins (Kubernetes' default); Min: the smallest. */
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: ScalingPolicy[];
}

export interface HpaBehavior {
  scaleUp: ScalingRules;
  scaleDown: ScalingRules;
}

/**
 * The first design's HPA: scale up at once by 50% or 5 pods a minute (whichever is more), scale
 * down after a 300 s stabilisation window by at most 10% a minute.
 */
export const FIRST_DESIGN_BEHAVIOR: HpaBehavior = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Percent', value: 50, periodSeconds: 60 },
      { type: 'Pods', value: 5, periodSeconds: 60 },
    ],
  },
  scaleDown: {
    stabilizationWindowSeconds: 300,
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }],
  },
};

/** "scale up by 50% or 5 pods per 60s at once; down by 10% per 60s after 300s". */
export function describeBehavior(b: HpaBehavior): string {
  const rules = (r: ScalingRules, verb: string) => {
    if (r.selectPolicy === 'Disabled') return `${verb} disabled`;
    const policies = r.policies
      .map((p) => `${p.value}${p.type === 'Percent' ? '%' : ' pods'} per ${p.periodSeconds}s`)
      .join(r.selectPolicy === 'Max' ? ' or ' : ' and ');
    const when =
      r.stabilizationWindowSeconds > 0
        ? `after a ${r.stabilizationWindowSeconds}s stabilisation window`
        : 'at once';
    return `${verb} ${when} by ${policies}`;
  };
  return `${rules(b.scaleUp, 'up')}; ${rules(b.scaleDown, 'down')}`;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function rulesFrom(raw: unknown, where: string, fallback: ScalingRules): ScalingRules {
  if (raw === undefined || raw === null) return fallback;
  if (!isObject(raw)) throw new UserError(`${where}: expected a mapping`);
  const window = raw.stabilizationWindowSeconds ?? fallback.stabilizationWindowSeconds;
  if (typeof window !== 'number' || !Number.isInteger(window) || window < 0 || window > 3600) {
    throw new UserError(
      `${where}.stabilizationWindowSeconds: expected whole seconds from 0 to 3600, got ${JSON.stringify(window)}`,
    );
  }
  const select = raw.selectPolicy ?? 'Max';
  if (select !== 'Max' && select !== 'Min' && select !== 'Disabled') {
    throw new UserError(
      `${where}.selectPolicy: expected Max, Min or Disabled, got ${JSON.stringify(select)}`,
    );
  }
  const policies = raw.policies === undefined ? fallback.policies : raw.policies;
  if (!Array.isArray(policies) || (policies.length === 0 && select !== 'Disabled')) {
    throw new UserError(`${where}.policies: expected a list of {type, value, periodSeconds}`);
  }
  return {
    stabilizationWindowSeconds: window,
    selectPolicy: select,
    policies: policies.map((p: unknown, i) => policyFrom(p, `${where}.policies[${i}]`)),
  };
}

function policyFrom(raw: unknown, where: string): ScalingPolicy {
  if (!isObject(raw)) throw new UserError(`${where}: expected {type, value, periodSeconds}`);
  const { type, value, periodSeconds } = raw;
  if (type !== 'Pods' && type !== 'Percent') {
    throw new UserError(`${where}.type: expected Pods or Percent, got ${JSON.stringify(type)}`);
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new UserError(
      `${where}.value: expected a whole number > 0, got ${JSON.stringify(value)}`,
    );
  }
  if (
    typeof periodSeconds !== 'number' ||
    !Number.isInteger(periodSeconds) ||
    periodSeconds <= 0 ||
    periodSeconds > 1800
  ) {
    throw new UserError(
      `${where}.periodSeconds: expected whole seconds from 1 to 1800, got ${JSON.stringify(periodSeconds)}`,
    );
  }
  return { type, value, periodSeconds };
}

/**
 * The behaviour in a parsed document: a HorizontalPodAutoscaler (`spec.behavior`), a `behavior`
 * mapping, or the mapping itself (`scaleUp`/`scaleDown`). Rules left out keep Kubernetes' own
 * defaults for a manifest (scale up 100% or 4 pods per 15 s; down 100% per 15 s after 300 s).
 */
export function behaviorFrom(doc: unknown, file: string): HpaBehavior {
  let block: unknown = doc;
  if (isObject(block) && isObject(block.spec)) block = block.spec.behavior;
  else if (isObject(block) && 'behavior' in block) block = block.behavior;
  if (!isObject(block) || (!('scaleUp' in block) && !('scaleDown' in block))) {
    throw new UserError(
      `${file}: no HPA behavior found`,
      'give a HorizontalPodAutoscaler manifest with spec.behavior, or a mapping with scaleUp and/or scaleDown',
    );
  }
  return {
    scaleUp: rulesFrom(block.scaleUp, `${file}: scaleUp`, KUBERNETES_DEFAULT.scaleUp),
    scaleDown: rulesFrom(block.scaleDown, `${file}: scaleDown`, KUBERNETES_DEFAULT.scaleDown),
  };
}

/** What Kubernetes applies for a rule a manifest leaves out (autoscaling/v2 defaults). */
export const KUBERNETES_DEFAULT: HpaBehavior = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Percent', value: 100, periodSeconds: 15 },
      { type: 'Pods', value: 4, periodSeconds: 15 },
    ],
  },
  scaleDown: {
    stabilizationWindowSeconds: 300,
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  },
};

/**
 * `behavior` from the text of a YAML or JSON file (e.g. `kubectl get hpa web -o yaml > hpa.yaml`);
 * `file` names it in errors. A whole manifest's other settings are not the replay's: `note` says
 * which of them it had, and the flags that set them.
 */
export function behaviorFromText(
  text: string,
  file: string,
): { behavior: HpaBehavior; note?: string } {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new UserError(`${file}: not valid YAML or JSON (${(error as Error).message})`);
  }
  return { behavior: behaviorFrom(doc, file), note: otherSettingsOf(doc, file) };
}

/** The manifest's replica bounds and utilisation target, which the replay takes from flags. */
function otherSettingsOf(doc: unknown, file: string): string | undefined {
  if (!isObject(doc) || !isObject(doc.spec)) return undefined;
  const spec = doc.spec;
  const found: string[] = [];
  const flags: string[] = [];
  if (typeof spec.minReplicas === 'number') {
    found.push(`minReplicas ${spec.minReplicas}`);
    flags.push(`--min-servers ${spec.minReplicas}`);
  }
  if (typeof spec.maxReplicas === 'number') {
    found.push(`maxReplicas ${spec.maxReplicas}`);
    flags.push(`--max-servers ${spec.maxReplicas}`);
  }
  const metrics = Array.isArray(spec.metrics) ? spec.metrics : [];
  for (const metric of metrics) {
    const target =
      isObject(metric) && isObject(metric.resource) ? metric.resource.target : undefined;
    if (isObject(target) && typeof target.averageUtilization === 'number') {
      found.push(
        `a ${String((metric as { resource: { name?: unknown } }).resource.name ?? 'resource')} target of ${target.averageUtilization}%`,
      );
      flags.push(`--target-utilization ${target.averageUtilization}%`);
      break;
    }
  }
  if (found.length === 0) return undefined;
  return `${file}: only its spec.behavior is replayed; its ${found.join(', ')} are not (give ${flags.join(' ')} for them)`;
}
