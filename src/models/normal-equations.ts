/**
 * Weighted ridge normal equations, (X'WX + diag(penalties)) β = X'Wy, for a design whose rows
 * are mostly zeros: a few dense columns (intercept, trend, Fourier terms, calendar effects) and
 * one block of one-hot columns (slot-of-week effects), of which a row has at most one non-zero.
 *
 * The one-hot block's part of X'WX is diagonal, so it is eliminated first: what remains is a
 * dense system the size of the other columns (its Schur complement), solved by Cholesky. For the
 * hourly design that is 28 or 36 unknowns instead of 196 or 204; the full X'WX is never formed.
 * Refits with new weights (the robust loop) update the sums only for the rows whose weight
 * changed.
 */

/** A design matrix by rows, non-zeros only, columns in increasing order within a row. */
export interface SparseRows {
  /** Number of columns. */
  columns: number;
  /** Row k's entries are at rowStart[k] .. rowStart[k + 1] − 1 (length = rows + 1). */
  rowStart: Int32Array;
  column: Int32Array;
  value: Float64Array;
}

/** Collects dense rows into a SparseRows, keeping only the non-zeros. */
export class SparseRowsBuilder {
  private readonly rowStart: number[] = [0];
  private column: Int32Array;
  private value: Float64Array;
  private size = 0;

  constructor(
    readonly columns: number,
    expectedNonZeros = 64,
  ) {
    this.column = new Int32Array(Math.max(16, expectedNonZeros));
    this.value = new Float64Array(this.column.length);
  }

  push(row: ArrayLike<number>): void {
    for (let j = 0; j < this.columns; j++) {
      const v = row[j];
      if (v === 0) continue;
      if (this.size === this.column.length) this.grow();
      this.column[this.size] = j;
      this.value[this.size++] = v;
    }
    this.rowStart.push(this.size);
  }

  build(): SparseRows {
    return {
      columns: this.columns,
      rowStart: Int32Array.from(this.rowStart),
      column: this.column.slice(0, this.size),
      value: this.value.slice(0, this.size),
    };
  }

  private grow(): void {
    const column = new Int32Array(this.column.length * 2);
    column.set(this.column);
    const value = new Float64Array(column.length);
    value.set(this.value);
    this.column = column;
    this.value = value;
  }
}

export function rowCount(x: SparseRows): number {
  return x.rowStart.length - 1;
}

/** x_k · β, summed in column order (the same sum, to the bit, as over the dense row). */
export function rowDot(x: SparseRows, k: number, beta: ArrayLike<number>): number {
  let sum = 0;
  for (let e = x.rowStart[k]; e < x.rowStart[k + 1]; e++) sum += x.value[e] * beta[x.column[e]];
  return sum;
}

/**
 * The normal equations of one design, target and set of penalties, solved for any weights.
 * `oneHot` lists the columns of the block to eliminate first; if some row has more than one
 * non-zero among them, they are treated as dense columns instead (slower, same answer).
 */
export class RidgeNormalEquations {
  private readonly n: number;
  private readonly p: number;
  /** Number of dense columns, and each column's position among them (−1 for one-hot columns). */
  private readonly d: number;
  private readonly dense: Int32Array;
  /** Number of one-hot columns, and each column's position among them (−1 for dense columns). */
  private readonly h: number;
  private readonly hot: Int32Array;
  /** Per row: the one-hot position of its non-zero (−1 if none) and that value. */
  private readonly rowHot: Int32Array;
  private readonly rowHotValue: Float64Array;
  /** The dense columns, one after the other (n values each). */
  private readonly byColumn: Float64Array;
  /** Rows where a mostly-zero dense column (a holiday dummy) is non-zero; null for the others. */
  private readonly columnRows: (Int32Array | null)[];

  /**
   * X'WX by block for the first weights: dense × dense (upper triangle), one-hot (a diagonal),
   * one-hot × dense.
   */
  private baseWeights: Float64Array | undefined;
  private readonly baseDD: Float64Array;
  private readonly baseHH: Float64Array;
  private readonly baseHD: Float64Array;
  // Work arrays, reused by every solve: the system of the current weights, and X'Wy.
  private readonly dd: Float64Array;
  private readonly hh: Float64Array;
  private readonly hd: Float64Array;
  private readonly rhsDense: Float64Array;
  private readonly rhsHot: Float64Array;
  private readonly scratch: Float64Array;

