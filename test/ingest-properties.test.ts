import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSeries, type IngestOptions } from '../src/ingest/index.js';
import { parseNumberAt } from '../src/ingest/numbers.js';
import { resample } from '../src/ingest/resample.js';
import { parseTimestamp, TimestampReader } from '../src/ingest/timestamp.js';

// Properties of ingest and resampling over generated inputs (fast-check shrinks a failure to the
// smallest input that shows it).

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const scratch = mkdtempSync(join(tmpdir(), 'headroom-properties-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;

const options = (overrides: Partial<IngestOptions> = {}): IngestOptions => ({
  timezone: 'UTC',
  duplicates: 'sum',
  intervalMs: HOUR,
  agg: 'sum',
  fillGapsMs: 0,
  gapFill: 'linear',
  ...overrides,
});

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Rows: minute offsets from 2024-01-01 (repeats allowed) with whole-number values. */
const rowsArbitrary = fc.array(
  fc.record({
    minute: fc.integer({ min: 0, max: 14 * 24 * 60 }),
    value: fc.nat(10_000),
    key: fc.nat(),
  }),
  { minLength: 2, maxLength: 400 },
);

function csvOf(rows: { minute: number; value: number }[], quoted = false): string {
  const q = (cell: string) => (quoted ? `"${cell}"` : cell);
  const lines = rows.map(
    ({ minute, value }) =>
      `${q(new Date(Date.UTC(2024, 0, 1) + minute * MINUTE).toISOString())},${q(String(value))}`,
  );
  return ['timestamp,requests', ...lines].join('\n') + '\n';
}

async function load(content: string, overrides: Partial<IngestOptions> = {}) {
  const path = join(scratch, `p${counter++}.csv`);
  writeFileSync(path, content);
  try {
    return await loadSeries(path, options(overrides));
  } catch (error) {
    return error as Error;
  } finally {
    rmSync(path);
  }
}

const comparable = (result: Awaited<ReturnType<typeof load>>) =>
  result instanceof Error
    ? result.message.replace(/p\d+\.csv/, 'FILE')
    : { start: result.series.start, values: Array.from(result.series.values), rows: result.rows };

describe('ingest properties', () => {
  it('the order of the input rows does not change the series', async () => {
    await fc.assert(
      fc.asyncProperty(
        rowsArbitrary,
        fc.constantFrom('sum', 'mean', 'max') as fc.Arbitrary<'sum' | 'mean' | 'max'>,
        async (rows, agg) => {
          const shuffled = [...rows].sort((a, b) => a.key - b.key);
          const sorted = [...rows].sort((a, b) => a.minute - b.minute);
          const one = comparable(await load(csvOf(shuffled), { agg }));
          const two = comparable(await load(csvOf(sorted), { agg }));
          expect(one).toEqual(two);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the quote-free fast path and csv-parse read the same series', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArbitrary, async (rows) => {
        expect(comparable(await load(csvOf(rows, true)))).toEqual(
          comparable(await load(csvOf(rows))),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('resampling with sum preserves the total of the samples in the intervals it keeps', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 7 * 24 * 60 }), { minLength: 2, maxLength: 2000 }),
        fc.array(fc.nat(1000), { minLength: 2000, maxLength: 2000 }),
        fc.constantFrom(15 * MINUTE, HOUR, 6 * HOUR),
        (minutes, pool, stepMs) => {
          const times = Float64Array.from(minutes.sort((a, b) => a - b).map((m) => m * MINUTE));
          const values = Float64Array.from(times, (_, i) => pool[i]);
          const { series } = resample(times, values, {
            stepMs,
            agg: 'sum',
            maxFillSteps: 0,
            fill: 'linear',
          });
          const end = series.start + series.values.length * stepMs;
          let expected = 0;
          times.forEach((t, i) => {
            if (t >= series.start && t < end) expected += values[i];
          });
          const total = series.values.reduce((sum, v) => (Number.isNaN(v) ? sum : sum + v), 0);
          expect(total).toBe(expected);
          // Only partly covered edge intervals are ever dropped: at most one at each end.
          expect(series.start - Math.floor(times[0] / stepMs) * stepMs).toBeLessThanOrEqual(stepMs);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the in-place ISO reader agrees with parseTimestamp, in any zone', () => {
    const zones = [
      'UTC',
      'America/New_York',
      'Europe/London',
      'Asia/Kolkata',
      'Australia/Lord_Howe',
    ];
    fc.assert(
      fc.property(
        fc.record({
          year: fc.integer({ min: 1900, max: 2100 }),
          month: fc.integer({ min: 1, max: 12 }),
          day: fc.integer({ min: 1, max: 31 }),
          hour: fc.integer({ min: 0, max: 23 }),
          minute: fc.integer({ min: 0, max: 59 }),
          second: fc.option(fc.integer({ min: 0, max: 59 })),
          fraction: fc.option(fc.stringMatching(/^\d{1,9}$/)),
          separator: fc.constantFrom('T', ' '),
          dateSeparator: fc.constantFrom('-', '/'),
          offset: fc.constantFrom('', 'Z', '+02:00', '-0530', '+14:00', '-03'),
          dateOnly: fc.boolean(),
          zone: fc.constantFrom(...zones),
        }),
        (t) => {
          const date = [pad(t.year, 4), pad(t.month), pad(t.day)].join(t.dateSeparator);
          let text = date;
          if (!t.dateOnly) {
            text += `${t.separator}${pad(t.hour)}:${pad(t.minute)}`;
            if (t.second !== null) {
              text += `:${pad(t.second)}`;
              if (t.fraction !== null) text += `.${t.fraction}`;
            }
            text += t.offset;
          }
          const reader = new TimestampReader(t.zone);
          const fast = reader.read(`xx${text}yy`, 2, 2 + text.length);
          expect(fast).toEqual(parseTimestamp(text, t.zone).ms);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('the in-place number reader agrees with Number() on decimals', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
          fc
            .tuple(fc.nat(), fc.integer({ min: 0, max: 12 }))
            .map(([n, k]) => (n / 10 ** k).toFixed(k)),
          fc.stringMatching(/^-?\d{1,20}(\.\d{0,20})?$/),
        ),
        (text) => {
          expect(parseNumberAt(`;${text};`, 1, text.length + 1, 'plain')).toBe(Number(text));
        },
      ),
      { numRuns: 5000 },
    );
  });
});
