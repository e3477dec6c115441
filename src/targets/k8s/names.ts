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

const LABEL_MAX = 63;
const SUBDOMAIN_MAX = 253;

export const isDnsLabel = (name: string) => name.length <= LABEL_MAX && LABEL.test(name);
export const isDnsSubdomain = (name: string) =>
  name.length <= SUBDOMAIN_MAX && SUBDOMAIN.test(name);

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

/** The workload kind of a kubectl spelling (deploy, sts, Deployment…), if headroom scales it. */
export const workloadKind = (text: string): WorkloadKind | undefined => KINDS[text.toLowerCase()];

/** `deployment/web`, `statefulset/db` (kubectl's spellings: deploy/, sts/, Deployment/ too). */
export function parseTarget(text: string): Target {
  const match = /^([A-Za-z.]+)\/(.+)$/.exec(text.trim());
  const kind = match ? workloadKind(match[1]) : undefined;
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

/**
 * KEDA names the HPA of a ScaledObject `keda-hpa-NAME`, which must fit Kubernetes' 63 characters,
 * so a longer ScaledObject gets no HPA (newer KEDA refuses it at admission: kedacore/keda#7762).
 */
export const SCALED_OBJECT_NAME_MAX = 54;

/**
 * Checks a name given on the command line (--name, --namespace, --hpa). `what` says where the
 * name came from when not from `flag` itself; `max` is a limit below the rule's own.
 */
export function checkName(
  name: string,
  flag: string,
  rule: 'label' | 'subdomain',
  { max, what = flag, why }: { max?: number; what?: string; why?: string } = {},
): string {
  const longest = max ?? (rule === 'label' ? LABEL_MAX : SUBDOMAIN_MAX);
  const chars =
    rule === 'label'
      ? "lower-case letters, digits and '-', starting and ending with a letter or digit"
      : "lower-case letters, digits, '-' and '.', starting and ending with a letter or digit";
  const hint = `give ${flag} a name of ${chars}, at most ${longest} characters`;
  if (!(rule === 'label' ? LABEL : SUBDOMAIN).test(name)) {
    throw new UserError(`${what}: '${name}' is not a valid Kubernetes name`, hint);
  }
  if (name.length > longest) {
    const reason = why ?? `Kubernetes allows at most ${longest}`;
    throw new UserError(`${what}: '${name}' is ${name.length} characters: ${reason}`, hint);
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