  constructor(
    x: SparseRows,
    private readonly y: Float64Array,
    private readonly penalties: Float64Array,
    oneHot: ArrayLike<number> = [],
  ) {
    const n = rowCount(x);
    const p = x.columns;
    this.n = n;
    this.p = p;
    if (y.length !== n || penalties.length !== p) {
      throw new Error(
        `normal equations: ${n} rows, ${y.length} targets; ` +
          `${p} columns, ${penalties.length} penalties`,
      );
    }
    const isHot = new Uint8Array(p);
    for (let u = 0; u < oneHot.length; u++) isHot[oneHot[u]] = 1;
    if (!isOneHot(x, isHot)) isHot.fill(0);
    this.hot = new Int32Array(p).fill(-1);
    this.dense = new Int32Array(p).fill(-1);
    let h = 0;
    let d = 0;
    for (let j = 0; j < p; j++) {
      if (isHot[j]) this.hot[j] = h++;
      else this.dense[j] = d++;
    }
    this.h = h;
    this.d = d;

    this.rowHot = new Int32Array(n).fill(-1);
    this.rowHotValue = new Float64Array(n);
    this.byColumn = new Float64Array(d * n);
    const counts = new Int32Array(d);
    for (let k = 0; k < n; k++) {
      for (let e = x.rowStart[k]; e < x.rowStart[k + 1]; e++) {
        const j = x.column[e];
        const pos = this.dense[j];
        if (pos >= 0) {
          this.byColumn[pos * n + k] = x.value[e];
          counts[pos]++;
        } else {
          this.rowHot[k] = this.hot[j];
          this.rowHotValue[k] = x.value[e];
        }
      }
    }
    this.columnRows = Array.from(counts, (count, a) => {
      if (count > n / 8) return null;
      const rows = new Int32Array(count);
      let u = 0;
      for (let k = 0; k < n; k++) if (this.byColumn[a * n + k] !== 0) rows[u++] = k;
      return rows;
    });

    this.baseDD = new Float64Array(d * d);
    this.baseHH = new Float64Array(h);
    this.baseHD = new Float64Array(h * d);
    this.dd = new Float64Array(d * d);
    this.hh = new Float64Array(h);
    this.hd = new Float64Array(h * d);
    this.rhsDense = new Float64Array(d);
    this.rhsHot = new Float64Array(h);
    this.scratch = new Float64Array(n);
  }

  /** The coefficients for observation weights `weights` (≥ 0, one per row). */
  solve(weights: Float64Array): number[] {
    if (weights.length !== this.n) {
      throw new Error(`normal equations: ${weights.length} weights for ${this.n} rows`);
    }
    this.sumSquares(weights);
    this.sumTargets(weights);
    return this.eliminate();
  }

  /** Fills dd, hh and hd with X'WX. */
  private sumSquares(weights: Float64Array): void {
    const { n, dd, hh, hd } = this;
    const base = this.baseWeights;
    // A robust refit changes the weights of few rows: add those to the sums of the first weights.
    let changed = 0;
    if (base) for (let k = 0; k < n; k++) if (weights[k] !== base[k]) changed++;
    if (!base || changed > n / 4) {
      this.sumAll(weights);
      if (!base) {
        this.baseWeights = weights.slice();
        this.baseDD.set(dd);
        this.baseHH.set(hh);
        this.baseHD.set(hd);
      }
      return;
    }
    dd.set(this.baseDD);
    hh.set(this.baseHH);
    hd.set(this.baseHD);
    if (changed === 0) return;
    for (let k = 0; k < n; k++) if (weights[k] !== base[k]) this.addRow(k, weights[k] - base[k]);
  }

  /** X'WX over all rows, column pair by column pair. */
  private sumAll(weights: Float64Array): void {
    const { n, d, dd, hh, hd, byColumn, columnRows, rowHot, rowHotValue } = this;
    const weighted = this.scratch;
    hh.fill(0);
    hd.fill(0);
    for (let k = 0; k < n; k++) {
      const s = rowHot[k];
      if (s >= 0) hh[s] += weights[k] * rowHotValue[k] * rowHotValue[k];
    }
    for (let a = 0; a < d; a++) {
      const columnA = a * n;
      for (let k = 0; k < n; k++) weighted[k] = weights[k] * byColumn[columnA + k];
      const rowsA = columnRows[a];
      for (let b = a; b < d; b++) {
        const columnB = b * n;
        const rowsB = columnRows[b];
        const rows =
          rowsA && rowsB ? (rowsB.length < rowsA.length ? rowsB : rowsA) : (rowsA ?? rowsB);
        let sum = 0;
        if (rows) {
          for (let u = 0; u < rows.length; u++)
            sum += weighted[rows[u]] * byColumn[columnB + rows[u]];
        } else {
          for (let k = 0; k < n; k++) sum += weighted[k] * byColumn[columnB + k];
        }
        dd[a * d + b] = sum;
      }
      if (rowsA) {
        for (let u = 0; u < rowsA.length; u++) {
          const k = rowsA[u];
          if (rowHot[k] >= 0) hd[rowHot[k] * d + a] += weighted[k] * rowHotValue[k];
        }
      } else if (this.h > 0) {
        for (let k = 0; k < n; k++) {
          if (rowHot[k] >= 0) hd[rowHot[k] * d + a] += weighted[k] * rowHotValue[k];
        }
      }
    }
  }

