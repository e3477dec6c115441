import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { GuardrailError, UserError } from '../errors.js';
import type { PlannedSchedule } from '../schedule/document.js';
import { runPush } from '../targets/push.js';
import type { PushTarget } from '../targets/target.js';
import type { Warning } from '../types.js';
import { actionsFor, nextRun, type ActionSet, type Recurrence } from '../targets/aws/actions.js';
import {
  diffActions,
  type ActionChange,
  type ActionDiff,
  type ExistingAction,
} from '../targets/aws/diff.js';
import { applied, CapacityCheck } from '../targets/aws/capacity.js';
import {
  applyChanges,
  autoScalingClient,
  nextUnit,
  plannedUnits,
  type NextUnit,
  missingSetup,
  readGroup,
  remoteError,
  type ApplyOutcome,
  type GroupState,
} from '../targets/aws/group.js';
import { guardrailProblems } from '../targets/aws/guardrails.js';
import { acceptablePrefix, PREFIX_HINT, PREFIX_RULE } from '../targets/aws/prefix.js';
import { formatShort } from '../util/time.js';
import { table, type CommandOutput } from './output.js';
import { wholeNumber } from './options.js';
import {
  scheduleSource,
  shapeOptions,
  type ScheduleSource,
  type ScheduleSourceOptions,
} from './schedule-input.js';

export interface PushAwsOptions extends ScheduleSourceOptions {
  group: string;
  config?: string;
  region?: string;
  profile?: string;
  endpoint?: string;
  prefix: string;
  recurrence: Recurrence;
  maxActions: string;
  minSize: string;
  desired: 'plan' | 'none';
  maxSize?: string;
  maxGrowth: string;
  force?: boolean;
  apply?: boolean;
  json?: boolean;
}

/** Where the command reads the clock and the environment: tests pass their own. */
export interface PushContext {
  now: number;
  stepSummary?: string;
}

export async function pushAwsCommand(
  csv: string | undefined,
  options: PushAwsOptions,
  context: PushContext = { now: Date.now(), stepSummary: process.env.GITHUB_STEP_SUMMARY },
): Promise<CommandOutput> {
  const settings = awsSettings(options);
  const { leadMs, minHoldMs } = shapeOptions(options);
  const source = await scheduleSource(csv, options);
  const target = awsTarget(options, { ...settings, leadMs, minHoldMs }, source, context.now);
  return runPush(target, { apply: Boolean(options.apply), stepSummary: context.stepSummary });
}

interface AwsSettings {
  quota: number;
  maxGrowth: number;
  minSize: number | 'plan';
  maxSize?: number;
  leadMs: number;
  minHoldMs: number;
}

/** The checked numbers of the options (UserError for a bad one). */
function awsSettings(options: PushAwsOptions): Omit<AwsSettings, 'leadMs' | 'minHoldMs'> {
  if (!options.group) throw new UserError('--group is required: the Auto Scaling group to change');
  if (!acceptablePrefix(options.prefix)) {
    throw new UserError(
      `--prefix ${JSON.stringify(options.prefix)}: the prefix ${PREFIX_RULE}`,
      PREFIX_HINT,
    );
  }
  const quota = wholeNumber(options.maxActions, '--max-actions', 1);
  const maxGrowth = Number(options.maxGrowth);
  if (!(maxGrowth > 0)) {
    throw new UserError(`--max-growth: expected a positive number, got '${options.maxGrowth}'`);
  }
  const minSize =
    options.minSize === 'plan' ? 'plan' : wholeNumber(options.minSize, '--min-size', 0);
  const maxSize =
    options.maxSize === undefined ? undefined : wholeNumber(options.maxSize, '--max-size', 1);
  return { quota, maxGrowth, minSize, ...(maxSize !== undefined && { maxSize }) };
}

/** What the AWS push decided before changing anything. */
interface AwsPlan {
  /** The group as read; undefined without credentials (a dry run then shows the actions only). */
  group?: GroupState;
  set: ActionSet;
  diff?: ActionDiff;
  next?: { unit: NextUnit; problem?: string };
}

