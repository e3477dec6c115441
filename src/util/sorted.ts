/** Binary searches over ascending numbers. */

/** How many values of `sorted` are at or before `t`: the index of the first one after it. */
export function countAtOrBefore(sorted: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first value strictly greater than `t` (Infinity when there is none). */
export function nextAfter(sorted: number[], t: number): number {
  const at = countAtOrBefore(sorted, t);
  return at < sorted.length ? sorted[at] : Infinity;
}

/** The last value at or before `t` (undefined when there is none). */
export function lastAtOrBefore(sorted: number[], t: number): number | undefined {
  const at = countAtOrBefore(sorted, t);
  return at > 0 ? sorted[at - 1] : undefined;
}
