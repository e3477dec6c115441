import { DateTime } from 'luxon';
import type { ActionChange, ExistingAction } from './diff.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** How far ahead a one-off action is followed at most. */
const HORIZON_MS = 366 * DAY_MS;

/**
 * The servers an action holds the group at once it runs: the larger of its MinSize and
 * DesiredCapacity. Undefined for an action that sets neither (one that only moves MaxSize).
 */
export function levelOf(action: ExistingAction): number | undefined {
  const sizes = [action.minSize, action.desiredCapacity].filter((v) => v !== undefined);
  return sizes.length > 0 ? Math.max(...sizes) : undefined;
}

/** The group's actions after one change, as AWS keeps them (an update keeps fields left out). */
export function applied(actions: ExistingAction[], change: ActionChange): ExistingAction[] {
  if (change.op === 'delete') return actions.filter((a) => a.name !== change.name);
  const given = Object.fromEntries(
    Object.entries(change.desired!).filter(
      ([key, value]) => key !== 'capacity' && value !== undefined,
    ),
  ) as ExistingAction;
  const previous = actions.find((a) => a.name === change.name);
  if (!previous) return [...actions, given];
  return actions.map((a) => (a === previous ? { ...previous, ...given } : a));
}

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTH_NAMES = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
];

/** The values a cron field allows ("*", "1-5", "0,6", "*\/15", "MON-FRI"); undefined if unreadable. */
function cronField(field: string, low: number, high: number, names: string[] = [], first = low) {
  const values = new Set<number>();
  const value = (text: string) => {
    const named = names.indexOf(text.toUpperCase());
    return named >= 0 ? named + first : Number(text);
  };
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    const [a, b] = range === '*' ? [low, high] : range.split('-').map(value);
    const to = b ?? (stepText === undefined ? a : high);
    if (![a, to, step].every(Number.isInteger) || step < 1 || a < low || to > high)
      return undefined;
    for (let v = a; v <= to; v += step) values.add(v);
  }
  return values;
}

/** When a five-field cron recurrence runs in [from, to), in its time zone; undefined if unreadable. */
export function cronRuns(recurrence: string, zone: string, from: number, to: number) {
  const fields = recurrence.trim().split(/\s+/);
  if (fields.length !== 5) return undefined;
  const minutes = cronField(fields[0], 0, 59);
  const hours = cronField(fields[1], 0, 23);
  const dom = cronField(fields[2], 1, 31);
  const months = cronField(fields[3], 1, 12, MONTH_NAMES, 1);
  const dow = cronField(fields[4], 0, 7, DAY_NAMES, 0);
  if (!minutes || !hours || !dom || !months || !dow) return undefined;
  // As in cron, a day matches either field when both are restricted.
  const anyDom = fields[2] === '*';
  const anyDow = fields[4] === '*';
  const runs: number[] = [];
  let day = DateTime.fromMillis(from, { zone }).startOf('day');
  if (!day.isValid) return undefined;
  for (; day.toMillis() < to; day = day.plus({ days: 1 })) {
    if (!months.has(day.month)) continue;
    const byDom = dom.has(day.day);
    const byDow = dow.has(day.weekday % 7) || (day.weekday === 7 && dow.has(7));
    if (anyDom || anyDow ? !(byDom && byDow) : !(byDom || byDow)) continue;
    for (const hour of hours) {
      for (const minute of minutes) {
        const at = day.set({ hour, minute }).toMillis();
        if (at >= from && at < to) runs.push(at);
      }
    }
  }
  return runs;
}

/** Where a set of actions would hold the group below both plans. */
export interface Shortfall {
  time: number;
  servers: number;
  before: number;
  after: number;
}

/**
 * The servers the group's scheduled actions hold it at, over a week from `now` (further when
 * one-off actions run later, up to a year): at every moment, the level of the last action to run
 * (the lower one when two run at the same minute), or the group's current size before any has.
 * Made for one push: `shortfall(actions)` says where a set of actions on the way from `before`
 * to `after` would hold fewer servers than both. The servers only change when an action runs, so
 * checking at every run of every action involved is exact, not a sample.
 */
export class CapacityCheck {
  private readonly runs = new Map<string, { time: number; level: number }[]>();
  private readonly times: number[];
  private readonly before: number[];
  private readonly after: number[];
  private readonly from: number;
  private readonly to: number;

  constructor(
    before: ExistingAction[],
    after: ExistingAction[],
    now: number,
    private readonly current: number,
  ) {
    const starts = [...before, ...after]
      .filter((a) => !a.recurrence && a.startTime !== undefined)
      .map((a) => a.startTime! + MINUTE_MS);
    this.to = Math.min(Math.max(now + 7 * DAY_MS, ...starts), now + HORIZON_MS);
    // A recurring action that last ran up to a week before now still holds the group now.
    this.from = now - 8 * DAY_MS;
    const times = new Set([now]);
    for (const action of [...before, ...after]) {
      for (const run of this.runsOf(action)) if (run.time >= now) times.add(run.time);
    }
    this.times = [...times].sort((a, b) => a - b);
    this.before = this.servers(before);
    this.after = this.servers(after);
  }

  /** The first moment `actions` hold fewer servers than both plans, if there is one. */
  shortfall(actions: ExistingAction[]): Shortfall | undefined {
    const servers = this.servers(actions);
    const i = servers.findIndex((s, k) => s < Math.min(this.before[k], this.after[k]));
    if (i < 0) return undefined;
    return {
      time: this.times[i],
      servers: servers[i],
      before: this.before[i],
      after: this.after[i],
    };
  }

  private runsOf(action: ExistingAction) {
    const level = levelOf(action);
    if (level === undefined) return [];
    const key = `${action.recurrence ?? ''}|${action.timeZone ?? 'UTC'}|${action.startTime ?? ''}|${level}`;
    let runs = this.runs.get(key);
    if (!runs) {
      const times = action.recurrence
        ? (cronRuns(action.recurrence, action.timeZone ?? 'UTC', this.from, this.to) ?? [])
        : action.startTime !== undefined && action.startTime < this.to
          ? [action.startTime]
          : [];
      runs = times.map((time) => ({ time, level }));
      this.runs.set(key, runs);
    }
    return runs;
  }

  /** The servers at each of `times`. */
  private servers(actions: ExistingAction[]): number[] {
    // By time, and at one time the lowest level last, so that it is the one in force.
    const runs = actions
      .flatMap((a) => this.runsOf(a))
      .sort((a, b) => a.time - b.time || b.level - a.level);
    let level = this.current;
    let r = 0;
    return this.times.map((time) => {
      while (r < runs.length && runs[r].time <= time) level = runs[r++].level;
      return level;
    });
  }
}
