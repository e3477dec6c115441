import { z } from 'zod';
import { definePushTarget } from '../definition.js';
import { checkApplyFlags } from './apply-flags.js';
import type { PushK8sOptions } from './command.js';
import { DEFAULT_KUBECTL_IMAGE, K8S_FORMATS } from './names.js';

/** KEDA's cron triggers per ScaledObject that push k8s allows by default (--max-triggers). */
export const K8S_DEFAULT_MAX_TRIGGERS = 24;

/** `headroom push k8s` and `push.k8s`: a KEDA ScaledObject, floor-setting CronJobs or an HPA. */
export const k8sPush = definePushTarget<PushK8sOptions>({
  name: 'k8s',
  label: 'Kubernetes',
  description:
    'The plan for Kubernetes: a KEDA ScaledObject with cron windows, CronJobs that set an HPA floor, or an HPA; YAML, or --apply',
  flags: [
    {
      flag: '--format <format>',
      help: 'what to write',
      choices: K8S_FORMATS,
      default: 'keda',
      config: z.enum(K8S_FORMATS),
    },
    {
      flag: '--target <kind/name>',
      help: 'the workload to scale: deployment/NAME or statefulset/NAME',
      config: z.string().regex(/^(deployment|statefulset)\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/i, {
        message: 'expected deployment/NAME or statefulset/NAME',
      }),
      required: true,
    },
    {
      flag: '--namespace <ns>',
      help: 'namespace of the objects (default: default)',
      config: z.string().min(1),
    },
    {
      flag: '--name <name>',
      help: 'name of the ScaledObject or HPA (default: the target name)',
      config: z.string().min(1),
    },
    {
      flag: '--hpa <name>',
      help: 'cronjob: the HPA whose minReplicas is set (default: the target name)',
      config: z.string().min(1),
    },
    {
      flag: '--max-triggers <n>',
      help: 'most cron triggers (keda) or CronJobs (cronjob); the plan is fitted at the least extra server-time',
      default: String(K8S_DEFAULT_MAX_TRIGGERS),
      config: z.number().int().positive(),
    },
    {
      flag: '--max-replicas <n>',
      help: "keda/hpa: the ceiling for reactive scaling (default: the plan's --max-servers, else twice its peak)",
      config: z.number().int().positive(),
    },
    {
      flag: '--one-off',
      help: "dated windows for the plan's own dates instead of a weekly repeat (automatic for plans under a week)",
      config: z.boolean(),
    },
    {
      flag: '--keep-triggers <file>',
      help: 'keda: YAML list of your triggers (cpu, memory, prometheus…), or an existing ScaledObject to merge into',
      config: z.string().min(1),
      path: true,
    },
    {
      flag: '--cpu-utilization <percent>',
      help: 'hpa: CPU target, 0 for none',
      default: '70',
      config: z.number().int().positive(),
    },
    {
      flag: '--memory-utilization <percent>',
      help: 'hpa: memory target, 0 for none',
      default: '80',
      config: z.number().int().positive(),
    },
    {
      flag: '--kubectl-image <image>',
      help: 'cronjob: the image the jobs run',
      default: DEFAULT_KUBECTL_IMAGE,
      config: z.string().min(1),
    },
    {
      flag: '--out <file>',
      help: 'write the YAML here instead of to stdout',
      config: z.string().min(1),
      path: true,
    },
    {
      flag: '--diff',
      help: 'show what --apply would change: each object read from the cluster and compared with a server-side dry run (changes nothing)',
    },
    {
      flag: '--apply',
      help: 'apply to the cluster of the current kubeconfig (server-side apply), after showing the diff',
    },
    { flag: '--kubectl', help: 'with --apply: use kubectl (the default when it is on the PATH)' },
    {
      flag: '--api',
      help: 'with --apply: use the Kubernetes API directly, even when kubectl is there',
    },
    {
      flag: '--force-conflicts',
      help: 'with --apply or --diff: take over fields another manager set (e.g. an earlier kubectl apply)',
    },
    {
      flag: '--force',
      help: 'push even when a guardrail objects (a history older than --max-staleness)',
    },
    {
      flag: '--exit-code',
      help: 'with --diff or --apply: exit 7 when the cluster does not hold the plan after this run, 0 when it does',
    },
    {
      flag: '--config <file>',
      help: 'push every service of a headroom.yaml that has a push.k8s block, each to its own object',
    },
  ],
  epilogue: `
Examples:
  $ headroom push k8s --schedule reports/schedule.json --target deployment/web > web-keda.yaml
  $ headroom push k8s --schedule reports/schedule.json --target deployment/web --namespace shop --diff
  $ headroom push k8s --schedule reports/schedule.json --target deployment/web --keep-triggers cpu.yaml --apply
  $ headroom push k8s requests.csv --capacity-per-server 800 --target statefulset/db --format cronjob
  $ headroom push k8s --schedule reports/schedule.json --target deployment/web --format hpa --out hpa.yaml
  $ headroom push k8s --schedule reports/schedule.json --target deployment/web --diff --exit-code

Without --apply nothing in the cluster changes; the YAML goes to stdout (or --out). --diff (and
--apply, before it changes anything) reads each object through the Kubernetes API and asks the
cluster for a server-side dry run of the apply: "n to create, n to change, n unchanged".
Exit codes: 0 done (changes pending or not, unless --exit-code), 2 bad input, no kubeconfig or no
cluster to reach, 3 Kubernetes refused an object or its dry run (what was applied is listed), 4 a guardrail
refused the plan (a history older than --max-staleness, see --force; dated windows that have
ended), 5 some services of --config failed, 7 with --exit-code: changes pending, 130/143 stopped by
Ctrl-C/SIGTERM after the object in flight (run it again to finish).
`,
  fleet: { example: 'target: deployment/web', yaml: true },
  checkFlags: checkApplyFlags,
  run: async (csv, options, context) =>
    (await import('./command.js')).pushK8sCommand(csv, options, context),
});
