import { writeFilesAtomically } from '../../report/atomic.js';
import type { TargetChanges } from '../target.js';
import { applyObjects, type ApplyOptions, type ApplyResult } from './apply.js';
import { buildK8sPush, type K8sPush, type K8sPushInput } from './build.js';
import { changesPending, type ClusterDiff } from './compare.js';
import { diffWithCluster } from './live.js';

/** How `push k8s` writes and applies the objects. */
export interface K8sPushHow {
  /** --out: the YAML is written here (atomically) before anything is applied. */
  out?: string;
  via: ApplyOptions['via'];
  forceConflicts: boolean;
  /** --diff, and --apply before it applies: compare with the cluster (server-side dry run). */
  diff: boolean;
}

/** The objects to apply and, when asked, what applying them would change in the cluster. */
export type K8sPlan = K8sPush & { diff?: ClusterDiff };

/**
 * The Kubernetes objects of the plan as a push target, but for the report: the desired objects
 * are built from the plan (with the notes on how closely they hold it); with --diff or --apply
 * they are compared with the cluster (a server-side dry run of the same apply, live.ts); --apply
 * then applies all of them, unless nothing would change, and prunes what an earlier push left.
 */
export function k8sChanges(
  input: K8sPushInput,
  how: K8sPushHow,
  notes: string[],
): TargetChanges<K8sPlan, ApplyResult> {
  return {
    async plan() {
      const push = buildK8sPush(input);
      notes.push(...push.notes);
      const coverage = coverageNote(push, input);
      if (coverage) notes.push(coverage);
      if (how.out) await writeFilesAtomically([{ path: how.out, content: push.yaml }]);
      if (!how.diff) return push;
      const diff = await diffWithCluster(push.objects, {
        forceConflicts: how.forceConflicts,
        ...(push.prune && { prune: push.prune }),
      });
      return { ...push, diff };
    },
    pending: (plan) => !plan.diff || changesPending(plan.diff),
    compared: (plan) => plan.diff !== undefined,
    apply: (push, control) =>
      applyObjects(push.objects, push.yaml, {
        via: how.via,
        forceConflicts: how.forceConflicts,
        prune: push.prune,
        control,
      }),
  };
}

function coverageNote(push: K8sPush, input: K8sPushInput): string | undefined {
  if (!push.coverage) return undefined;
  const what =
    input.format === 'keda'
      ? `${push.windows.length} cron window(s) over a floor of ${push.floor}`
      : `${push.changes.length} CronJob(s) setting the floor between ${push.floor} and ${push.peak}`;
  return `${what} (${push.mode === 'weekly' ? 'weekly' : 'on the plan dates'}, ${input.zone}): never below the plan after lead time; +${push.coverage.extraPercent}% server-hours over it${push.coverage.extraPercent > 10 ? ' (raise --max-triggers to follow it closer)' : ''}`;
}
