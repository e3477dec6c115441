import {
  AutoScalingClient,
  BatchDeleteScheduledActionCommand,
  BatchPutScheduledUpdateGroupActionCommand,
  DescribeAutoScalingGroupsCommand,
  paginateDescribeScheduledActions,
  type ScheduledUpdateGroupActionRequest,
} from '@aws-sdk/client-auto-scaling';
import { RemoteError, UserError } from '../../errors.js';
import { stopSignal, type ApplyControl, type StopSignal } from '../../util/interrupt.js';
import type { DesiredAction } from './actions.js';
import { applied, levelOf } from './capacity.js';
import { missingSetup, quietSdkWarnings, setupHint } from './setup.js';
import type { ActionChange, ExistingAction } from './diff.js';

/** The batch APIs take at most this many actions per call. */
export const BATCH_SIZE = 50;

export interface ClientOptions {
  region?: string;
  profile?: string;
  /** e.g. http://127.0.0.1:4566; the SDK also reads AWS_ENDPOINT_URL_AUTO_SCALING. */
  endpoint?: string;
  maxAttempts?: number;
}

export function autoScalingClient(options: ClientOptions): AutoScalingClient {
  quietSdkWarnings();
  return new AutoScalingClient({
    ...(options.region && { region: options.region }),
    ...(options.profile && { profile: options.profile }),
    ...(options.endpoint && { endpoint: options.endpoint }),
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: 'standard',
  });
}

export interface GroupState {
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  actions: ExistingAction[];
}

/**
 * Turns an SDK error into a message a person can act on: missing credentials or region are the
 * user's to fix (exit 2, with how); a call AWS refused is a RemoteError (exit 3).
 */
export function remoteError(error: unknown, doing: string): UserError {
  const setup = missingSetup(error);
  if (setup) return new UserError(`${doing}: ${setup}`, setupHint(setup));
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const hint =
    e.name === 'AccessDenied' || status === 403
      ? 'the role needs the permissions listed in docs/push-aws.md (autoscaling:DescribeScheduledActions, …)'
      : undefined;
  return new RemoteError(
    `${doing}: ${e.name ?? 'error'}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? String(error)}`,
    hint,
  );
}

/** The group's sizes and every scheduled action on it (all pages). */
export async function readGroup(client: AutoScalingClient, group: string): Promise<GroupState> {
  const described = await client.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }),
  );
  const found = described.AutoScalingGroups?.[0];
  if (!found) {
    throw new RemoteError(
      `no Auto Scaling group named '${group}' in ${await client.config.region()}`,
      'check --group and --region',
    );
  }
  const actions: ExistingAction[] = [];
  const pages = paginateDescribeScheduledActions(
    { client, pageSize: 100 },
    { AutoScalingGroupName: group },
  );
  for await (const page of pages) {
    for (const a of page.ScheduledUpdateGroupActions ?? []) {
      if (!a.ScheduledActionName) continue;
      actions.push({
        name: a.ScheduledActionName,
        ...(a.Recurrence && { recurrence: a.Recurrence }),
        ...(a.TimeZone && { timeZone: a.TimeZone }),
        ...(a.StartTime && { startTime: a.StartTime.getTime() }),
        ...(a.MinSize !== undefined && { minSize: a.MinSize }),
        ...(a.MaxSize !== undefined && { maxSize: a.MaxSize }),
        ...(a.DesiredCapacity !== undefined && { desiredCapacity: a.DesiredCapacity }),
      });
    }
  }
  return {
    name: group,
    minSize: found.MinSize ?? 0,
    maxSize: found.MaxSize ?? 0,
    desiredCapacity: found.DesiredCapacity ?? 0,
    actions,
  };
}

function request(action: DesiredAction): ScheduledUpdateGroupActionRequest {
  return {
    ScheduledActionName: action.name,
    ...(action.recurrence && { Recurrence: action.recurrence }),
    ...(action.timeZone && { TimeZone: action.timeZone }),
    ...(action.startTime !== undefined && { StartTime: new Date(action.startTime) }),
    ...(action.minSize !== undefined && { MinSize: action.minSize }),
    ...(action.maxSize !== undefined && { MaxSize: action.maxSize }),
    ...(action.desiredCapacity !== undefined && { DesiredCapacity: action.desiredCapacity }),
  };
}

