import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sortedOrder } from '../src/ingest/sort.js';
import { headroom } from './helpers/cli.js';

// An unsorted file is held whole to be sorted: about 24 bytes a row (time, value and line in typed
// arrays, plus a 4-byte sort index), not a hundred and more.

const scratch = mkdtempSync(join(tmpdir(), 'headroom-unsorted-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A deterministic shuffle of 0..n-1. */
function shuffled(n: number, seed = 42): Uint32Array {
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  let s = seed;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

describe('sortedOrder', () => {
  it('is the stable order by time, for shuffled, sorted, reversed and duplicate-heavy input', () => {
    const cases = [
      Array.from(shuffled(5000), (k) => k * 1000),
      Array.from({ length: 3000 }, (_, i) => i),
      Array.from({ length: 3000 }, (_, i) => 3000 - i),
      Array.from(shuffled(4000), (k) => k % 7),
      Array.from({ length: 2000 }, () => 5),
      [],
      [1],
    ];
    for (const times of cases) {
      const expected = times.map((_, i) => i).sort((a, b) => times[a] - times[b] || a - b);
      expect(Array.from(sortedOrder(times.length, (i) => times[i]))).toEqual(expected);
    }
  });
});

describe('memory for an unsorted file', () => {
  it('costs less than 40 bytes a row more than the same rows in order', async () => {
    const rows = 1_000_000;
    const start = Date.UTC(2020, 0, 1);
    const line = (k: number) =>
      `${new Date(start + k * 60_000).toISOString()},${(100 + (k % 1440) / 10).toFixed(1)}`;
    const write = (name: string, order: ArrayLike<number>) => {
      const lines = ['timestamp,requests'];
      for (let i = 0; i < rows; i++) lines.push(line(order[i]));
      const path = join(scratch, name);
      writeFileSync(path, lines.join('\n') + '\n');
      return path;
    };
    // Each run in a process of its own, whose peak memory is the run's alone.
    const peak = async (file: string) => {
      const run = await headroom([
        'forecast',
        file,
        '--model',
        'seasonal-naive',
        '--horizon',
        '1d',
        '--verbose',
        '--out',
        join(scratch, 'forecast.csv'),
      ]);
      expect(run.code, run.stderr).toBe(0);
      return Number(/peak memory (\d+) MB/.exec(run.stderr)![1]);
    };
    const sorted = await peak(
      write(
        'sorted.csv',
        Uint32Array.from({ length: rows }, (_, i) => i),
      ),
    );
    const unsorted = await peak(write('unsorted.csv', shuffled(rows)));
    expect((unsorted - sorted) * 1e6).toBeLessThan(40 * rows);
  }, 120_000);
});
