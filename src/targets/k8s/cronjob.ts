// Deep imports: a group's index loads every kind in it (`kubernetes-models/v1` alone takes 0.2 s).
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { Manifest } from './manifest.js';
import { baseLabels, fitName, HPA_LABEL, labelValue, type Target } from './names.js';

/** The official kubectl image, pinned by tag (override with --kubectl-image). */
export { DEFAULT_KUBECTL_IMAGE } from './names.js';

/** One change of the HPA's floor: at this cron time (in the zone), minReplicas becomes `replicas`. */
export interface FloorChange {
  /** Name part: weekdays-0855, or a date for a dated plan. */
  tag: string;
  schedule: string;
  replicas: number;
  description: string;
}

export interface CronJobInput {
  target: Target;
  hpa: string;
  namespace: string;
  zone: string;
  changes: FloorChange[];
  image: string;
  annotations: Record<string, string>;
}

/** The metadata of each object: its name, in the HPA's namespace, with the same labels. */
interface ObjectMeta {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** CronJob names get 11 characters appended for their Jobs, which must fit a 63-character label. */
const CRONJOB_NAME_MAX = 52;

export function floorObjectNames(hpa: string, tags: string[]) {
  return {
    account: fitName(hpa, 'headroom-floor'),
    cronJobs: tags.map((tag) => fitName(hpa, `floor-${tag}`, CRONJOB_NAME_MAX)),
  };
}

/**
 * CronJobs that set an HPA's minReplicas at each change of the plan (with `timeZone`, so 09:00
 * stays 09:00 local across DST), and the ServiceAccount, Role and RoleBinding they run as: get and
 * patch on that one HPA, nothing else.
 */
export function floorCronJobs(input: CronJobInput): Manifest[] {
  const names = floorObjectNames(
    input.hpa,
    input.changes.map((c) => c.tag),
  );
  const labels = { ...baseLabels(input.target), [HPA_LABEL]: labelValue(input.hpa) };
  const meta = (name: string): ObjectMeta => ({
    name,
    namespace: input.namespace,
    labels,
    annotations: input.annotations,
  });
  const jobs = input.changes.map((change, i): Manifest => ({
    object: floorCronJob(input, change, meta(names.cronJobs[i]), names.account),
    comments: [{ path: [], text: ` ${change.description}: minReplicas ${change.replicas}` }],
  }));
  return [...floorAccess(input, names.account, meta), ...jobs];
}

/** The ServiceAccount the CronJobs run as, and a Role (with its binding) to get and patch the one HPA. */
function floorAccess(
  input: CronJobInput,
  account: string,
  meta: (name: string) => ObjectMeta,
): Manifest[] {
  const role = new Role({
    metadata: meta(account),
    rules: [
      {
        apiGroups: ['autoscaling'],
        resources: ['horizontalpodautoscalers'],
        resourceNames: [input.hpa],
        verbs: ['get', 'patch'],
      },
    ],
  });
  const binding = new RoleBinding({
    metadata: meta(account),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: account },
    subjects: [{ kind: 'ServiceAccount', name: account, namespace: input.namespace }],
  });
  return [
    { object: new ServiceAccount({ metadata: meta(account) }), comments: [] },
    { object: role, comments: [] },
    { object: binding, comments: [] },
  ];
}

/** The CronJob that sets the HPA's minReplicas at one change of the plan. */
function floorCronJob(
  input: CronJobInput,
  change: FloorChange,
  metadata: ObjectMeta,
  account: string,
): CronJob {
  const { labels } = metadata;
  return new CronJob({
    metadata,
    spec: {
      schedule: change.schedule,
      timeZone: input.zone,
      concurrencyPolicy: 'Forbid',
      // Still run if the controller was down or busy for up to 10 minutes at the time.
      startingDeadlineSeconds: 600,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels },
        spec: {
          backoffLimit: 3,
          activeDeadlineSeconds: 300,
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: account,
              restartPolicy: 'OnFailure',
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 65532,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              containers: [kubectlPatch(input, change.replicas)],
              volumes: [{ name: 'tmp', emptyDir: {} }],
            },
          },
        },
      },
    },
  });
}

/** The container that patches the HPA's minReplicas: kubectl, locked down, writing only /tmp. */
function kubectlPatch(input: CronJobInput, replicas: number) {
  const patch = JSON.stringify({ spec: { minReplicas: replicas } });
  return {
    name: 'kubectl',
    image: input.image,
    // The image's entrypoint is kubectl.
    args: [
      'patch',
      'horizontalpodautoscaler',
      input.hpa,
      `--namespace=${input.namespace}`,
      '--type=merge',
      `--patch=${patch}`,
      '--field-manager=headroom-floor',
    ],
    env: [{ name: 'HOME', value: '/tmp' }],
    resources: {
      requests: { cpu: '10m', memory: '32Mi' },
      limits: { memory: '128Mi' },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}
