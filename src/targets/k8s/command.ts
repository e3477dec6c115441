import { UserError } from '../../errors.js';
import {
  refuseStaleHistory,
  scheduleSource,
  pushShaping,
  type ScheduleSource,
} from '../../run/schedule.js';
import { wholeNumber } from '../../settings/parse.js';
import type { Warning } from '../../types.js';
import { readTextFile } from '../../util/files.js';
import { zone as parseZone } from '../../settings/kinds.js';
import type { PushContext, PushOptions } from '../definition.js';
import { runPush } from '../push.js';
import type { PushReport, PushResult, PushTarget } from '../target.js';
import type { ApplyResult } from './apply.js';
import { type K8sFormat, type K8sPushInput } from './build.js';
import { changesPending, diffLines, type ClusterDiff } from './compare.js';
import { checkMergeTarget, readKeptTriggers, type KeptObject } from './keda.js';
import { checkName, parseTarget, SCALED_OBJECT_NAME_MAX, type Target } from './names.js';
import { k8sChanges, type K8sPlan } from './push.js';
import { checkApplyFlags } from './apply-flags.js';

// `headroom push k8s` (its flags are in definition.ts): checks the flags, builds the objects'
// target, runs it through the orchestrator and renders its report.

export interface PushK8sOptions extends PushOptions {
  format: K8sFormat;
  target?: string;
  namespace?: string;
  name?: string;
  hpa?: string;
  maxTriggers: string;
  maxReplicas?: string;
  oneOff?: boolean;
  keepTriggers?: string;
  cpuUtilization: string;
  memoryUtilization: string;
  kubectlImage: string;
  out?: string;
  diff?: boolean;
  kubectl?: boolean;
  api?: boolean;
  forceConflicts?: boolean;
  /** Exit EXIT.pending when the cluster does not hold the plan after this run (--diff or --apply). */
  exitCode?: boolean;
}

async function keptTriggers(file: string): Promise<KeptObject> {
  return readKeptTriggers(await readTextFile(file, 'the triggers to keep (--keep-triggers)'), file);
}

/** `headroom push k8s`: the plan as a KEDA ScaledObject, floor-setting CronJobs, or an HPA. */
export async function pushK8sCommand(
  csv: string | undefined,
  options: PushK8sOptions,
  context: PushContext,
): Promise<PushResult> {
  const now = context.now();
  // --timezone given on the command line overrides the zone of a saved schedule.
  const timezoneGiven = context.explicit.has('timezone');
  const numbers = checkFlags(options);
  const kept = options.keepTriggers ? await keptTriggers(options.keepTriggers) : undefined;
  const objects = objectNames(options, kept);
  const source = await scheduleSource(csv, options);
  refuseStaleHistory(source, options, context.now());
  const given = timezoneGiven ? options.timezone : undefined;
  const zone = given === undefined ? source.planned.timezone : parseZone(given, '--timezone');
  const input: K8sPushInput = {
    format: options.format,
    planned: source.planned,
    zone,
    ...pushShaping(source, options, context.explicit),
    ...objects,
    ...numbers,
    oneOff: Boolean(options.oneOff),
    kept,
    image: options.kubectlImage,
    now,
  };
  const target = k8sTarget(options, input, source);
  return runPush(target, {
    apply: Boolean(options.apply),
    stepSummary: context.stepSummary,
    exitCode: Boolean(options.exitCode),
  });
}

/** The flags that must go together, and the numbers (UserError for a bad one). */
function checkFlags(options: PushK8sOptions) {
  const format = options.format;
  if (options.keepTriggers && format !== 'keda') {
    throw new UserError('--keep-triggers only applies to --format keda');
  }
  checkApplyFlags(options);
  const maxCount = wholeNumber(options.maxTriggers, '--max-triggers', 1);
  const maxReplicas =
    options.maxReplicas === undefined
      ? undefined
      : wholeNumber(options.maxReplicas, '--max-replicas', 1);
  const cpu = wholeNumber(options.cpuUtilization, '--cpu-utilization', 0);
  const memory = wholeNumber(options.memoryUtilization, '--memory-utilization', 0);
  if (format === 'hpa' && cpu === 0 && memory === 0) {
    throw new UserError('an HPA needs a metric: keep --cpu-utilization or --memory-utilization');
  }
  return { maxCount, maxReplicas, cpu, memory };
}

/** The workload, namespace and object names: from the flags, else the ScaledObject kept. */
function objectNames(options: PushK8sOptions, kept: KeptObject | undefined) {
  const format = options.format;
  const existing = kept?.existing;
  let target: Target;
  if (options.target) target = parseTarget(options.target);
  else if (existing?.spec?.scaleTargetRef?.name) {
    const ref = existing.spec.scaleTargetRef;
    target = parseTarget(`${ref.kind ?? 'Deployment'}/${ref.name}`);
  } else {
    throw new UserError(
      '--target is required: the workload to scale',
      'e.g. --target deployment/web or --target statefulset/db',
    );
  }
  const namespace = checkName(
    options.namespace ?? existing?.metadata?.namespace ?? 'default',
    '--namespace',
    'label',
    { what: kept && !options.namespace ? `the namespace (from ${kept.file})` : '--namespace' },
  );
  const object = format === 'hpa' ? 'HPA' : 'ScaledObject';
  const name = checkName(
    options.name ?? existing?.metadata?.name ?? target.name,
    '--name',
    'subdomain',
    {
      what: options.name
        ? '--name'
        : existing?.metadata?.name
          ? `the ScaledObject's name (from ${kept!.file})`
          : `the ${object}'s name (the target's, from --target)`,
      ...(format === 'keda' && {
        max: SCALED_OBJECT_NAME_MAX,
        why: 'KEDA names the HPA of a ScaledObject keda-hpa-NAME, and Kubernetes names have at most 63',
      }),
    },
  );
  const hpa = checkName(options.hpa ?? target.name, '--hpa', 'subdomain', {
    what: options.hpa ? '--hpa' : "the HPA's name (the target's, from --target)",
  });
  if (kept) checkMergeTarget(kept, target, namespace, name);
  if (options.hpa && format !== 'cronjob') {
    throw new UserError('--hpa only applies to --format cronjob (the HPA whose floor it sets)');
  }
  return { target, namespace, name, hpa };
}

