import { UserError } from '../../errors.js';
import {
  refuseStaleHistory,
  scheduleSource,
  pushShaping,
  type ScheduleSource,
} from '../../run/schedule.js';
import type { PlannedSchedule } from '../../schedule/document.js';
import { wholeNumber } from '../../settings/parse.js';
import type { Warning } from '../../types.js';
import { table } from '../../util/table.js';
import { formatShort } from '../../util/time.js';
import type { PushContext, PushOptions } from '../definition.js';
import { runPush } from '../push.js';
import type { PushResult, PushTarget } from '../target.js';
import { nextRun, type ActionSet, type Recurrence } from './actions.js';
import type { ActionChange, ActionDiff, ExistingAction } from './diff.js';
import type { ApplyOutcome } from './group.js';
import { acceptablePrefix, PREFIX_HINT, PREFIX_RULE } from './prefix.js';
import { awsChanges, type AwsPlan, type AwsPushOptions, type AwsSettings } from './push.js';

// `headroom push aws` (its flags are in definition.ts): checks the flags, builds the target, runs
// it through the orchestrator and renders its report.

export interface PushAwsOptions extends PushOptions, AwsPushOptions {
  group: string;
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
  /** Exit EXIT.pending when the group does not hold the plan after this run. */
  exitCode?: boolean;
}

export async function pushAwsCommand(
  csv: string | undefined,
  options: PushAwsOptions,
  context: PushContext,
): Promise<PushResult> {
  const now = context.now();
  const settings = awsSettings(options);
  const source = await scheduleSource(csv, options);
  refuseStaleHistory(source, options, now);
  const shaping = pushShaping(source, options, context.explicit);
  const target = awsTarget(options, { ...settings, ...shaping }, source, now);
  return runPush(target, {
    apply: Boolean(options.apply),
    stepSummary: context.stepSummary,
    exitCode: Boolean(options.exitCode),
  });
}

/** The checked numbers of the options (UserError for a bad one). */
function awsSettings(
  options: PushAwsOptions,
): Omit<AwsSettings, 'leadMs' | 'minHoldMs' | 'shaped'> {
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

/** An Auto Scaling group's scheduled actions as a push target: its changes, rendered here. */
function awsTarget(
  options: PushAwsOptions,
  settings: AwsSettings,
  source: ScheduleSource,
  now: number,
): PushTarget<AwsPlan, ApplyOutcome> {
  const { planned, warnings, notes } = source;
  return {
    ...awsChanges(options, settings, planned, notes, now),
    describe(plan, outcome) {
      const report = describe(options, planned.timezone, plan.set, plan.diff, outcome, now);
      const json = awsJson(options, planned, plan, outcome, warnings, notes);
      return { json, text: report.text, markdown: report.markdown, warnings, notes };
    },
  };
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
  const quota = failed.some((f) => /LimitExceeded/.test(f.error))
    ? `. AWS refused some as over the group's quota of scheduled actions, which is lower than --max-actions ${options.maxActions}: give your quota with --max-actions and push again`
    : '';
  return `applied ${applied.length} change(s); ${failed.length} failed and ${notAttempted.length} were not attempted (listed below)${blocked}${quota}`;
}
