import type { Schedule } from '../types.js';
import { maxOf } from '../util/extremes.js';

/** From `start` on, the target holds `capacity` servers until the next step (or the timeline's end). */
export interface Step {
  start: number;
  capacity: number;
}

/** A step function of servers over time; `steps[0].start` is where it begins. */
export interface Timeline {
  end: number;
  steps: Step[];
}

export function timelineFromSchedule(schedule: Schedule): Timeline {
  return {
    end: schedule.end,
    steps: schedule.entries.map((e) => ({ start: e.timestamp, capacity: e.capacity })),
  };
}

/** Capacity at `time`; the first step's before the timeline starts, the last one's after it ends. */
export function capacityAt(timeline: Timeline, time: number): number {
  let capacity = timeline.steps[0].capacity;
  for (const step of timeline.steps) {
    if (step.start > time) break;
    capacity = step.capacity;
  }
  return capacity;
}

/** Drops steps that repeat the capacity before them. */
export function normalize(steps: Step[]): Step[] {
  return steps.filter((step, i) => i === 0 || step.capacity !== steps[i - 1].capacity);
}

/**
 * Moves every increase `leadMs` earlier, so new servers are running (and warm) when demand
 * arrives; decreases stay where they are. The result is never below the original at any time.
 */
export function withLeadTime(timeline: Timeline, leadMs: number): Timeline {
  if (leadMs <= 0 || timeline.steps.length === 0) return timeline;
  const first = timeline.steps[0].start;
  const times = new Set<number>();
  for (const step of timeline.steps) {
    times.add(step.start);
    times.add(Math.max(first, step.start - leadMs));
  }
  const steps = [...times]
    .sort((a, b) => a - b)
    .map((start) => ({ start, capacity: maxOver(timeline, start, start + leadMs) }));
  return { end: timeline.end, steps: normalize(steps) };
}

/** The largest capacity the timeline holds anywhere in [from, to]. */
function maxOver(timeline: Timeline, from: number, to: number): number {
  let max = capacityAt(timeline, from);
  for (const step of timeline.steps) {
    if (step.start > from && step.start <= to) max = Math.max(max, step.capacity);
  }
  return max;
}

/** A run of equal capacity from `start` for `duration` (in the caller's unit: ms, or minutes). */
export interface Segment {
  start: number;
  duration: number;
  capacity: number;
}

export function segmentsOf(timeline: Timeline): Segment[] {
  return timeline.steps.map((step, i) => ({
    start: step.start,
    duration: (timeline.steps[i + 1]?.start ?? timeline.end) - step.start,
    capacity: step.capacity,
  }));
}

/** Server-hours of segments whose durations are in units with `perHour` units to the hour. */
export function serverHours(segments: Segment[], perHour: number): number {
  return segments.reduce((sum, s) => sum + s.capacity * s.duration, 0) / perHour;
}

export function timelineOf(segments: Segment[], end: number): Timeline {
  return { end, steps: segments.map(({ start, capacity }) => ({ start, capacity })) };
}

/**
 * Fills every dip shorter than `minHoldMs` (a step lower than both neighbours) up to the lower
 * neighbour, so the target does not scale in only to scale out again shortly after. Never lowers
 * capacity. With `circular`, the last segment neighbours the first (a weekly profile).
 */
export function fillShortDips(segments: Segment[], minHoldMs: number, circular = false): Segment[] {
  let current = segments;
  for (let changed = true; changed;) {
    changed = false;
    const n = current.length;
    for (let i = 0; i < n && n > 2; i++) {
      const prev = current[i - 1] ?? (circular ? current[n - 1] : undefined);
      const next = current[i + 1] ?? (circular ? current[0] : undefined);
      const segment = current[i];
      if (!prev || !next || segment.duration >= minHoldMs) continue;
      if (prev.capacity > segment.capacity && next.capacity > segment.capacity) {
        current = mergeRuns(
          current.map((s, j) =>
            j === i ? { ...s, capacity: Math.min(prev.capacity, next.capacity) } : s,
          ),
          circular,
        );
        changed = true;
        break;
      }
    }
  }
  return current;
}

/** Joins neighbouring segments of equal capacity (and, when circular, the last with the first). */
export function mergeRuns(segments: Segment[], circular = false): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (last && last.capacity === s.capacity) last.duration += s.duration;
    else out.push({ ...s });
  }
  if (circular && out.length > 1 && out[0].capacity === out[out.length - 1].capacity) {
    // The last run continues into the first: it now starts before the period ends and wraps.
    out[out.length - 1].duration += out[0].duration;
    out.shift();
  }
  return out;
}

/**
 * For every count m = 1 … `most`, the cheapest way to express the segments as m runs, each at the
 * highest level it covers (so never below the plan): `cost[m]` is the extra server-time, and
 * `segments(m)` the runs. Dynamic programming over the existing change points, which is exact:
 * a run boundary never pays off between two of them.
 */
export function fewestRuns(segments: Segment[], most: number) {
  const n = segments.length;
  const limit = Math.min(most, n);
  const pair: number[][] = segments.map((_, i) => {
    const row = new Array<number>(n).fill(Infinity);
    let max = 0;
    let area = 0;
    let duration = 0;
    for (let j = i; j < n; j++) {
      max = Math.max(max, segments[j].capacity);
      area += segments[j].capacity * segments[j].duration;
      duration += segments[j].duration;
      row[j] = max * duration - area;
    }
    return row;
  });
  // best[m][j]: cheapest cover of segments 0..j with m runs; from[m][j]: where its last run starts.
  const best: number[][] = [[]];
  const from: number[][] = [[]];
  for (let m = 1; m <= limit; m++) {
    best.push(new Array<number>(n).fill(Infinity));
    from.push(new Array<number>(n).fill(0));
    for (let j = m - 1; j < n; j++) {
      if (m === 1) {
        best[1][j] = pair[0][j];
        continue;
      }
      for (let i = m - 1; i <= j; i++) {
        const cost = best[m - 1][i - 1] + pair[i][j];
        if (cost < best[m][j]) {
          best[m][j] = cost;
          from[m][j] = i;
        }
      }
    }
  }
  const cost = best.map((row) => row[n - 1] ?? Infinity);
  const runs = (m: number): Segment[] => {
    const out: Segment[] = [];
    for (let j = n - 1, k = Math.min(m, limit); k >= 1; k--) {
      const i = k === 1 ? 0 : from[k][j];
      const covered = segments.slice(i, j + 1);
      out.unshift({
        start: covered[0].start,
        duration: covered.reduce((sum, s) => sum + s.duration, 0),
        capacity: maxOf(covered.map((s) => s.capacity)),
      });
      j = i - 1;
    }
    return out;
  };
  return { cost, runs };
}
