/** Samples as read, in file order: parallel arrays of time, value and 1-based file line. */
export interface RawPoints {
  times: Float64Array;
  values: Float64Array;
  lines: Int32Array;
}

/** Receives every (time, value) of the file in file order, with the 1-based line it came from. */
export type PointSink = (time: number, value: number, line: number) => void;

/** Samples by position: what sorting and merging read, from typed arrays or from chunks. */
export interface PointStore {
  readonly length: number;
  time(i: number): number;
  value(i: number): number;
  line(i: number): number;
}

const SHIFT = 16;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

/**
 * Samples in file order, in typed-array chunks of 65,536 rows: 20 bytes a row (time, value, line),
 * never copied to grow, so a file held whole to be sorted costs that and its sort index, 4 bytes.
 */
export class PointChunks implements PointStore {
  private readonly times: Float64Array[] = [];
  private readonly values: Float64Array[] = [];
  private readonly lines: Int32Array[] = [];
  length = 0;

  readonly add: PointSink = (time, value, line) => {
    const at = this.length & MASK;
    if (at === 0) {
      this.times.push(new Float64Array(CHUNK));
      this.values.push(new Float64Array(CHUNK));
      this.lines.push(new Int32Array(CHUNK));
    }
    const chunk = this.length >>> SHIFT;
    this.times[chunk][at] = time;
    this.values[chunk][at] = value;
    this.lines[chunk][at] = line;
    this.length++;
  };

  time(i: number): number {
    return this.times[i >>> SHIFT][i & MASK];
  }

  value(i: number): number {
    return this.values[i >>> SHIFT][i & MASK];
  }

  line(i: number): number {
    return this.lines[i >>> SHIFT][i & MASK];
  }

  /** The samples as three arrays of exactly `length`. */
  toRaw(): RawPoints {
    const n = this.length;
    const raw = {
      times: new Float64Array(n),
      values: new Float64Array(n),
      lines: new Int32Array(n),
    };
    for (let c = 0; c * CHUNK < n; c++) {
      const size = Math.min(CHUNK, n - c * CHUNK);
      raw.times.set(this.times[c].subarray(0, size), c * CHUNK);
      raw.values.set(this.values[c].subarray(0, size), c * CHUNK);
      raw.lines.set(this.lines[c].subarray(0, size), c * CHUNK);
    }
    return raw;
  }
}

/** Typed arrays as a PointStore. */
export function rawStore(points: RawPoints): PointStore {
  const { times, values, lines } = points;
  return {
    length: times.length,
    time: (i) => times[i],
    value: (i) => values[i],
    line: (i) => lines[i],
  };
}

/**
 * Positions 0..n-1 in order of time, file order among equal times (a stable sort), in place in
 * one Uint32Array: 4 bytes a row and no per-row objects. Ties are broken by position, so every
 * two positions compare unequal and an unstable in-place sort (quicksort, heapsort when quicksort
 * goes deep) gives the one stable order.
 */
export function sortedOrder(n: number, timeAt: (i: number) => number): Uint32Array {
  const order = new Uint32Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    order[i] = i;
    if (i > 0 && timeAt(i) < timeAt(i - 1)) sorted = false;
  }
  if (sorted) return order;
  const before = (a: number, b: number) => {
    const x = timeAt(a);
    const y = timeAt(b);
    return x < y || (x === y && a < b);
  };
  quicksort(order, 0, n - 1, 2 * Math.ceil(Math.log2(n + 1)), before);
  return order;
}

type Before = (a: number, b: number) => boolean;

function swap(a: Uint32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

function quicksort(a: Uint32Array, lo: number, hi: number, depth: number, before: Before): void {
  while (hi - lo > 16) {
    if (depth-- === 0) return heapsort(a, lo, hi, before);
    const mid = lo + ((hi - lo) >>> 1);
    if (before(a[mid], a[lo])) swap(a, mid, lo);
    if (before(a[hi], a[lo])) swap(a, hi, lo);
    if (before(a[hi], a[mid])) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (before(a[i], pivot)) i++;
      while (before(pivot, a[j])) j--;
      if (i <= j) swap(a, i++, j--);
    }
    // Recurse into the smaller side, loop on the larger: the stack stays O(log n).
    if (j - lo < hi - i) {
      quicksort(a, lo, j, depth, before);
      lo = i;
    } else {
      quicksort(a, i, hi, depth, before);
      hi = j;
    }
  }
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= lo && before(v, a[j])) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

function heapsort(a: Uint32Array, lo: number, hi: number, before: Before): void {
  const n = hi - lo + 1;
  const sift = (root: number, size: number) => {
    for (;;) {
      let child = 2 * root + 1;
      if (child >= size) return;
      if (child + 1 < size && before(a[lo + child], a[lo + child + 1])) child++;
      if (!before(a[lo + root], a[lo + child])) return;
      swap(a, lo + root, lo + child);
      root = child;
    }
  };
  for (let i = (n >>> 1) - 1; i >= 0; i--) sift(i, n);
  for (let end = n - 1; end > 0; end--) {
    swap(a, lo, lo + end);
    sift(0, end);
  }
}
