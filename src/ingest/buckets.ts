import { InputError } from '../errors.js';
import { formatTimestamp } from '../util/time.js';
import { zoneOffsetMinutes } from '../util/zone-offset.js';

export type Aggregation = 'sum' | 'mean' | 'max' | 'p95';
export const AGGREGATIONS: Aggregation[] = ['sum', 'mean', 'max', 'p95'];

export type DuplicatePolicy = 'mean' | 'sum' | 'first' | 'last' | 'error';
export const DUPLICATE_POLICIES: DuplicatePolicy[] = ['mean', 'sum', 'first', 'last', 'error'];

/** Aggregated buckets in time order: bucket number (time ÷ step), value and distinct samples. */
export interface Buckets {
  index: Float64Array;
  value: Float64Array;
  count: Int32Array;
  /** Median spacing of the distinct sample times (0 with a single sample). */
  sampleStepMs: number;
  /** Rows whose time was earlier than the row before (sorted, then merged). */
  outOfOrder: number;
  /** Rows merged into an earlier row with the same time. */
  duplicateRows: number;
  /** Where the grid starts within a step (ms): interval i covers origin + [i, i + 1) × step. */
  originMs: number;
}

/** Thrown by `add` when a sample belongs to a bucket that is already closed. */
export class BucketRegression extends Error {}

/**
 * Thrown by `finish` when the history ends at another offset of its zone (DST) than it began:
 * the rows are to be bucketed again on the grid of the end, `originMs`.
 */
export class GridShift extends Error {
  constructor(readonly originMs: number) {
    super('the grid of the end of the history differs from that of its start');
  }
}

export interface BucketSettings {
  stepMs: number;
  agg: Aggregation;
  /** How samples with the same time are merged (default: they are not expected). */
  duplicates?: DuplicatePolicy;
  /** For error messages about duplicates. */
  file?: string;
  /** Cut intervals on this zone's local boundaries (days at local midnight, hours at :00 in a +5:30 zone). */
  zone?: string;
  /** The grid's origin, when known (see GridShift); else that of the first sample. */
  originMs?: number;
}

/**
 * Where a grid of `stepMs` starts so that its intervals begin on local boundaries of `zone` at
 * instant `at`: 0 for UTC and for any step the zone's offset is a multiple of (hours in most
 * zones); 5 h for days in New York in winter, 30 min for hours in Asia/Kolkata. A zone that changes
 * its offset (DST) keeps the origin of `at`, so days after the change are cut an hour off.
 */
export function gridOrigin(stepMs: number, zone: string | undefined, at: number): number {
  if (!zone || zone === 'UTC') return 0;
  const offsetMs = (zoneOffsetMinutes(at, zone) ?? 0) * 60_000;
  return ((-offsetMs % stepMs) + stepMs) % stepMs;
}

const RESERVOIR = 65_536;

/**
 * Streams samples into fixed buckets, holding only the open bucket's samples: memory does not
 * grow with the rows. Samples within a bucket may come in any order; a sample for a bucket that
 * was already closed throws `BucketRegression` (the caller then sorts the whole input).
 */
export class BucketAccumulator {
  private readonly index: number[] = [];
  private readonly value: number[] = [];
  private readonly count: number[] = [];
  private open = -Infinity;
  private originMs = NaN;
  private times: number[] = [];
  private values: number[] = [];
  private lines: number[] = [];
  private lastTime = NaN;
  private lastFileTime = NaN;
  private outOfOrder = 0;
  private duplicateRows = 0;
  // A deterministic reservoir of sample spacings, for their median: exact up to RESERVOIR.
  private readonly steps = new Float64Array(RESERVOIR);
  private stepsSeen = 0;
  private random = 0x2545f491;

  constructor(private readonly settings: BucketSettings) {}

  add(time: number, value: number, line: number): void {
    if (Number.isNaN(this.originMs)) {
      this.originMs =
        this.settings.originMs ?? gridOrigin(this.settings.stepMs, this.settings.zone, time);
    }
    const bucket = Math.floor((time - this.originMs) / this.settings.stepMs);
    if (bucket !== this.open) {
      if (bucket < this.open) throw new BucketRegression();
      this.close();
      this.open = bucket;
    }
    if (time < this.lastFileTime) this.outOfOrder++;
    this.lastFileTime = time;
    this.times.push(time);
    this.values.push(value);
    this.lines.push(line);
  }