export interface ApplyOutcome {
  applied: ActionChange[];
  failed: { change: ActionChange; error: string }[];
  /** Changes not attempted: an earlier call failed outright, or a signal stopped the push. */
  notAttempted: ActionChange[];
  /** The signal that stopped the push between calls, if one did. */
  interrupted?: StopSignal;
  /** After failures, no change left could go without leaving less capacity than both plans. */
  blocked?: boolean;
}

/** One batch call. */
export interface ApplyStep {
  op: 'put' | 'delete';
  batch: ActionChange[];
  /** A delete that makes room under the quota for the creates of the put right after it. */
  makesRoom?: boolean;
}

/** Whether the group may hold these actions between two calls of a push. */
export type Safe = (actions: ExistingAction[]) => boolean;

/** The next unit of calls, from the actions on the group and the changes left; undefined when stuck. */
export type NextUnit = (
  actions: ExistingAction[],
  remaining: ActionChange[],
) => ApplyStep[] | undefined;

/**
 * Changes taken one by one while each leaves the group `safe`, at most `most`, creates only while
 * the quota has `room`: the chosen changes and the actions they leave.
 */
function pick(
  actions: ExistingAction[],
  candidates: ActionChange[],
  safe: Safe,
  room = Infinity,
  most = BATCH_SIZE,
) {
  let state = actions;
  const chosen = new Set<ActionChange>();
  // Another pass after a change was taken: it may have made an earlier candidate safe.
  for (let taken = true; taken && chosen.size < most;) {
    taken = false;
    for (const change of candidates) {
      if (chosen.has(change) || chosen.size >= most || (change.op === 'create' && room <= 0)) {
        continue;
      }
      const next = applied(state, change);
      if (!safe(next)) continue;
      chosen.add(change);
      state = next;
      taken = true;
      if (change.op === 'create') room--;
    }
  }
  return { chosen, state };
}

/**
 * The next calls of a push, grouped into a unit that an interruption never splits. A call takes
 * up to 50 of the changes left that keep the group `safe` one after another: puts first, those
 * that set the most servers first (they only raise), then deletes, those of the fewest servers
 * first. When the quota has no room for the creates, just enough deletes go right before the put,
 * in its unit. Undefined when no change left can go next safely.
 */
export function nextUnit(
  actions: ExistingAction[],
  remaining: ActionChange[],
  quota: number,
  safe: Safe,
): ApplyStep[] | undefined {
  const level = (c: ActionChange) => levelOf(c.desired ?? c.existing!) ?? 0;
  const puts = remaining.filter((c) => c.op !== 'delete').sort((a, b) => level(b) - level(a));
  const deletes = remaining.filter((c) => c.op === 'delete').sort((a, b) => level(a) - level(b));
  // A call carries its changes in the diff's order.
  const batch = (chosen: Set<ActionChange>) => remaining.filter((c) => chosen.has(c));
  const room = quota - actions.length;
  const open = pick(actions, puts, safe);
  const creates = [...open.chosen].filter((c) => c.op === 'create').length;
  if (open.chosen.size > 0 && creates <= room) return [{ op: 'put', batch: batch(open.chosen) }];
  if (creates > room) {
    const making = pick(actions, deletes, safe, Infinity, creates - Math.max(room, 0));
    const put = pick(making.state, puts, safe, quota - making.state.length);
    const unit: ApplyStep[] = [];
    if (making.chosen.size > 0) {
      unit.push({ op: 'delete', batch: batch(making.chosen), makesRoom: put.chosen.size > 0 });
    }
    if (put.chosen.size > 0) unit.push({ op: 'put', batch: batch(put.chosen) });
    if (unit.length > 0) return unit;
  }
  const rest = pick(actions, deletes, safe);
  return rest.chosen.size > 0 ? [{ op: 'delete', batch: batch(rest.chosen) }] : undefined;
}

