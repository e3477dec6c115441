import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { GuardrailError } from '../../errors.js';
import type { PlannedSchedule } from '../../schedule/document.js';
import { formatShort } from '../../util/time.js';
import type { TargetChanges } from '../target.js';
import { actionsFor, type ActionSet, type Recurrence } from './actions.js';
import { applied, CapacityCheck } from './capacity.js';
import { missingSetup } from './setup.js';
import {
  diffActions,
  type ActionChange,
  type ActionDiff,
  type DesiredAction,
  type ExistingAction,
} from './diff.js';
import {
  applyChanges,
  autoScalingClient,
  nextUnit,
  plannedUnits,
  readGroup,
  remoteError,
  type ApplyOutcome,
  type ClientOptions,
  type GroupState,
  type NextUnit,
} from './group.js';
import { guardrailProblems } from './guardrails.js';

/** The flags of `push aws` that the push itself reads. */
export interface AwsPushOptions extends ClientOptions {
  group: string;
  prefix: string;
  recurrence: Recurrence;
  desired: 'plan' | 'none';
  force?: boolean;
  apply?: boolean;
}

/** The checked numbers of the flags. */
export interface AwsSettings {
  quota: number;
  maxGrowth: number;
  minSize: number | 'plan';
  maxSize?: number;
  leadMs: number;
  minHoldMs: number;
  /** `plan` shaped the schedule: its steps are the actions (see run/schedule.ts pushShaping). */
  shaped: boolean;
}

/** What the AWS push decided before changing anything. */
export interface AwsPlan {
  /** The group as read; undefined without credentials (a dry run then shows the actions only). */
  group?: GroupState;
  set: ActionSet;
  diff?: ActionDiff;
  next?: { unit: NextUnit; problem?: string };
}

/**
 * An Auto Scaling group's scheduled actions as a push target, but for the report: reads the
 * group, computes the actions from the plan, diffs them with the group's, checks the guardrails
 * and the order of the calls, and applies the changes in that order.
 */
export function awsChanges(
  options: AwsPushOptions,
  settings: AwsSettings,
  planned: PlannedSchedule,
  notes: string[],
  now: number,
): TargetChanges<AwsPlan, ApplyOutcome> {
  let client: AutoScalingClient | undefined;
  return {
    async plan() {
      client = autoScalingClient(options);
      const group = await readOrExplain(client, options, notes);
      const foreign = group ? group.actions.filter((a) => !a.name.startsWith(options.prefix)) : [];
      const set = actionsFor(planned, {
        prefix: options.prefix,
        recurrence: options.recurrence,
        limit: settings.quota - foreign.length,
        leadMs: settings.leadMs,
        minHoldMs: settings.minHoldMs,
        shaped: settings.shaped,
        minSize: settings.minSize,
        desired: options.desired,
        ...(settings.maxSize !== undefined && { maxSize: settings.maxSize }),
        now,
        existing: group?.actions ?? [],
        ...(group && {
          current: { minSize: group.minSize, desiredCapacity: group.desiredCapacity },
        }),
      });
      notes.push(...set.notes);
      if (group && settings.maxSize === undefined) {
        const kept = keptMaxSizes(group.actions, set.actions);
        if (kept) notes.push(kept);
      }
      const problems = guardrailProblems(planned, set.actions, group, settings.maxGrowth);
      const diff = group && diffActions(group.actions, set.actions, options.prefix);
      const next =
        diff && group && pushOrder(group, diff.changes, settings.quota, now, options.force);
      if (next?.problem) problems.push(next.problem);
      if (problems.length > 0 && !options.force) {
        throw new GuardrailError(`refusing to push: ${problems.join('; ')}`);
      }
      if (problems.length > 0) notes.push(`--force: pushing despite: ${problems.join('; ')}`);
      return { group, set, diff, next };
    },
    pending: (plan) => Boolean(plan.diff && plan.next && plan.diff.changes.length > 0),
    compared: (plan) => plan.diff !== undefined,
    apply: (plan, control) =>
      applyChanges(
        client!,
        options.group,
        plan.group!.actions,
        plan.diff!.changes,
        plan.next!.unit,
        control,
      ),
    close: () => client?.destroy(),
  };
}

/** The group, or undefined (with a note) when a dry run has no credentials to read it. */
async function readOrExplain(
  client: AutoScalingClient,
  options: AwsPushOptions,
  notes: string[],
): Promise<GroupState | undefined> {
  try {
    return await readGroup(client, options.group);
  } catch (error) {
    const setup = missingSetup(error);
    if (!setup || options.apply) throw remoteError(error, `reading group '${options.group}'`);
    notes.push(
      `showing the actions headroom would write; the diff against the group needs credentials: ${setup}`,
    );
    return undefined;
  }
}

/**
 * How the push orders its calls: so that the group, stopped after any of them, holds at least the
 * smaller of the old and the new plan at every moment. `problem` says why that cannot be done;
 * with --force the changes that cannot go safely then go in the plain order (puts, then deletes).
 */
function pushOrder(
  group: GroupState,
  changes: ActionChange[],
  quota: number,
  now: number,
  force?: boolean,
): { unit: NextUnit; problem?: string } {
  const after = changes.reduce(applied, group.actions);
  const check = new CapacityCheck(
    group.actions,
    after,
    now,
    Math.max(group.minSize, group.desiredCapacity),
  );
  const safe = (actions: ExistingAction[]) => !check.shortfall(actions);
  const careful: NextUnit = (actions, remaining) => nextUnit(actions, remaining, quota, safe);
  const { stuck, state } = plannedUnits(group.actions, changes, careful);
  if (stuck.length === 0) return { unit: careful };
  const short = check.shortfall(applied(state, stuck[0]))!;
  const problem = `the changes cannot be ordered so that a push stopped half-way keeps at least the smaller of the old and the new plan: ${stuck.length} change(s) would each lower it, e.g. ${stuck[0].op} ${stuck[0].name} would leave ${short.servers} server(s) at ${formatShort(short.time, 'UTC')} UTC, where the old plan has ${short.before} and the new ${short.after}`;
  const plain = (actions: ExistingAction[], remaining: ActionChange[]) =>
    careful(actions, remaining) ??
    (force ? nextUnit(actions, remaining, quota, () => true) : undefined);
  return { unit: plain, problem };
}

/**
 * Headroom's actions that still carry a MaxSize from an earlier `--max-size`: a push without it
 * leaves that MaxSize as it is (AWS keeps a field an update leaves out), so say so.
 */
function keptMaxSizes(existing: ExistingAction[], desired: DesiredAction[]): string | undefined {
  const names = new Set(desired.map((a) => a.name));
  const kept = existing.filter((a) => names.has(a.name) && a.maxSize !== undefined);
  if (kept.length === 0) return undefined;
  const sizes = [...new Set(kept.map((a) => a.maxSize))].sort((a, b) => a! - b!).join(', ');
  return `${kept.length} of headroom's actions keep MaxSize ${sizes} from an earlier --max-size: a push without --max-size leaves it as it is (give --max-size to change it)`;
}