/** The Kubernetes objects of the plan as a push target: their changes, rendered here. */
function k8sTarget(
  options: PushK8sOptions,
  input: K8sPushInput,
  source: ScheduleSource,
): PushTarget<K8sPlan, ApplyResult> {
  const notes = [...source.notes];
  const how = {
    ...(options.out && { out: options.out }),
    via: options.kubectl
      ? ('kubectl' as const)
      : options.api
        ? ('api' as const)
        : ('auto' as const),
    forceConflicts: Boolean(options.forceConflicts),
    diff: Boolean(options.diff || options.apply),
  };
  return {
    ...k8sChanges(input, how, notes),
    describe: (push, applied) => describeK8s(options, input, push, applied, source.warnings, notes),
  };
}

function describeK8s(
  options: PushK8sOptions,
  { format, target, namespace, zone }: K8sPushInput,
  push: K8sPlan,
  applied: ApplyResult | undefined,
  warnings: Warning[],
  notes: string[],
): PushReport {
  const lines: string[] = [];
  if (options.out) {
    lines.push(`wrote ${push.objects.length} object(s) to ${options.out}`);
  }
  const diff = push.diff && diffReport(push.diff, Boolean(options.apply));
  if (diff) lines.push(...diff.lines);
  const report = applied && applyReport(applied, push.objects.length);
  if (report) lines.push(...report.lines);
  const heading = `### headroom push k8s: ${target.kind.toLowerCase()}/${target.name} in ${namespace}`;
  const text = lines.length > 0 ? lines.join('\n') : push.yaml.trimEnd();
  const markdown = [...(diff?.markdown ?? []), ...(report?.markdown ?? [])];
  return {
    json: {
      format,
      mode: push.mode,
      target,
      namespace,
      timezone: zone,
      floor: push.floor,
      peak: push.peak,
      maxReplicas: push.maxReplicas,
      windows: push.windows,
      changes: push.changes,
      coverage: push.coverage,
      objects: push.objects,
      ...(options.out && { out: options.out }),
      ...(push.diff && { diff: push.diff }),
      ...(applied && { interrupted: applied.interrupted !== undefined, applied }),
      notes,
      warnings,
    },
    text,
    ...(markdown.length > 0 && { markdown: [heading, '', ...markdown, ''].join('\n') }),
    warnings,
    notes,
  };
}

/**
 * What applying would change (--diff; --apply shows it before what it did): text, and Markdown
 * with the lines in a diff block, then whether anything is left to apply.
 */
function diffReport(diff: ClusterDiff, apply: boolean) {
  const lines = diffLines(diff);
  const status = !changesPending(diff)
    ? 'nothing to change: the cluster already has these objects'
    : apply
      ? undefined
      : 'dry run: nothing was changed; run again with --apply to make these changes';
  return {
    lines: status ? [...lines, status] : lines,
    markdown: ['```diff', ...lines, '```', '', ...(status ? [status + '.', ''] : [])],
  };
}

/**
 * What `--apply` did, for people (text) and for $GITHUB_STEP_SUMMARY (Markdown): every object
 * applied, the refusal with the API's reason and a hint, and everything not attempted.
 */
function applyReport(result: ApplyResult, total: number) {
  const where = result.via === 'kubectl' ? 'kubectl' : `the API at ${result.server}`;
  const { applied, pruned, failed, notAttempted, interrupted } = result;
  const unfinished = failed.length + notAttempted.length > 0;
  const status = interrupted
    ? unfinished
      ? `interrupted (${interrupted}): applied ${applied.length} of ${total} object(s); ${failed.length} failed and ${notAttempted.length} step(s) were not attempted. Run the push again to finish: server-side apply makes that safe`
      : `interrupted (${interrupted}) during the last call, which was answered: applied all ${total} object(s)`
    : unfinished
      ? `stopped at a refusal: applied ${applied.length} of ${total} object(s); ${failed.length} failed and ${notAttempted.length} step(s) were not attempted`
      : undefined;
  const sections: [string, string[]][] = [
    [`applied through ${where} (server-side apply, field manager headroom):`, applied],
    ['deleted what an earlier push wrote and this plan no longer needs:', pruned],
    [
      'failed:',
      failed.flatMap((f) => [
        `${f.op} ${f.object}: ${f.error}`,
        ...(f.hint ? [`  hint: ${f.hint}`] : []),
      ]),
    ],
    ['not attempted:', notAttempted.map((n) => `${n.op} ${n.object}`)],
  ];
  const shown = sections.filter(([, items], i) => i === 0 || items.length > 0);
  const lines = shown.flatMap(([title, items]) => [title, ...items.map((item) => `  ${item}`)]);
  if (status) lines.push(status);
  const markdown = shown.flatMap(([title, items]) => [
    title,
    '',
    ...(items.length > 0
      ? items.map((item) => (item.startsWith('  ') ? `  - ${item.trim()}` : `- ${item}`))
      : ['- (none)']),
    '',
  ]);
  if (status) markdown.push(status + '.');
  return { lines, markdown };
}
