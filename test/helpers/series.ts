import type { Series } from '../../src/types.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;
export const UTC = { zone: 'UTC' };
/** Monday 2024-04-22 00:00 UTC. */
export const MONDAY = Date.UTC(2024, 3, 22);

/** An hourly series from `start`, value i = f(its time, i). */
export function hourly(start: number, steps: number, f: (t: number, i: number) => number): Series {
  const values = new Float64Array(steps);
  for (let i = 0; i < steps; i++) values[i] = f(start + i * HOUR, i);
  return { name: 'load', start, stepMs: HOUR, values };
}
