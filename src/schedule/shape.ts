/**
 * Shaping: the raw plan's hourly changes turned into the schedule a target applies. Scale-ups
 * start --lead-time early, dips shorter than --min-hold are filled, and the result is fitted into
 * --max-changes (a plan of a local week or more is folded onto one week and repeats; a shorter
 * one keeps its dates). Every step only raises capacity, so the shaped schedule is never below
 * the raw plan; what that costs is counted in server-hours. `plan` writes the result, `push`
 * applies it as it is.
 */
import { DateTime } from 'luxon';
import { UserError } from '../errors.js';
import { formatDuration } from '../util/duration.js';
import { formatReadable } from '../util/format.js';
import { localMinuteOfWeek } from '../util/zone-offset.js';
import { avoidDstRanges, dstRanges } from './dst.js';
import {
  fewestRuns,
  fillShortDips,
  normalize,
  segmentsOf,
  serverHours,
  timelineOf,
  withLeadTime,
  type Step,
  type Timeline,
} from './timeline.js';
import {
  compactWeekly,
  coversLocalWeek,
  cronRules,
  gcd,
  WEEK_MINUTES,
  weeklyProfile,
  type WeeklyProfile,
} from './weekly.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export interface ShapeSettings {
  leadMs: number;
  minHoldMs: number;
  /** Most changes: recurring ones per week (one per local time and count), or dated ones. */
  maxChanges: number;
  zone: string;
}

export interface ShapedSchedule {
  /** weekly: the steps repeat every local week; dated: they hold on the plan's own dates. */
  mode: 'weekly' | 'dated';
  /** The change points over the plan's period (the week's pattern laid on its dates). */
  timeline: Timeline;
  /** How many changes the target holds (see countChanges): shaped, and for the raw plan. */
  changes: number;
  rawChanges: number;
  rawServerHours: number;
  /** Server-hours above the raw plan over its period (never negative). */
  extraServerHours: number;
  /** Local minutes of the day whose weekly changes were moved off hours DST skips or repeats. */
  movedForDst: number[];
}

/**
 * The changes a target holds for a timeline: for a weekly repeat the recurring ones (a change at
 * one local time to one count is one, on however many days), else one per step.
 */
export function countChanges(timeline: Timeline, mode: 'weekly' | 'dated', zone: string): number {
  return mode === 'weekly'
    ? cronRules(weeklyProfile(timeline, zone)).length
    : normalize(timeline.steps).length;
}

/** Whether a plan from `start` to `end` is shaped (and pushed) as a weekly repeat. */
export function shapeMode(start: number, end: number, zone: string): 'weekly' | 'dated' {
  return coversLocalWeek(start, end, zone) ? 'weekly' : 'dated';
}

export function shapeSchedule(raw: Timeline, settings: ShapeSettings): ShapedSchedule {
  if (!(settings.maxChanges >= 1)) {
    throw new UserError(`--max-changes must be at least 1, got ${settings.maxChanges}`);
  }
  const { zone } = settings;
  const mode = shapeMode(raw.steps[0].start, raw.end, zone);
  const led = withLeadTime(raw, settings.leadMs);
  const { timeline, movedForDst } =
    mode === 'weekly' ? weekly(led, settings) : { timeline: dated(led, settings), movedForDst: [] };
  const rawServerHours = serverHours(segmentsOf(raw), HOUR_MS);
  return {
    mode,
    timeline,
    movedForDst,
    changes: countChanges(timeline, mode, zone),
    rawChanges: countChanges(raw, mode, zone),
    rawServerHours,
    extraServerHours: Math.max(0, serverHours(segmentsOf(timeline), HOUR_MS) - rawServerHours),
  };
}

/** Dips filled, then the fewest runs that fit (the least extra server-time). */
function dated(led: Timeline, settings: ShapeSettings): Timeline {
  const filled = fillShortDips(segmentsOf(led), settings.minHoldMs);
  const fitted =
    filled.length > settings.maxChanges
      ? fewestRuns(filled, settings.maxChanges).runs(settings.maxChanges)
      : filled;
  return timelineOf(fitted, led.end);
}

/**
 * Folded onto a local week, dips filled and fitted (compactWeekly), then moved out of the local
 * hours that DST skips or repeats (so cron, KEDA and AWS fire every change once, on every day of
 * the year, as it is written), and laid back on the plan's dates.
 */
