import type { Warning } from '../types.js';
import { duplicateError, mergeDuplicates, type DuplicatePolicy } from './buckets.js';
import type { RawPoints } from './sort.js';
import { rawStore, sortedOrder, type PointStore } from './sort.js';

export { DUPLICATE_POLICIES, type DuplicatePolicy } from './buckets.js';

export interface CleanPoints {
  times: Float64Array;
  values: Float64Array;
  outOfOrder: number;
  duplicateRows: number;
  warnings: Warning[];
}

/** Sorts samples by time (stable, so "first"/"last" keep file order) and merges equal timestamps. */
export function sortAndMerge(
  points: RawPoints,
  policy: DuplicatePolicy,
  file: string,
): CleanPoints {
  const n = points.times.length;
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  let k = 0;
  const { outOfOrder, duplicateRows } = mergeInOrder(rawStore(points), policy, file, (t, v) => {
    times[k] = t;
    values[k++] = v;
  });
  return {
    times: times.slice(0, k),
    values: values.slice(0, k),
    outOfOrder,
    duplicateRows,
    warnings: orderWarnings(outOfOrder, duplicateRows, policy),
  };
}

/**
 * Hands `visit` every distinct time in time order with its samples merged by `policy`, holding no
 * more than the points and a 4-byte sort index a row. Counts the rows that came earlier than the
 * row before them, and the rows merged into another.
 */
export function mergeInOrder(
  points: PointStore,
  policy: DuplicatePolicy,
  file: string,
  visit: (time: number, value: number) => void,
): { outOfOrder: number; duplicateRows: number } {
  const n = points.length;
  const time = (i: number) => points.time(i);
  let outOfOrder = 0;
  for (let i = 1; i < n; i++) if (time(i) < time(i - 1)) outOfOrder++;
  const order = sortedOrder(n, time);
  const valueAt = (k: number) => points.value(order[k]);
  let duplicateRows = 0;
  let i = 0;
  while (i < n) {
    const t = time(order[i]);
    let j = i + 1;
    while (j < n && time(order[j]) === t) j++;
    if (j - i > 1) {
      if (policy === 'error') {
        throw duplicateError(file, t, points.line(order[i]), points.line(order[i + 1]));
      }
      duplicateRows += j - i - 1;
    }
    visit(t, j - i > 1 ? mergeDuplicates(valueAt, i, j, policy) : valueAt(i));
    i = j;
  }
  return { outOfOrder, duplicateRows };
}

/** Warnings for rows that were sorted and rows that were merged. */
export function orderWarnings(
  outOfOrder: number,
  duplicateRows: number,
  policy: DuplicatePolicy,
): Warning[] {
  const warnings: Warning[] = [];
  if (outOfOrder > 0) {
    warnings.push({
      code: 'unsorted',
      count: outOfOrder,
      message: `${outOfOrder} row(s) were out of time order; sorted`,
    });
  }
  if (duplicateRows > 0) {
    warnings.push({
      code: 'duplicates',
      count: duplicateRows,
      message: `${duplicateRows} duplicate-timestamp row(s) merged by ${policy} (--duplicates)`,
    });
  }
  return warnings;
}