  /** Adds w · x_k x_kᵀ to dd, hh and hd. */
  private addRow(k: number, w: number): void {
    const { n, d, dd, hd, byColumn } = this;
    const s = this.rowHot[k];
    for (let a = 0; a < d; a++) {
      const xa = byColumn[a * n + k];
      if (xa === 0) continue;
      const wa = w * xa;
      for (let b = a; b < d; b++) dd[a * d + b] += wa * byColumn[b * n + k];
      if (s >= 0) hd[s * d + a] += wa * this.rowHotValue[k];
    }
    if (s >= 0) this.hh[s] += w * this.rowHotValue[k] * this.rowHotValue[k];
  }

  /** Fills rhsDense and rhsHot with X'Wy. */
  private sumTargets(weights: Float64Array): void {
    const { n, d, y, byColumn, columnRows, rhsDense, rhsHot, rowHot, rowHotValue } = this;
    const wy = this.scratch;
    for (let k = 0; k < n; k++) wy[k] = weights[k] * y[k];
    for (let a = 0; a < d; a++) {
      const columnA = a * n;
      const rows = columnRows[a];
      let sum = 0;
      if (rows) {
        for (let u = 0; u < rows.length; u++) sum += wy[rows[u]] * byColumn[columnA + rows[u]];
      } else {
        for (let k = 0; k < n; k++) sum += wy[k] * byColumn[columnA + k];
      }
      rhsDense[a] = sum;
    }
    rhsHot.fill(0);
    for (let k = 0; k < n; k++) if (rowHot[k] >= 0) rhsHot[rowHot[k]] += wy[k] * rowHotValue[k];
  }

  /** Eliminates the one-hot block, solves the dense rest by Cholesky, back-substitutes. */
  private eliminate(): number[] {
    const { p, d, h, dd, hh, hd, rhsDense, rhsHot, penalties } = this;
    for (let j = 0; j < p; j++) {
      if (this.dense[j] >= 0) dd[this.dense[j] * (d + 1)] += penalties[j];
      else hh[this.hot[j]] += penalties[j];
    }
    // Schur complement: dd − hdᵀ diag(hh)⁻¹ hd (upper triangle);
    // right-hand side rhsDense − hdᵀ diag(hh)⁻¹ rhsHot.
    for (let s = 0; s < h; s++) {
      const pivot = hh[s];
      if (!(pivot > 0)) throw new Error('Matrix is not positive definite');
      const row = s * d;
      for (let a = 0; a < d; a++) {
        const f = hd[row + a] / pivot;
        if (f === 0) continue;
        rhsDense[a] -= f * rhsHot[s];
        const offset = a * d;
        for (let b = a; b < d; b++) dd[offset + b] -= f * hd[row + b];
      }
    }
    const betaDense = choleskySolve(dd, d, rhsDense);
    const beta = new Array<number>(p);
    for (let j = 0; j < p; j++) {
      const pos = this.dense[j];
      if (pos >= 0) {
        beta[j] = betaDense[pos];
        continue;
      }
      const s = this.hot[j];
      const row = s * d;
      let sum = rhsHot[s];
      for (let a = 0; a < d; a++) sum -= hd[row + a] * betaDense[a];
      beta[j] = sum / hh[s];
    }
    return beta;
  }
}

/** Whether every row has at most one non-zero among the columns flagged in `isHot`. */
function isOneHot(x: SparseRows, isHot: Uint8Array): boolean {
  for (let k = 0; k < rowCount(x); k++) {
    let count = 0;
    for (let e = x.rowStart[k]; e < x.rowStart[k + 1]; e++) count += isHot[x.column[e]];
    if (count > 1) return false;
  }
  return true;
}

/**
 * Solves A x = b for a symmetric positive definite A (d × d, row-major; only the upper triangle
 * is read, and it is overwritten with the Cholesky factor U, A = UᵀU). `b` is left untouched.
 */
export function choleskySolve(a: Float64Array, d: number, b: ArrayLike<number>): Float64Array {
  // Right-looking: take row j of U, then update the trailing upper triangle by its outer product.
  // Every inner loop walks a row of `a`.
  for (let j = 0; j < d; j++) {
    const rowJ = j * d;
    const diagonal = a[rowJ + j];
    if (!(diagonal > 0)) throw new Error('Matrix is not positive definite');
    const root = Math.sqrt(diagonal);
    a[rowJ + j] = root;
    for (let c = j + 1; c < d; c++) a[rowJ + c] /= root;
    for (let r = j + 1; r < d; r++) {
      const f = a[rowJ + r];
      if (f === 0) continue;
      const rowR = r * d;
      for (let c = r; c < d; c++) a[rowR + c] -= f * a[rowJ + c];
    }
  }
  const x = Float64Array.from(b);
  // Uᵀ z = b, column by column of Uᵀ (rows of U).
  for (let i = 0; i < d; i++) {
    const rowI = i * d;
    const z = (x[i] /= a[rowI + i]);
    for (let c = i + 1; c < d; c++) x[c] -= a[rowI + c] * z;
  }
  // U x = z.
  for (let i = d - 1; i >= 0; i--) {
    const rowI = i * d;
    let sum = x[i];
    for (let c = i + 1; c < d; c++) sum -= a[rowI + c] * x[c];
    x[i] = sum / a[rowI + i];
  }
  return x;
}
