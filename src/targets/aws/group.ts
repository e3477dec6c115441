import {
  AutoScalingClient,
  BatchDeleteScheduledActionCommand,
  BatchPutScheduledUpdateGroupActionCommand,
  DescribeAutoScalingGroupsCommand,
  paginateDescribeScheduledActions,
  type ScheduledUpdateGroupActionRequest,
} from '@aws-sdk/client-auto-scaling';
import { RemoteError } from '../../errors.js';
import { stopSignal, type ApplyControl, type StopSignal } from '../../util/interrupt.js';
import type { DesiredAction } from './actions.js';
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
  // The SDK warns on every run that releases after January 2027 need Node 22; the lockfile pins
  // this one, and the README says so, so the warning is only noise in a CLI's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
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

/** Why a call could not even be made: no credentials or no region. Undefined for other errors. */
export function missingSetup(error: unknown): string | undefined {
  const name = (error as Error)?.name ?? '';
  const message = (error as Error)?.message ?? '';
  if (name === 'CredentialsProviderError' || /credentials/i.test(message)) {
    return 'no AWS credentials found (environment, --profile, SSO, web identity or instance role)';
  }
  if (/region is missing/i.test(message)) return 'no AWS region (--region or AWS_REGION)';
  return undefined;
}

/** Turns an SDK error into a message a person can act on. */
export function remoteError(error: unknown, doing: string): RemoteError {
  const setup = missingSetup(error);
  if (setup) return new RemoteError(`${doing}: ${setup}`, 'configure credentials and a region');
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const hint =
    e.name === 'AccessDenied' || status === 403
      ? 'the role needs the permissions listed in the README (autoscaling:DescribeScheduledActions, …)'
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
}

/** One batch call. */
export interface ApplyStep {
  op: 'put' | 'delete';
  batch: ActionChange[];
  /** A delete that makes room under the quota for the creates of the put right after it. */
  makesRoom?: boolean;
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH_SIZE) out.push(items.slice(i, i + BATCH_SIZE));
  return out;
}

/**
 * The order of the batch calls, grouped into units that an interruption never splits. Updates go
 * first (they need no room), then creates, then deletes, so a push stopped half-way leaves the
 * group with the old actions still there rather than missing. Only when `room` (the quota minus
 * the actions on the group) is too small for the creates does a delete go earlier: just enough of
 * them, in the same unit as the put they make room for, so that no stop between calls leaves the
 * group without actions that were deleted for creates that never came.
 */
export function applyOrder(changes: ActionChange[], room: number): ApplyStep[][] {
  const puts = [
    ...changes.filter((c) => c.op === 'update'),
    ...changes.filter((c) => c.op === 'create'),
  ];
  const deletes = changes.filter((c) => c.op === 'delete');
  const units: ApplyStep[][] = [];
  let free = room;
  for (const batch of chunks(puts)) {
    const creates = batch.filter((c) => c.op === 'create').length;
    const making = deletes.splice(0, Math.max(0, creates - free));
    free += making.length - creates;
    units.push([
      ...chunks(making).map((b) => ({ op: 'delete' as const, batch: b, makesRoom: true })),
      { op: 'put', batch },
    ]);
  }
  for (const batch of chunks(deletes)) units.push([{ op: 'delete', batch }]);
  return units;
}

const API = { put: 'BatchPutScheduledUpdateGroupAction', delete: 'BatchDeleteScheduledAction' };

/** "BatchDeleteScheduledAction of 3 action(s) (headroom-a … headroom-c)", for a forced exit. */
function callName(step: ApplyStep): string {
  const names = step.batch.map((c) => c.name);
  const span = names.length > 1 ? `${names[0]} … ${names[names.length - 1]}` : names[0];
  return `${API[step.op]} of ${names.length} action(s) (${span})`;
}

/**
 * Applies the changes in batches of 50, in the order of `applyOrder`. Every action's outcome is
 * recorded: a batch's per-action failures, and a call that fails outright (after the SDK's
 * retries) fails its batch and leaves the rest not attempted. When `control` is stopped (Ctrl-C),
 * the call in flight is answered, no further unit starts, and the rest is not attempted.
 */
export async function applyChanges(
  client: AutoScalingClient,
  group: string,
  changes: ActionChange[],
  room: number,
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
  const steps = applyOrder(changes, room).flatMap((unit) =>
    unit.map((step, i) => ({ step, startsUnit: i === 0 })),
  );
  const done = () => outcome.applied.map((c) => `${c.op} ${c.name}`);
  for (let s = 0; s < steps.length; s++) {
    const { step, startsUnit } = steps[s];
    const signal = stopSignal(control);
    if (signal && startsUnit) {
      outcome.interrupted = signal;
      for (const rest of steps.slice(s)) outcome.notAttempted.push(...rest.step.batch);
      break;
    }
    control?.track(callName(step), done());
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
        else outcome.applied.push(change);
      }
    } catch (error) {
      const message = remoteError(error, 'call failed').message;
      for (const change of step.batch) outcome.failed.push({ change, error: message });
      for (const rest of steps.slice(s + 1)) outcome.notAttempted.push(...rest.step.batch);
      break;
    }
  }
  control?.track(undefined, done());
  // A signal during the last call still stopped the push: say so, although nothing was left.
  outcome.interrupted ??= stopSignal(control);
  return outcome;
}
