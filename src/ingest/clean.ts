import type { Warning } from '../types.js';
import { duplicateError, mergeDuplicates, type DuplicatePolicy } from './buckets.js';
import type { RawPoints } from './read-csv.js';

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
  const { times, values, lines } = points;
  const n = times.length;
  let outOfOrder = 0;
  for (let i = 1; i < n; i++) if (times[i] < times[i - 1]) outOfOrder++;
  const order = Array.from({ length: n }, (_, i) => i);
  if (outOfOrder > 0) order.sort((a, b) => times[a] - times[b] || a - b);

  const outTimes: number[] = [];
  const outValues: number[] = [];
  let duplicateRows = 0;
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && times[order[j]] === times[order[i]]) j++;
    if (j - i > 1) {
      if (policy === 'error') {
        throw duplicateError(file, times[order[i]], lines[order[i]], lines[order[i + 1]]);
      }
      duplicateRows += j - i - 1;
    }
    outTimes.push(times[order[i]]);
    const group = order.slice(i, j).map((k) => values[k]);
    outValues.push(mergeDuplicates(group, 0, group.length, policy));
    i = j;
  }

  return {
    times: Float64Array.from(outTimes),
    values: Float64Array.from(outValues),
    outOfOrder,
    duplicateRows,
    warnings: orderWarnings(outOfOrder, duplicateRows, policy),
  };
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
