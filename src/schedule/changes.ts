import type { CapacityPlan, Schedule, ScheduleEntry } from '../types.js';

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