function weekly(
  led: Timeline,
  settings: ShapeSettings,
): { timeline: Timeline; movedForDst: number[] } {
  const { zone } = settings;
  const folded = weeklyProfile(led, zone);
  const ranges = dstRanges(zone, led.steps[0].start);
  const minHoldMinutes = settings.minHoldMs / MINUTE_MS;
  let cleared = { profile: folded, moved: [] as number[] };
  // Moving changes off DST hours may need a rule more: fit to fewer until the result fits.
  for (let limit = settings.maxChanges; limit >= 1; limit--) {
    cleared = clearOfDst(compactWeekly(folded, { limit, minHoldMinutes })!, ranges);
    if (cronRules(cleared.profile).length <= settings.maxChanges) break;
  }
  return {
    timeline: onDates(cleared.profile, led.steps[0].start, led.end),
    movedForDst: cleared.moved,
  };
}

/**
 * The profile with no change in a DST gap or fold, as both KEDA and the CronJob controller need
 * (see avoidDstRanges), and the local minutes of the day it moved; each pass only raises
 * capacity, so this ends.
 */
function clearOfDst(profile: WeeklyProfile, ranges: ReturnType<typeof dstRanges>) {
  const moved = new Set<number>();
  for (let current = profile; ;) {
    const keda = avoidDstRanges(current, ranges, 'keda');
    const cron = avoidDstRanges(keda.profile, ranges, 'cronjob');
    for (const m of [...keda.moved, ...cron.moved]) moved.add(m);
    if (keda.moved.length === 0 && cron.moved.length === 0) {
      return { profile: cron.profile, moved: [...moved].sort((a, b) => a - b) };
    }
    current = cron.profile;
  }
}

/** A weekly profile laid on the dates from `start` to `end`: its change points there. */
export function onDates(profile: WeeklyProfile, start: number, end: number): Timeline {
  const values = new Array<number>(WEEK_MINUTES);
  let slot = 60;
  for (const s of profile.segments) {
    for (let m = s.start; m < s.start + s.duration; m++) values[m % WEEK_MINUTES] = s.capacity;
    slot = gcd(slot, s.start % 60);
  }
  const steps: Step[] = [];
  const first = DateTime.fromMillis(start, { zone: profile.timezone });
  // From the local slot at or before the start, so every change falls on a probed time.
  const from = start - ((first.minute % slot) * MINUTE_MS + first.second * 1000);
  for (let time = from; time < end; time += slot * MINUTE_MS) {
    const minute = localMinuteOfWeek(time, profile.timezone);
    steps.push({ start: Math.max(start, time), capacity: values[minute] });
  }
  return { end, steps: normalize(steps) };
}

/** A --lead-time or --min-hold as its flag takes it: "5m", or "0" for none. */
export const durationText = (ms: number) => (ms === 0 ? '0' : formatDuration(ms));

/** What schedule.json records of the shaping (`shaped`), and push checks against its flags. */
export interface ShapedRecord {
  mode: 'weekly' | 'dated';
  leadTime: string;
  minHold: string;
  maxChanges: number;
  rawChanges: number;
  changes: number;
  extraServerHours: number;
  /** Percent over the raw plan's server-hours. */
  extraPercent: number;
  /** The push target whose limit asked for fewer changes than --max-changes, if one did. */
  fittedTo?: string;
}

export function shapedRecord(shaped: ShapedSchedule, settings: ShapeSettings): ShapedRecord {
  const { rawServerHours, extraServerHours } = shaped;
  return {
    mode: shaped.mode,
    leadTime: durationText(settings.leadMs),
    minHold: durationText(settings.minHoldMs),
    maxChanges: settings.maxChanges,
    rawChanges: shaped.rawChanges,
    changes: shaped.changes,
    extraServerHours: Math.round(extraServerHours * 10) / 10,
    extraPercent:
      rawServerHours > 0 ? Math.round((extraServerHours / rawServerHours) * 1000) / 10 : 0,
  };
}

/**
 * What every report says of it, after "schedule": "84 changes a week (raw plan 131), lead time
 * 5m, dips under 2h filled: +120 server-hours (+3.3%)".
 */
export function shapedText(record: ShapedRecord): string {
  const per = record.mode === 'weekly' ? ' a week' : '';
  const lead = record.leadTime === '0' ? 'no lead time' : `lead time ${record.leadTime}`;
  const hold = record.minHold === '0' ? 'no dips filled' : `dips under ${record.minHold} filled`;
  const fitted = record.fittedTo ? `, fitted to ${record.fittedTo}` : '';
  return `${record.changes} changes${per} (raw plan ${record.rawChanges}), ${lead}, ${hold}${fitted}: +${formatReadable(record.extraServerHours)} server-hours (+${record.extraPercent}%)`;
}