  finish(): Buckets {
    this.close();
    if (this.settings.originMs === undefined && !Number.isNaN(this.lastTime)) {
      const end = gridOrigin(this.settings.stepMs, this.settings.zone, this.lastTime);
      if (end !== this.originMs) throw new GridShift(end);
    }
    const kept = Math.min(this.stepsSeen, RESERVOIR);
    const steps = this.steps.slice(0, kept).sort();
    return {
      index: Float64Array.from(this.index),
      value: Float64Array.from(this.value),
      count: Int32Array.from(this.count),
      sampleStepMs: kept === 0 ? 0 : steps[Math.floor(kept / 2)],
      outOfOrder: this.outOfOrder,
      duplicateRows: this.duplicateRows,
      originMs: Number.isNaN(this.originMs) ? 0 : this.originMs,
    };
  }

  private close(): void {
    const n = this.times.length;
    if (n === 0) return;
    let { times, values, lines } = this;
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = times[i] >= times[i - 1];
    if (!sorted) {
      const order = Array.from({ length: n }, (_, i) => i).sort(
        (a, b) => times[a] - times[b] || a - b,
      );
      times = order.map((i) => this.times[i]);
      values = order.map((i) => this.values[i]);
      lines = order.map((i) => this.lines[i]);
    }
    const merged: number[] = [];
    let i = 0;
    while (i < n) {
      let j = i + 1;
      while (j < n && times[j] === times[i]) j++;
      if (j - i > 1) this.duplicates(times, lines, i, j);
      merged.push(
        j - i > 1 ? mergeDuplicates((k) => values[k], i, j, this.settings.duplicates) : values[i],
      );
      if (!Number.isNaN(this.lastTime)) this.addStep(times[i] - this.lastTime);
      this.lastTime = times[i];
      i = j;
    }
    this.index.push(this.open);
    this.value.push(aggregate(merged, this.settings.agg));
    this.count.push(merged.length);
    this.times = [];
    this.values = [];
    this.lines = [];
  }

  private duplicates(times: number[], lines: number[], i: number, j: number): void {
    if (this.settings.duplicates === 'error') {
      throw duplicateError(this.settings.file ?? '(input)', times[i], lines[i], lines[i + 1]);
    }
    this.duplicateRows += j - i - 1;
  }

  private addStep(step: number): void {
    if (this.stepsSeen < RESERVOIR) {
      this.steps[this.stepsSeen++] = step;
      return;
    }
    // xorshift32: the same input always keeps the same sample.
    this.random ^= this.random << 13;
    this.random ^= this.random >>> 17;
    this.random ^= this.random << 5;
    const slot = (this.random >>> 0) % ++this.stepsSeen;
    if (slot < RESERVOIR) this.steps[slot] = step;
  }
}

/** `--duplicates error`: the second row with a time, naming the first. */
export function duplicateError(file: string, time: number, line: number, again: number) {
  return new InputError(
    file,
    again,
    `duplicate timestamp ${formatTimestamp(time)} (also on line ${line})`,
    'merge duplicates with --duplicates mean|sum|first|last',
  );
}

/** valueAt(from … to - 1) (samples with one time, in file order) merged by `policy`. */
export function mergeDuplicates(
  valueAt: (k: number) => number,
  from: number,
  to: number,
  policy: DuplicatePolicy = 'mean',
): number {
  if (policy === 'first') return valueAt(from);
  if (policy === 'last') return valueAt(to - 1);
  let sum = 0;
  for (let k = from; k < to; k++) sum += valueAt(k);
  return policy === 'sum' ? sum : sum / (to - from);
}

function aggregate(group: number[], agg: Aggregation): number {
  switch (agg) {
    case 'sum':
      return group.reduce((a, b) => a + b, 0);
    case 'max':
      return group.reduce((a, b) => (b > a ? b : a), -Infinity);
    case 'p95': {
      const sorted = [...group].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
    }
    default:
      return group.reduce((a, b) => a + b, 0) / group.length;
  }
}
