/**
 * headroom's schedule as it would have been pushed: each window's change points joined, shaped by
 * the schedule module as `push` shapes them (every scale-up launched the lead time early so the
 * servers are warm when the plan needs them, scale-downs on time, dips shorter than the minimum
 * hold filled), and looked up by time. Pure.
 */
import {
  fillShortDips,
  mergeRuns,
  segmentsOf,
  timelineOf,
  withLeadTime,
  type Timeline,
} from '../schedule/timeline.js';
import type { Schedule } from '../types.js';
import { maxOf } from '../util/extremes.js';

export interface ScheduleSteps {
  /** Change-point times, ascending. */
  times: number[];
  /** The count from each time on. */
  counts: number[];
}

export interface Shaping {
  leadMs: number;
  minHoldMs: number;
}

/** The schedules of consecutive windows (oldest first) as one shaped step function. */
export function pushedSchedule(schedules: Schedule[], shaping: Shaping): ScheduleSteps {
  const entries = schedules.flatMap((s) => s.entries).sort((a, b) => a.timestamp - b.timestamp);
  if (entries.length === 0) return { times: [], counts: [] };
  const joined: Timeline = {
    end: maxOf(schedules.map((s) => s.end)),
    steps: entries.map((e) => ({ start: e.timestamp, capacity: e.capacity })),
  };
  const led = withLeadTime(joined, shaping.leadMs);
  const shaped = timelineOf(fillShortDips(mergeRuns(segmentsOf(led)), shaping.minHoldMs), led.end);
  return {
    times: shaped.steps.map((s) => s.start),
    counts: shaped.steps.map((s) => s.capacity),
  };
}

/** The scheduled count at t (before the first change point: the first count). */
export function scheduledAt(steps: ScheduleSteps, t: number): number {
  if (steps.counts.length === 0) return 0;
  let lo = 0;
  let hi = steps.times.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (steps.times[mid] <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return steps.counts[found];
}
