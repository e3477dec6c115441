import { writeFilesAtomically } from '../../report/atomic.js';
import type { TargetChanges } from '../target.js';
import { applyObjects, type ApplyOptions, type ApplyResult } from './apply.js';
import { buildK8sPush, type K8sPush, type K8sPushInput } from './build.js';

/** How `push k8s` writes and applies the objects. */
export interface K8sPushHow {
  /** --out: the YAML is written here (atomically) before anything is applied. */
  out?: string;
  via: ApplyOptions['via'];
  forceConflicts: boolean;
}

/**
 * The Kubernetes objects of the plan as a push target, but for the report: the desired objects
 * are built from the plan (with the notes on how closely they hold it); --apply applies all of
 * them (server-side apply compares with the cluster) and prunes what an earlier push left.
 */
export function k8sChanges(
  input: K8sPushInput,
  how: K8sPushHow,
  notes: string[],
): TargetChanges<K8sPush, ApplyResult> {
  return {
    async plan() {
      const push = buildK8sPush(input);
      notes.push(...push.notes);
      const coverage = coverageNote(push, input);
      if (coverage) notes.push(coverage);
      if (how.out) await writeFilesAtomically([{ path: how.out, content: push.yaml }]);
      return push;
    },
    pending: () => true,
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
