import { DateTime } from 'luxon';
import { UserError } from '../../errors.js';
import {
  fewestRuns,
  fillShortDips,
  mergeRuns,
  segmentsOf,
  serverHours,
  timelineFromSchedule,
  withLeadTime,
  type Segment,
  type Timeline,
} from '../../schedule/timeline.js';
import {
  clock,
  compactWeekly,
  coversLocalWeek,
  cronExpression,
  cronRules,
  weeklyProfile,
  type CronRule,
} from '../../schedule/weekly.js';
import type { PlannedSchedule } from '../../schedule/document.js';
import { refuseEndedPlan, START_MARGIN_MS } from '../../schedule/ended.js';
import type { DesiredAction, ExistingAction } from './diff.js';

export type { DesiredAction };

/** AWS's quota of scheduled actions per Auto Scaling group. */
export const AWS_ACTION_LIMIT = 125;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export type Recurrence = 'weekly' | 'once' | 'auto';

export interface ActionOptions {
  prefix: string;
  recurrence: Recurrence;
  /** Most actions headroom may own: the quota less the foreign actions already on the group. */
  limit: number;
  leadMs: number;
  minHoldMs: number;
  /**
   * The schedule was shaped by `plan` (schedule.json's `shaped`): its steps become the actions as
   * they are, and a schedule with more changes than the limit is refused, not fitted.
   */
  shaped?: boolean;
  /** MinSize: the planned servers ('plan') or a fixed number. */
  minSize: 'plan' | number;
  /** DesiredCapacity: the planned servers, or left to the group's scaling policies. */
  desired: 'plan' | 'none';
  maxSize?: number;
  now: number;
  /** The group's current actions, so that recurring actions keep their names where they can. */
  existing?: ExistingAction[];
  /** The group's sizes now: a one-off run already in force needs no action of its own. */
  current?: { minSize: number; desiredCapacity: number };
}

export interface ActionSet {
  mode: 'weekly' | 'once';
  actions: DesiredAction[];
  /** Server-hours per week (weekly) or over the plan (once) added by fitting under the limit. */
  extraServerHours: number;
  plannedServerHours: number;
  /** What the push should say about the actions: one-off starts moved off foreign ones. */
  notes: string[];
}

/** Turns a planned schedule into the scheduled actions that carry it out, within the limit. */
export function actionsFor(planned: PlannedSchedule, options: ActionOptions): ActionSet {
  const timeline = withLeadTime(timelineFromSchedule(planned.schedule), options.leadMs);
  const weekly = coversLocalWeek(timeline.steps[0].start, timeline.end, planned.timezone);
  const mode = options.recurrence === 'auto' ? (weekly ? 'weekly' : 'once') : options.recurrence;
  const sizes = (capacity: number) => ({
    capacity,
    minSize: options.minSize === 'plan' ? capacity : options.minSize,
    ...(options.desired === 'plan' && { desiredCapacity: capacity }),
    ...(options.maxSize !== undefined && { maxSize: options.maxSize }),
  });
  if (mode === 'weekly') return weeklyActions(planned, timeline, options, sizes);

  refuseEndedPlan(
    timeline.end,
    options.now,
    'one-off actions must start in the future',
    // A weekly repeat needs a week of plan: a shorter one can only be planned again.
    weekly
      ? 'plan again from fresh data, or push it as weekly recurring actions with --recurrence weekly'
      : 'plan again from fresh data',
  );
  // The run in force now starts at the first whole minute after the margin; before it is past.
  const earliest = Math.ceil((options.now + START_MARGIN_MS) / MINUTE_MS) * MINUTE_MS;
  const segments = segmentsOf(timeline);
  const future = segments
    .map((s) => {
      const start = Math.max(s.start, earliest);
      return { ...s, start, duration: s.start + s.duration - start };
    })
    .filter((s) => s.duration > 0);
  const filled = options.shaped
    ? mergeRuns(future)
    : fillShortDips(mergeRuns(future), options.minHoldMs);
  if (options.shaped && filled.length > options.limit)
    throw tooManyShaped(options.limit, filled.length);
  if (options.limit < 1) throw tooMany(options.limit, filled.length);
  let fitted = filled;
  if (filled.length > options.limit) fitted = fewestRuns(filled, options.limit).runs(options.limit);
  const foreign = new Map(
    (options.existing ?? [])
      .filter((a) => !a.name.startsWith(options.prefix) && a.startTime !== undefined)
      .map((a) => [a.startTime!, a.name]),
  );
  const inForce = runInForce(fitted, segments, earliest, {
    ...options,
    want: sizes,
  });
  const placed = inForce.runs;
  const starts = placed.length > 0 ? uniqueStarts(placed, foreign, placed[0].start) : [];
  if (inForce.keptStart !== undefined) starts[0] = inForce.keptStart;
  const name = (start: number) =>
    `${options.prefix}once-${DateTime.fromMillis(start, { zone: 'UTC' }).toFormat("yyyyMMdd'T'HHmm'Z'")}`;
  const actions = placed.map((s, i) => ({
    name: name(starts[i]),
    startTime: starts[i],
    ...sizes(s.capacity),
  }));
  const notes = placed.flatMap((s, i) => {
    const moved = (starts[i] - s.start) / MINUTE_MS;
    if (moved === 0 || (i === 0 && inForce.keptStart !== undefined)) return [];
    const by = `${Math.abs(moved)} minute${Math.abs(moved) === 1 ? '' : 's'} ${moved < 0 ? 'earlier' : 'later'}`;
    const utc = (ms: number) => DateTime.fromMillis(ms, { zone: 'UTC' }).toFormat('HH:mm');
    return [
      `${name(starts[i])} starts ${by} (${utc(s.start)} → ${utc(starts[i])} UTC): the foreign action '${foreign.get(s.start)}' starts at ${utc(s.start)}, and AWS takes one action per start time`,
    ];
  });
  const plannedHours = serverHours(future, HOUR_MS);
  return {
    mode,
    actions,
    extraServerHours: serverHours(fitted, HOUR_MS) - plannedHours,
    plannedServerHours: plannedHours,
    notes,
  };
}

