import { DAY_MS, HOUR_MS } from '../util/duration.js';

export interface SyntheticOptions {
  days: number;
  start: number;
  seed: number;
}

/** A small, fast, seedable PRNG (mulberry32) so generated data is reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws from a uniform source (Box–Muller). */
export function gaussian(uniform: () => number): () => number {
  return () => {
    const u = 1 - uniform();
    const v = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/**
 * The first design's sample load, hourly: base 300, plus 100·sin(π·hour/12) from 08:00 to 20:00,
 * × 0.7 on weekends, × (1 + 0.3·day/30) growth, Gaussian noise σ = 50, clipped at 0.
 */
export function firstDesignSample(options: SyntheticOptions): { times: number[]; load: number[] } {
  const normal = gaussian(mulberry32(options.seed));
  const times: number[] = [];
  const load: number[] = [];
  const hours = Math.round((options.days * DAY_MS) / HOUR_MS);
  for (let i = 0; i < hours; i++) {
    const t = options.start + i * HOUR_MS;
    const date = new Date(t);
    const hour = date.getUTCHours();
    const day = Math.floor(i / 24);
    const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
    let value = 300;
    if (hour >= 8 && hour <= 20) value += 100 * Math.sin((Math.PI * hour) / 12);
    if (weekend) value *= 0.7;
    value *= 1 + (0.3 * day) / 30;
    value += 50 * normal();
    times.push(t);
    load.push(Math.max(0, value));
  }
  return { times, load };
}