/** The units a push would make if every call succeeded, and the changes left when it got stuck. */
export function plannedUnits(actions: ExistingAction[], changes: ActionChange[], next: NextUnit) {
  const units: ApplyStep[][] = [];
  let state = actions;
  let remaining = changes;
  for (let unit = next(state, remaining); unit; unit = next(state, remaining)) {
    units.push(unit);
    const done = new Set(unit.flatMap((step) => step.batch));
    state = [...done].reduce(applied, state);
    remaining = remaining.filter((c) => !done.has(c));
    if (remaining.length === 0) break;
  }
  return { units, stuck: remaining, state };
}

const API = { put: 'BatchPutScheduledUpdateGroupAction', delete: 'BatchDeleteScheduledAction' };

/** "BatchDeleteScheduledAction of 3 action(s) (headroom-a … headroom-c)", for a forced exit. */
function callName(step: ApplyStep): string {
  const names = step.batch.map((c) => c.name);
  const span = names.length > 1 ? `${names[0]} … ${names[names.length - 1]}` : names[0];
  return `${API[step.op]} of ${names.length} action(s) (${span})`;
}

/**
 * Applies the changes in batches of 50, each unit of calls chosen by `next` from what is on the
 * group by then (so a change that failed is taken into account). Every action's outcome is
 * recorded: a batch's per-action failures, and a call that fails outright (after the SDK's
 * retries) fails its batch and leaves the rest not attempted. When `control` is stopped (Ctrl-C),
 * the call in flight is answered, no further unit starts, and the rest is not attempted. When no
 * change left can go next safely (after failures), the rest is not attempted either (`blocked`).
 */
export async function applyChanges(
  client: AutoScalingClient,
  group: string,
  actions: ExistingAction[],
  changes: ActionChange[],
  next: NextUnit,
  control?: ApplyControl,
): Promise<ApplyOutcome> {
  const outcome: ApplyOutcome = { applied: [], failed: [], notAttempted: [] };
  const call = async (step: ApplyStep) => {
    if (step.op === 'put') {
      const result = await client.send(
        new BatchPutScheduledUpdateGroupActionCommand({
          AutoScalingGroupName: group,
          ScheduledUpdateGroupActions: step.batch.map((c) => request(c.desired!)),
        }),
      );
      return result.FailedScheduledUpdateGroupActions ?? [];
    }
    const result = await client.send(
      new BatchDeleteScheduledActionCommand({
        AutoScalingGroupName: group,
        ScheduledActionNames: step.batch.map((c) => c.name),
      }),
    );
    return result.FailedScheduledActions ?? [];
  };
  const done = () => outcome.applied.map((c) => `${c.op} ${c.name}`);
  let state = actions;
  let remaining = changes;
  push: while (remaining.length > 0) {
    const unit = next(state, remaining);
    if (!unit) {
      outcome.blocked = true;
      break;
    }
    for (const [i, step] of unit.entries()) {
      const signal = stopSignal(control);
      if (signal && i === 0) {
        outcome.interrupted = signal;
        break push;
      }
      control?.track(callName(step), done());
      remaining = remaining.filter((c) => !step.batch.includes(c));
      try {
        const failures = new Map(
          (await call(step)).map((f) => [
            f.ScheduledActionName ?? '',
            `${f.ErrorCode ?? 'error'}: ${f.ErrorMessage ?? ''}`.trim(),
          ]),
        );
        for (const change of step.batch) {
          const error = failures.get(change.name);
          if (error) outcome.failed.push({ change, error });
          else {
            outcome.applied.push(change);
            state = applied(state, change);
          }
        }
      } catch (error) {
        const message = remoteError(error, 'call failed').message;
        for (const change of step.batch) outcome.failed.push({ change, error: message });
        break push;
      }
    }
  }
  outcome.notAttempted.push(...remaining);
  control?.track(undefined, done());
  // A signal during the last call still stopped the push: say so, although nothing was left.
  outcome.interrupted ??= stopSignal(control);
  return outcome;
}
