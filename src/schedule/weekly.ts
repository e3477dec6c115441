import { DateTime } from 'luxon';
import { UserError } from '../errors.js';
import { fewestRuns, fillShortDips, mergeRuns, type Segment, type Timeline } from './timeline.js';
import { maxOf } from '../util/extremes.js';
import { localMinuteOfWeek } from '../util/zone-offset.js';

export const DAY_MINUTES = 24 * 60;

/** A minute of the day as a clock reads it: 475 → "07:55". */
export const clock = (minuteOfDay: number) =>
  `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;
export const WEEK_MINUTES = 7 * DAY_MINUTES;
const MINUTE_MS = 60_000;

/**
 * One week of servers in local time, repeated every week: segment starts are minutes after
 * Monday 00:00 local time (0 ≤ start < WEEK_MINUTES), and the last segment may run past the end
 * of the week into the first. Durations are in minutes and add up to a week.
 */
export interface WeeklyProfile {
  timezone: string;
  segments: Segment[];
}

/** A recurring change: on these ISO weekdays (1 = Monday … 7 = Sunday), at this local time. */
export interface CronRule {
  days: number[];
  minuteOfDay: number;
  capacity: number;
}

export function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Whether a plan covers at least one local week (168 hours, or 167 across a spring DST change). */
export function coversLocalWeek(start: number, end: number, zone: string): boolean {
  const from = DateTime.fromMillis(start, { zone });
  return DateTime.fromMillis(end, { zone }) >= from.plus({ weeks: 1 });
}

/**
 * Folds a timeline onto one local week: at each local time of the week, the most servers the
 * timeline asks for at any of its occurrences (so repeating the week never plans fewer servers
 * than the timeline). Local time makes it DST-correct: 09:00 stays 09:00 in summer and winter; a
 * local hour skipped by a DST gap takes the hour before it. Needs a timeline of at least a week.
 */
export function weeklyProfile(timeline: Timeline, zone: string): WeeklyProfile {
  const first = timeline.steps[0]?.start ?? timeline.end;
  if (!coversLocalWeek(first, timeline.end, zone)) {
    throw new UserError(
      'a weekly recurring schedule needs a plan of at least 7 days',
      'plan with --horizon 7d (the default), or push one-off actions instead',
    );
  }
  let slot = 60;
  for (const step of timeline.steps)
    slot = gcd(slot, Math.round((step.start - first) / MINUTE_MS) % 60);
  slot = Math.max(1, slot);
  const profile = new Array<number>(WEEK_MINUTES / slot).fill(-Infinity);
  let index = 0;
  for (let time = first; time < timeline.end; time += slot * MINUTE_MS) {
    while (index + 1 < timeline.steps.length && timeline.steps[index + 1].start <= time) index++;
    const at = Math.floor(localMinuteOfWeek(time, zone) / slot);
    profile[at] = Math.max(profile[at], timeline.steps[index].capacity);
  }
  const firstKnown = profile.findIndex(Number.isFinite);
  for (let k = 1; k <= profile.length; k++) {
    const i = (firstKnown + k) % profile.length;
    if (!Number.isFinite(profile[i]))
      profile[i] = profile[(i - 1 + profile.length) % profile.length];
  }
  const segments = mergeRuns(
    profile.map((capacity, i) => ({ start: i * slot, duration: slot, capacity })),
    true,
  );
  return { timezone: zone, segments };
}

/** The recurring changes of a profile, one rule per local time and capacity, days grouped. */
export function cronRules(profile: WeeklyProfile): CronRule[] {
  const { segments } = profile;
  if (segments.length === 1) {
    return [{ days: [1, 2, 3, 4, 5, 6, 7], minuteOfDay: 0, capacity: segments[0].capacity }];
  }
  const rules = new Map<string, CronRule>();
  for (const segment of segments) {
    const minute = segment.start % WEEK_MINUTES;
    const minuteOfDay = minute % DAY_MINUTES;
    const day = Math.floor(minute / DAY_MINUTES) + 1;
    const key = `${minuteOfDay}/${segment.capacity}`;
    const rule = rules.get(key);
    if (rule) rule.days.push(day);
    else rules.set(key, { days: [day], minuteOfDay, capacity: segment.capacity });
  }
  return [...rules.values()]
    .map((r) => ({ ...r, days: r.days.sort((a, b) => a - b) }))
    .sort((a, b) => a.days[0] - b.days[0] || a.minuteOfDay - b.minuteOfDay);
}

export interface CompactOptions {
  /** Most recurring actions (cron rules) the target may hold. */
  limit: number;
  /** Dips shorter than this (minutes) are filled instead of scaling in and out again. */
  minHoldMinutes: number;
}

/** The profile as equal slots (minutes each), Monday 00:00 first. */
function toSlots(segments: Segment[]): { slot: number; values: number[] } {
  let slot = DAY_MINUTES;
  for (const s of segments) slot = gcd(gcd(slot, s.start % DAY_MINUTES), s.duration);
  const values = new Array<number>(WEEK_MINUTES / slot);
  for (const s of segments) {
    for (let m = s.start; m < s.start + s.duration; m += slot) {
      values[(m % WEEK_MINUTES) / slot] = s.capacity;
    }
  }
  return { slot, values };
}

function runsOf(values: number[], slot: number, offset = 0): Segment[] {
  return mergeRuns(
    values.map((capacity, i) => ({ start: offset + i * slot, duration: slot, capacity })),
  );
}

/**
 * Fits a profile into `limit` recurring rules at the least extra server-time: days with similar
 * shapes share one daily pattern (their highest level at each time), and each pattern keeps only
 * its most useful changes. Every day grouping from seven patterns down to one is tried, with the
 * rule budget split between patterns optimally. Never plans fewer servers than the profile.
 */
export function compactWeekly(
  profile: WeeklyProfile,
  options: CompactOptions,
): WeeklyProfile | undefined {
  const { timezone } = profile;
  const filled = fillShortDips(profile.segments, options.minHoldMinutes, true);
  if (cronRules({ timezone, segments: filled }).length <= options.limit) {
    return { timezone, segments: filled };
  }
  const { slot, values } = toSlots(filled);
  const perDay = DAY_MINUTES / slot;
  const days = Array.from({ length: 7 }, (_, d) => values.slice(d * perDay, (d + 1) * perDay));
  const pattern = (group: number[]) => days[0].map((_, k) => maxOf(group.map((d) => days[d][k])));
  const area = (v: number[]) => v.reduce((sum, x) => sum + x, 0) * slot;

  let best: { cost: number; groups: number[][]; runs: Segment[][] } | undefined;
  let groups = days.map((_, d) => [d]);
  for (;;) {
    const tried = allocate(groups, pattern, area, days, slot, options.limit);
    if (tried && (!best || tried.cost < best.cost)) best = { ...tried, groups };
    if (groups.length === 1) break;
    // Join the two groups whose shared pattern costs the least extra server-time.
    let join: { a: number; b: number; cost: number } | undefined;
    for (let a = 0; a < groups.length; a++) {
      for (let b = a + 1; b < groups.length; b++) {
        const merged = [...groups[a], ...groups[b]];
        const shared = area(pattern(merged));
        const cost = merged.reduce((sum, d) => sum + shared - area(days[d]), 0);
        if (!join || cost < join.cost) join = { a, b, cost };
      }
    }
    const { a, b } = join!;
    groups = [...groups.filter((_, i) => i !== a && i !== b), [...groups[a], ...groups[b]]];
  }
  if (!best) return undefined;
  const segments: Segment[] = [];
  best.groups.forEach((group, g) => {
    for (const d of group) {
      for (const run of best!.runs[g])
        segments.push({ ...run, start: d * DAY_MINUTES + run.start });
    }
  });
  segments.sort((x, y) => x.start - y.start);
  return { timezone, segments: mergeRuns(segments, true) };
}

/** Splits the rule budget between the groups' patterns at the least total extra server-time. */
function allocate(
  groups: number[][],
  pattern: (group: number[]) => number[],
  area: (values: number[]) => number,
  days: number[][],
  slot: number,
  limit: number,
): { cost: number; runs: Segment[][] } | undefined {
  if (groups.length > limit) return undefined;
  const curves = groups.map((group) => {
    const shared = pattern(group);
    const grouping = group.reduce((sum, d) => sum + area(shared) - area(days[d]), 0);
    const { cost, runs } = fewestRuns(runsOf(shared, slot), limit - groups.length + 1);
    return { grouping, cost: cost.map((c) => c * group.length), runs };
  });
  // spend[g][b]: least cost of groups 0..g with b rules in all; choice[g][b]: rules of group g.
  const spend: number[][] = [];
  const choice: number[][] = [];
  curves.forEach((curve, g) => {
    spend.push(new Array<number>(limit + 1).fill(Infinity));
    choice.push(new Array<number>(limit + 1).fill(0));
    for (let b = 1; b <= limit; b++) {
      for (let m = 1; m < curve.cost.length && m <= b; m++) {
        const before = g === 0 ? (b === m ? 0 : Infinity) : spend[g - 1][b - m];
        const total = before + curve.grouping + curve.cost[m];
        if (total < spend[g][b]) {
          spend[g][b] = total;
          choice[g][b] = m;
        }
      }
    }
  });
  const last = spend[groups.length - 1];
  let budget = 0;
  for (let b = 1; b <= limit; b++) if (last[b] < last[budget] || budget === 0) budget = b;
  if (!Number.isFinite(last[budget])) return undefined;
  const runs: Segment[][] = [];
  for (let g = groups.length - 1, b = budget; g >= 0; g--) {
    const m = choice[g][b];
    runs.unshift(curves[g].runs(m));
    b -= m;
  }
  return { cost: last[budget], runs };
}

/** The cron day-of-week field (0 = Sunday) for ISO weekdays: "1-5", "0,6" or "*". */
export function cronDays(days: number[]): string {
  if (days.length === 7) return '*';
  const cron = [...new Set(days.map((d) => d % 7))].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < cron.length;) {
    let j = i;
    while (j + 1 < cron.length && cron[j + 1] === cron[j] + 1) j++;
    parts.push(j - i >= 2 ? `${cron[i]}-${cron[j]}` : cron.slice(i, j + 1).join(','));
    i = j + 1;
  }
  return parts.join(',');
}

/** A five-field cron expression for a rule: "30 8 * * 1-5". */
export function cronExpression(rule: CronRule): string {
  const hour = Math.floor(rule.minuteOfDay / 60);
  return `${rule.minuteOfDay % 60} ${hour} * * ${cronDays(rule.days)}`;
}
