import { Matrix, solve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MONDAY } from './helpers/series.js';
import { gaussian, mulberry32 } from '../src/data/synthetic.js';
import { calendarFields } from '../src/features/calendar.js';
import { designFor, designRow, layoutOf } from '../src/features/design.js';
import {
  choleskySolve,
  RidgeNormalEquations,
  SparseRowsBuilder,
  type SparseRows,
} from '../src/models/normal-equations.js';

/** (X'WX + diag(penalties)) β = X'Wy, formed densely and solved by ml-matrix's LU. */
function referenceSolve(
  rows: number[][],
  y: ArrayLike<number>,
  weights: ArrayLike<number>,
  penalties: ArrayLike<number>,
): number[] {
  const p = penalties.length;
  const gram = Matrix.zeros(p, p);
  const rhs = Matrix.zeros(p, 1);
  rows.forEach((row, k) => {
    for (let a = 0; a < p; a++) {
      rhs.set(a, 0, rhs.get(a, 0) + weights[k] * row[a] * y[k]);
      for (let b = 0; b < p; b++) gram.set(a, b, gram.get(a, b) + weights[k] * row[a] * row[b]);
    }
  });
  for (let a = 0; a < p; a++) gram.set(a, a, gram.get(a, a) + penalties[a]);
  return solve(gram, rhs).getColumn(0);
}

/**
 * A random design like ridge's: `dense` dense columns (the first one an intercept), then a block
 * of `slots` one-hot columns, then `sparse` mostly-zero columns.
 */
function randomProblem(seed: number, n: number, dense: number, slots: number, sparse: number) {
  const random = mulberry32(seed);
  const noise = gaussian(random);
  const p = dense + slots + sparse;
  const rows: number[][] = [];
  for (let k = 0; k < n; k++) {
    const row = new Array<number>(p).fill(0);
    row[0] = 1;
    for (let j = 1; j < dense; j++) row[j] = random() < 0.05 ? 0 : noise();
    if (slots > 0 && random() < 0.95) row[dense + Math.floor(random() * slots)] = 1 + random();
    for (let j = 0; j < sparse; j++) if (random() < 0.03) row[dense + slots + j] = noise();
    rows.push(row);
  }
  const y = Float64Array.from(rows, () => 5 + noise());
  const penalties = Float64Array.from({ length: p }, (_, j) => (j === 0 ? 1e-6 : 0.5 + random()));
  const builder = new SparseRowsBuilder(p, 4);
  for (const row of rows) builder.push(row);
  const hot = Array.from({ length: slots }, (_, s) => dense + s);
  return { rows, x: builder.build(), y, penalties, hot, random };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>) {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  for (let j = 0; j < expected.length; j++) scale = Math.max(scale, Math.abs(expected[j]));
  for (let j = 0; j < expected.length; j++) {
    expect(Math.abs(actual[j] - expected[j])).toBeLessThan(1e-9 * Math.max(1, scale));
  }
}

describe('sparse rows', () => {
  it('keep the non-zeros of each row in column order', () => {
    const builder = new SparseRowsBuilder(4, 1);
    builder.push([0, 2, 0, 3]);
    builder.push([0, 0, 0, 0]);
    builder.push([1, 1, 1, 1]);
    const x: SparseRows = builder.build();
    expect(Array.from(x.rowStart)).toEqual([0, 2, 2, 6]);
    expect(Array.from(x.column)).toEqual([1, 3, 0, 1, 2, 3]);
    expect(Array.from(x.value)).toEqual([2, 3, 1, 1, 1, 1]);
  });
});

describe('cholesky solve', () => {
  it('agrees with a reference solve on random positive definite systems', () => {
    const random = mulberry32(3);
    for (const d of [1, 2, 5, 17]) {
      const m = Matrix.rand(d + 3, d, { random });
      const a = m.transpose().mmul(m).add(Matrix.eye(d, d).mul(0.1));
      const b = Array.from({ length: d }, () => random() - 0.5);
      const expected = solve(a, Matrix.columnVector(b)).getColumn(0);
      const flat = Float64Array.from(a.to1DArray());
      expectClose(choleskySolve(flat, d, b), expected);
    }
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() => choleskySolve(Float64Array.from([1, 2, 2, 1]), 2, [1, 1])).toThrow(
      /not positive definite/,
    );
  });
});

describe('ridge normal equations', () => {
  const shapes = [
    { name: 'dense only', n: 60, dense: 6, slots: 0, sparse: 0 },
    { name: 'one-hot block', n: 200, dense: 5, slots: 24, sparse: 0 },
    { name: 'one-hot block and sparse columns', n: 300, dense: 8, slots: 30, sparse: 4 },
    { name: 'more columns than rows', n: 20, dense: 4, slots: 40, sparse: 2 },
  ];

  it.each(shapes)('agree with a dense reference solve: $name', ({ n, dense, slots, sparse }) => {
    for (let seed = 1; seed <= 5; seed++) {
      const { rows, x, y, penalties, hot, random } = randomProblem(seed, n, dense, slots, sparse);
      const equations = new RidgeNormalEquations(x, y, penalties, hot);
      const weights = Float64Array.from(rows, () => 0.5 + random());
      expectClose(equations.solve(weights), referenceSolve(rows, y, weights, penalties));
      // A robust refit: a few weights change (incremental sums), then zeros, then most of them.
      for (const share of [0.05, 0.2, 0.9]) {
        const next = weights.map((w) => (random() < share ? w * random() : w));
        if (share === 0.2) next[0] = 0;
        expectClose(equations.solve(next), referenceSolve(rows, y, next, penalties));
      }
      expectClose(equations.solve(weights), referenceSolve(rows, y, weights, penalties));
    }
  });

  it('treats a block that is not one-hot as dense columns, with the same answer', () => {
    const { rows, y, penalties, hot } = randomProblem(7, 100, 4, 10, 0);
    rows[3][hot[0]] = 1;
    rows[3][hot[1]] = 1;
    const builder = new SparseRowsBuilder(penalties.length);
    for (const row of rows) builder.push(row);
    const weights = new Float64Array(rows.length).fill(1);
    const beta = new RidgeNormalEquations(builder.build(), y, penalties, hot).solve(weights);
    expectClose(beta, referenceSolve(rows, y, weights, penalties));
  });
});

describe('design rows in a zone with daylight saving time', () => {
  it.each(['America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu'])(
    'put each hour in the slot of its local time: %s',
    (zone) => {
      const spec = designFor(zone, HOUR, MONDAY, 4 * 168);
      const { names } = layoutOf(spec);
      const row = new Float64Array(names.length);
      const firstSlot = names.indexOf('slot_0');
      // A year of hours from 2024-01-01, through both changes of the clocks.
      const wrong: string[] = [];
      for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2025, 0, 1); t += HOUR) {
        designRow(t, spec, row);
        const c = calendarFields(t, zone);
        const slot = Math.floor((c.dayOfWeek * 1440 + c.hour * 60 + c.minute) / 60);
        if (row.indexOf(1, firstSlot) - firstSlot !== slot) wrong.push(new Date(t).toISOString());
      }
      expect(wrong).toEqual([]);
      // Instants inside the hour and far from today.
      for (const t of [Date.UTC(1999, 9, 31, 5, 59, 59, 999), Date.UTC(2037, 2, 8, 7) - DAY / 3]) {
        designRow(t, spec, row);
        const c = calendarFields(t, zone);
        const phase = (c.hour * 60 + c.minute) / 1440;
        expect(row[names.indexOf('daily_sin1')]).toBe(Math.sin(2 * Math.PI * phase));
      }
    },
  );
});