/** An Auto Scaling group's scheduled actions as a push target. */
function awsTarget(
  options: PushAwsOptions,
  settings: AwsSettings,
  source: ScheduleSource,
  now: number,
): PushTarget<AwsPlan, ApplyOutcome> {
  const { planned, warnings, notes } = source;
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
        minSize: settings.minSize,
        desired: options.desired,
        ...(settings.maxSize !== undefined && { maxSize: settings.maxSize }),
        now,
        existing: group?.actions ?? [],
      });
      notes.push(...set.notes);
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
    describe(plan, outcome) {
      const report = describe(options, planned.timezone, plan.set, plan.diff, outcome, now);
      const json = awsJson(options, planned, plan, outcome, warnings, notes);
      return { json, text: report.text, markdown: report.markdown, warnings, notes };
    },
  };
}

/** The group, or undefined (with a note) when a dry run has no credentials to read it. */
async function readOrExplain(
  client: AutoScalingClient,
  options: PushAwsOptions,
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

function awsJson(
  options: PushAwsOptions,
  planned: PlannedSchedule,
  { set, diff }: AwsPlan,
  outcome: ApplyOutcome | undefined,
  warnings: Warning[],
  notes: string[],
) {
  return {
    group: options.group,
    source: planned.origin,
    timezone: planned.timezone,
    mode: set.mode,
    applied: Boolean(options.apply),
    interrupted: outcome?.interrupted !== undefined,
    actions: set.actions.map((a) => ({
      ...a,
      ...(a.startTime !== undefined && { startTime: new Date(a.startTime).toISOString() }),
    })),
    extraServerHours: set.extraServerHours,
    diff: diff && {
      create: names(diff.changes, 'create'),
      update: diff.changes
        .filter((c) => c.op === 'update')
        .map((c) => ({ name: c.name, changes: c.changes })),
      delete: names(diff.changes, 'delete'),
      unchanged: diff.unchanged,
      foreign: diff.foreign.map((a) => a.name),
    },
    outcome: outcome && {
      ...(outcome.interrupted && { signal: outcome.interrupted }),
      applied: outcome.applied.map((c) => ({ op: c.op, name: c.name })),
      failed: outcome.failed.map((f) => ({
        op: f.change.op,
        name: f.change.name,
        error: f.error,
      })),
      notAttempted: outcome.notAttempted.map((c) => ({ op: c.op, name: c.name })),
    },
    warnings,
    notes,
  };
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

const names = (changes: ActionChange[], op: ActionChange['op']) =>
  changes.filter((c) => c.op === op).map((c) => c.name);

function when(action: ExistingAction | undefined, zone: string, now: number) {
  if (!action) return { utc: '', local: '' };
  if (action.recurrence) {
    const next = nextRun(action.recurrence, action.timeZone ?? 'UTC', now);
    return {
      utc: next === undefined ? '' : `${formatShort(next, 'UTC')} (next)`,
      local: `cron ${action.recurrence}`,
    };
  }
  const start = action.startTime ?? 0;
  return { utc: formatShort(start, 'UTC'), local: formatShort(start, zone) };
}

const size = (v?: number) => (v === undefined ? '–' : String(v));

/** What became of each change: applied, FAILED or not attempted. */
function results(outcome: ApplyOutcome): Map<ActionChange, string> {
  return new Map([
    ...outcome.applied.map((c) => [c, 'applied'] as const),
    ...outcome.failed.map((f) => [f.change, 'FAILED'] as const),
    ...outcome.notAttempted.map((c) => [c, 'not attempted'] as const),
  ]);
}

function describe(
  options: PushAwsOptions,
  zone: string,
  set: ActionSet,
  diff: ActionDiff | undefined,
  outcome: ApplyOutcome | undefined,
  now: number,
) {
  const header = ['op', 'action', 'UTC', zone, 'min', 'desired', 'max', 'change'];
  const result = outcome && results(outcome);
  if (result) header.push('result');
  const changes: (Omit<ActionChange, 'op'> & { op: string })[] =
    diff?.changes ?? set.actions.map((a) => ({ op: 'put', name: a.name, desired: a, changes: [] }));
  const rows = changes.map((c) => {
    const action: ExistingAction | undefined = c.desired ?? c.existing;
    const w = when(action, zone, now);
    const row = [
      c.op,
      c.name,
      w.utc,
      w.local,
      size(action?.minSize),
      size(action?.desiredCapacity),
      size(action?.maxSize),
      c.changes.join('; '),
    ];
    if (result) row.push(result.get(c as ActionChange) ?? '');
    return row;
  });
  const counts = diff
    ? `${count(diff, 'create')} to create, ${count(diff, 'update')} to update, ${count(diff, 'delete')} to delete, ${diff.unchanged} unchanged; ${diff.foreign.length} action(s) not owned by '${options.prefix}' left alone`
    : `${set.actions.length} action(s) would be written (not compared with the group)`;
  const shape = `${set.actions.length} ${set.mode === 'weekly' ? 'weekly recurring' : 'one-off'} action(s) in ${zone}; fitting the limit added ${round(set.extraServerHours)} server-hours to ${round(set.plannedServerHours)}${set.mode === 'weekly' ? ' a week' : ''}`;
  const status = statusLine(options, diff, outcome);
  // Every change that was not applied, by name, with the reason for a failure.
  const unfinished = outcome
    ? [
        ...outcome.failed.map((f) => `failed ${f.change.op} ${f.change.name}: ${f.error}`),
        ...outcome.notAttempted.map((c) => `not attempted ${c.op} ${c.name}`),
      ]
    : [];
  const lines = [`group ${options.group}: ${shape}`, counts, ''];
  if (rows.length > 0) lines.push(table(header, rows), '');
  lines.push(status, ...unfinished.map((u) => `  ${u}`));
  const markdown = [
    `### headroom push aws: ${options.group}`,
    '',
    shape + '.',
    '',
    counts + '.',
    '',
    ...(rows.length > 0
      ? [
          `| ${header.join(' | ')} |`,
          `|${header.map(() => '---').join('|')}|`,
          ...rows.map((r) => `| ${r.join(' | ')} |`),
          '',
        ]
      : []),
    status,
    '',
    ...(unfinished.length > 0 ? [...unfinished.map((u) => `- ${u}`), ''] : []),
  ].join('\n');
  return { text: lines.join('\n'), markdown };
}

const count = (diff: ActionDiff, op: ActionChange['op']) =>
  diff.changes.filter((c) => c.op === op).length;

const round = (value: number) => Math.round(value * 10) / 10;

function statusLine(
  options: PushAwsOptions,
  diff: ActionDiff | undefined,
  outcome: ApplyOutcome | undefined,
): string {
  if (!diff) return 'dry run: nothing was changed (add credentials to see the diff, then --apply)';
  if (diff.changes.length === 0) return 'nothing to change: the group already has this schedule';
  if (!options.apply)
    return 'dry run: nothing was changed; run again with --apply to make these changes';
  if (!outcome) return '';
  const { applied, failed, notAttempted, interrupted } = outcome;
  if (interrupted && failed.length + notAttempted.length === 0) {
    return `interrupted (${interrupted}) during the last call, which was answered: applied all ${applied.length} change(s)`;
  }
  if (interrupted) {
    return `interrupted (${interrupted}): applied ${applied.length} of ${diff.changes.length} change(s); ${failed.length} failed and ${notAttempted.length} were not attempted (listed below). Run the push again to finish: it reconciles with what is on the group`;
  }
  if (failed.length + notAttempted.length === 0) return `applied all ${applied.length} change(s)`;
  const blocked = outcome.blocked
    ? ': after those failures, each change left would leave the group below both plans somewhere in the week, so none was attempted'
    : '';
  return `applied ${applied.length} change(s); ${failed.length} failed and ${notAttempted.length} were not attempted (listed below)${blocked}`;
}
