import type { CapacityPlan, Schedule, ScheduleEntry } from '../types.js';
import type { Timeline } from './timeline.js';

/** The plan's change points: the starting count, then one entry wherever the count changes. */
export function scheduleFromPlan(plan: CapacityPlan): Schedule {
  const entries: ScheduleEntry[] = [];
  let previous: number | undefined;
  plan.servers.forEach((capacity, i) => {
    if (capacity === previous) return;
    const timestamp = plan.start + i * plan.stepMs;
    if (previous === undefined) {
      entries.push({ timestamp, capacity, change: 0, action: 'initial' });
    } else {
      const change = capacity - previous;
      entries.push({ timestamp, capacity, change, action: change > 0 ? 'scale_up' : 'scale_down' });
    }
    previous = capacity;
  });
  return {
    start: plan.start,
    end: plan.start + plan.servers.length * plan.stepMs,
    stepMs: plan.stepMs,
    entries,
  };
}

/** A timeline's change points as a schedule (the shaped one: times need not be on `stepMs`). */
export function scheduleFromTimeline(timeline: Timeline, stepMs: number): Schedule {
  const entries: ScheduleEntry[] = timeline.steps.map((step, i) => {
    if (i === 0)
      return { timestamp: step.start, capacity: step.capacity, change: 0, action: 'initial' };
    const change = step.capacity - timeline.steps[i - 1].capacity;
    return {
      timestamp: step.start,
      capacity: step.capacity,
      change,
      action: change > 0 ? 'scale_up' : 'scale_down',
    };
  });
  return { start: timeline.steps[0].start, end: timeline.end, stepMs, entries };
}