/** Weekly recurring actions: the plan folded onto one local week, fitted within the limit. */
function weeklyActions(
  planned: PlannedSchedule,
  timeline: Timeline,
  options: ActionOptions,
  sizes: (capacity: number) => Omit<DesiredAction, 'name'>,
): ActionSet {
  const profile = weeklyProfile(timeline, planned.timezone);
  const needed = cronRules(profile).length;
  if (options.shaped && needed > options.limit) throw tooManyShaped(options.limit, needed);
  const compact = options.shaped
    ? profile
    : compactWeekly(profile, {
        limit: options.limit,
        minHoldMinutes: options.minHoldMs / MINUTE_MS,
      });
  if (!compact) throw tooMany(options.limit, needed);
  const rules = cronRules(compact);
  const names = weeklyNames(rules, options.existing ?? [], options.prefix);
  const actions = rules.map((rule, i) => ({
    name: names[i],
    recurrence: cronExpression(rule),
    timeZone: planned.timezone,
    ...sizes(rule.capacity),
  }));
  const plannedHours = serverHours(profile.segments, HOUR_MS / MINUTE_MS);
  return {
    mode: 'weekly',
    actions,
    extraServerHours: serverHours(compact.segments, HOUR_MS / MINUTE_MS) - plannedHours,
    plannedServerHours: plannedHours,
    notes: [],
  };
}

/**
 * The one-off run in force now starts a minute or two from now, and so would again on every push:
 * keep the action an earlier push placed for it (same sizes, started within the run), or, when it
 * has fired and AWS has removed it, none if the group already holds those sizes.
 */
function runInForce(
  runs: Segment[],
  planned: Segment[],
  earliestMinute: number,
  options: Pick<ActionOptions, 'prefix' | 'existing' | 'current'> & {
    want: (capacity: number) => { minSize: number; desiredCapacity?: number };
  },
): { runs: Segment[]; keptStart?: number } {
  if (runs.length === 0 || runs[0].start !== earliestMinute) return { runs };
  const want = options.want(runs[0].capacity);
  const since =
    planned.find((s) => s.start <= earliestMinute && earliestMinute < s.start + s.duration)
      ?.start ?? earliestMinute;
  const placed = (options.existing ?? []).find(
    (a) =>
      a.name.startsWith(options.prefix) &&
      a.recurrence === undefined &&
      a.startTime !== undefined &&
      a.startTime >= since &&
      a.startTime <= earliestMinute &&
      a.minSize === want.minSize &&
      a.desiredCapacity === want.desiredCapacity,
  );
  if (placed) return { runs, keptStart: placed.startTime };
  const held =
    options.current !== undefined &&
    options.current.minSize === want.minSize &&
    (want.desiredCapacity === undefined || options.current.desiredCapacity >= want.desiredCapacity);
  return held ? { runs: runs.slice(1) } : { runs };
}

/**
 * Start times for one-off runs that no foreign action has: AWS refuses a second action at a start
 * time. A run on a taken time moves a minute at a time, a scale-up earlier and a scale-down later
 * (either way the group holds the higher count a little longer, never less than the plan), and
 * the other way only when its neighbours leave no free minute; it never passes a neighbour.
 */
