import { createHash } from 'node:crypto';
import { UserError } from '../../errors.js';

export const K8S_FORMATS = ['keda', 'cronjob', 'hpa'] as const;
export type K8sFormat = (typeof K8S_FORMATS)[number];

/** The image the CronJobs run (`--kubectl-image`). */
export const DEFAULT_KUBECTL_IMAGE = 'registry.k8s.io/kubectl:v1.32.0';

/** DNS-1123 label: what most object names, label values and namespaces must be. */
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1123 subdomain: labels joined by dots, at most 253 characters (Deployment names). */
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const isDnsLabel = (name: string) => name.length <= 63 && LABEL.test(name);
export const isDnsSubdomain = (name: string) => name.length <= 253 && SUBDOMAIN.test(name);

export type WorkloadKind = 'Deployment' | 'StatefulSet';

export interface Target {
  kind: WorkloadKind;
  name: string;
}

const KINDS: Record<string, WorkloadKind> = {
  deployment: 'Deployment',
  deployments: 'Deployment',
  deploy: 'Deployment',
  'deployment.apps': 'Deployment',
  statefulset: 'StatefulSet',
  statefulsets: 'StatefulSet',
  sts: 'StatefulSet',
  'statefulset.apps': 'StatefulSet',
};

/** `deployment/web`, `statefulset/db` (kubectl's spellings: deploy/, sts/, Deployment/ too). */
export function parseTarget(text: string): Target {
  const match = /^([A-Za-z.]+)\/(.+)$/.exec(text.trim());
  const kind = match ? KINDS[match[1].toLowerCase()] : undefined;
  if (!match || !kind) {
    throw new UserError(
      `--target: expected deployment/NAME or statefulset/NAME, got '${text}'`,
      'e.g. --target deployment/web',
    );
  }
  const name = match[2];
  if (!isDnsSubdomain(name)) {
    throw new UserError(
      `--target: '${name}' is not a valid Kubernetes name (lower-case letters, digits, '-' and '.', at most 253 characters)`,
    );
  }
  return { kind, name };
}

/** Checks a name given on the command line (--name, --namespace, --hpa). */
export function checkName(name: string, flag: string, rule: 'label' | 'subdomain'): string {
  const ok = rule === 'label' ? isDnsLabel(name) : isDnsSubdomain(name);
  if (!ok) {
    throw new UserError(
      `${flag}: '${name}' is not a valid Kubernetes name`,
      rule === 'label'
        ? "lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters"
        : "lower-case letters, digits, '-' and '.', at most 253 characters",
    );
  }
  return name;
}

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 6);

/**
 * `base-suffix`, shortened to `max` characters when needed by cutting the base and adding a short
 * hash of it (so two long names never collide), and always a valid DNS-1123 name.
 */
export function fitName(base: string, suffix: string, max = 63): string {
  const whole = suffix ? `${base}-${suffix}` : base;
  if (whole.length <= max) return whole;
  const tail = `-${shortHash(base)}${suffix ? `-${suffix}` : ''}`;
  const cut = base
    .slice(0, Math.max(1, max - tail.length))
    .replace(/[-.]+$/, '')
    .replace(/\./g, '-');
  return `${cut}${tail}`;
}

/** A label value (≤ 63 characters) for a name: itself when it fits, else shortened with a hash. */
export function labelValue(name: string): string {
  return fitName(name, '', 63);
}

export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const TARGET_LABEL = 'headroom/target';
export const HPA_LABEL = 'headroom/hpa';

/** The labels every object headroom writes carries, so they can be found (and pruned) again. */
export function baseLabels(target: Target): Record<string, string> {
  return {
    [MANAGED_BY]: 'headroom',
    [TARGET_LABEL]: labelValue(`${target.kind.toLowerCase()}.${target.name}`),
  };
}
