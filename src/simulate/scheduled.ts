/**
 * headroom's schedule as it would have been pushed: its change points as a step function of time,
 * with every scale-up launched `leadMs` early so that the servers are warm when the schedule says
 * they are needed, and every scale-down made on time. Pure.
 */
import type { Schedule } from '../types.js';

export interface ScheduleSteps {
  /** Change-point times, ascending. */
  times: number[];
  /** The count from each time on. */
  counts: number[];
}

/** The change points of consecutive schedules (one per backtest window), in time order. */
export function scheduleSteps(schedules: Schedule[]): ScheduleSteps {
  const entries = schedules.flatMap((s) => s.entries).sort((a, b) => a.timestamp - b.timestamp);
  return { times: entries.map((e) => e.timestamp), counts: entries.map((e) => e.capacity) };
}

/** Index of the last change point at or before t; -1 before the first. */
function lastAtOrBefore(steps: ScheduleSteps, t: number): number {
  let lo = 0;
  let hi = steps.times.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (steps.times[mid] <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The scheduled count at t (before the first change point: the first count). */
export function scheduledAt(steps: ScheduleSteps, t: number): number {
  if (steps.counts.length === 0) return 0;
  return steps.counts[Math.max(0, lastAtOrBefore(steps, t))];
}

/**
 * The count to run at t when scale-ups are launched `leadMs` early: the most the schedule asks for
 * anywhere in [t, t + lead]. Scale-downs still happen at their time.
 */
export function scheduledWithLead(steps: ScheduleSteps, t: number, leadMs: number): number {
  let most = scheduledAt(steps, t);
  if (leadMs <= 0) return most;
  const last = lastAtOrBefore(steps, t + leadMs);
  for (let k = Math.max(0, lastAtOrBefore(steps, t) + 1); k <= last; k++) {
    most = Math.max(most, steps.counts[k]);
  }
  return most;
}