function uniqueStarts(runs: Segment[], taken: Map<number, string>, earliest: number): number[] {
  const starts: number[] = [];
  runs.forEach((run, i) => {
    const low = i > 0 ? starts[i - 1] + MINUTE_MS : earliest;
    const high = i + 1 < runs.length ? runs[i + 1].start - MINUTE_MS : Infinity;
    const step = i > 0 && run.capacity > runs[i - 1].capacity ? -MINUTE_MS : MINUTE_MS;
    let start = run.start;
    for (const dir of [step, -step]) {
      for (let t = run.start; taken.has(start) && t + dir >= low && t + dir <= high;) {
        t += dir;
        if (!taken.has(t)) start = t;
      }
    }
    starts.push(start);
  });
  return starts;
}

function tooMany(limit: number, needed: number): UserError {
  return new UserError(
    `the schedule cannot fit in ${limit} scheduled action(s) (it has ${needed} changes)`,
    'remove foreign scheduled actions from the group, or raise --max-actions if your quota is higher',
  );
}

/** A shaped schedule is applied as planned or not at all: the fix is to plan it to fit. */
function tooManyShaped(limit: number, needed: number): UserError {
  const room = Math.max(limit, 0);
  return new UserError(
    `the schedule has ${needed} changes and the group has room for ${room} scheduled action(s) (--max-actions less the foreign actions already on it); push applies a planned schedule as it is, without fitting it`,
    room > 0
      ? `plan it to fit: headroom plan … --max-changes ${room}, then push that schedule.json; or remove foreign scheduled actions from the group, or raise --max-actions if your quota is higher`
      : 'remove foreign scheduled actions from the group, or raise --max-actions if your quota is higher',
  );
}

/**
 * Names for weekly rules: `headroom-weekly-0900`, then `-2`, `-3` for other day sets at the same
 * time. A rule takes the name of the group's action at the same time of day with the most days
 * in common, so a changed plan updates actions in place instead of deleting and recreating them.
 */
export function weeklyNames(
  rules: CronRule[],
  existing: ExistingAction[],
  prefix: string,
): string[] {
  const taken = new Set(existing.map((a) => a.name));
  const names: string[] = new Array<string>(rules.length);
  const owned = existing.filter((a) => a.name.startsWith(prefix) && a.recurrence);
  const pairs: { rule: number; name: string; overlap: number; same: boolean }[] = [];
  rules.forEach((rule, i) => {
    for (const action of owned) {
      const [minute, hour, , , dow] = action.recurrence!.split(' ');
      if (Number(hour) * 60 + Number(minute) !== rule.minuteOfDay) continue;
      const days = cronDaySet(dow);
      const overlap = rule.days.filter((d) => days.has(d % 7)).length;
      pairs.push({ rule: i, name: action.name, overlap, same: action.minSize === rule.capacity });
    }
  });
  pairs.sort((a, b) => b.overlap - a.overlap || Number(b.same) - Number(a.same));
  const used = new Set<string>();
  for (const pair of pairs) {
    if (names[pair.rule] !== undefined || used.has(pair.name)) continue;
    names[pair.rule] = pair.name;
    used.add(pair.name);
  }
  rules.forEach((rule, i) => {
    if (names[i] !== undefined) return;
    const base = `${prefix}weekly-${clock(rule.minuteOfDay).replace(':', '')}`;
    let name = base;
    for (let n = 2; taken.has(name) || used.has(name); n++) name = `${base}-${n}`;
    names[i] = name;
    used.add(name);
  });
  return names;
}

/** The days (0 = Sunday) of a cron day-of-week field such as "1-5", "0,6" or "*". */
function cronDaySet(field: string): Set<number> {
  const days = new Set<number>();
  for (const part of field.split(',')) {
    if (part === '*') [0, 1, 2, 3, 4, 5, 6].forEach((d) => days.add(d));
    const [a, b] = part.split('-').map(Number);
    for (let d = a; d <= (b ?? a); d++) days.add(d % 7);
  }
  return days;
}

/** When a recurring rule next fires after `now`, as epoch ms (DST-correct in its zone). */
export function nextRun(recurrence: string, zone: string, now: number): number | undefined {
  const [minute, hour, , , dow] = recurrence.split(' ');
  const days = cronDaySet(dow);
  let day = DateTime.fromMillis(now, { zone }).startOf('day');
  for (let i = 0; i <= 7; i++, day = day.plus({ days: 1 })) {
    if (!days.has(day.weekday % 7)) continue;
    const at = day.set({ hour: Number(hour), minute: Number(minute) });
    if (at.toMillis() > now) return at.toMillis();
  }
  return undefined;
}
