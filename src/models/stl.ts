/*
 * STL (Cleveland, Cleveland, McRae & Terpenning 1990): the inner loop only, without robustness
 * iterations, with the defaults that augurs' MSTL passes to its STL (the stlrs crate): seasonal
 * loess of degree 0, trend and low-pass loess of degree 1, two inner passes, and each smoother
 * evaluated every ⌈window / 10⌉ points with straight lines in between.
 *
 * Positions inside the smoothers are 1-based, as in the paper's Fortran, so that a window's
 * distances and its extrapolation one point beyond either end read the same as there.
 */

export interface StlOptions {
  /** Steps per seasonal cycle (≥ 2). */
  period: number;
  /** Span of the cycle-subseries loess, in cycles (made odd and ≥ 3). */
  seasonalWindow: number;
  /** Inner-loop passes; 2 by default, as without robustness iterations in the paper. */
  innerLoops?: number;
}

export interface StlResult {
  seasonal: Float64Array;
  trend: Float64Array;
}

const odd = (n: number) => (n % 2 === 0 ? n + 1 : n);

/**
 * Local (degree 0 or 1) tricube-weighted fit at position `x` over the points `left..right`
 * (1-based) of `y`; `undefined` when every weight is zero. `span` is the smoother's window: a
 * window wider than the data widens the bandwidth, as in the paper. One pass accumulates the
 * weighted sums of 1, u, u², y and u·y (u = position − x) that the weighted line needs.
 */
function loessAt(
  y: Float64Array,
  n: number,
  span: number,
  degree: number,
  x: number,
  left: number,
  right: number,
): number | undefined {
  let h = Math.max(x - left, right - x);
  if (span > n) h += Math.floor((span - n) / 2);
  const near = 0.001 * h;
  const far = 0.999 * h;
  let s0 = 0;
  let su = 0;
  let suu = 0;
  let sy = 0;
  let suy = 0;
  for (let j = left; j <= right; j++) {
    const u = j - x;
    const r = Math.abs(u);
    if (r > far) continue;
    let w = 1;
    if (r > near) {
      const q = r / h;
      const c = 1 - q * q * q;
      w = c * c * c;
    }
    const v = y[j - 1];
    s0 += w;
    su += w * u;
    suu += w * u * u;
    sy += w * v;
    suy += w * u * v;
  }
  if (s0 <= 0) return undefined;
  const mean = sy / s0;
  if (h > 0 && degree > 0) {
    const centre = su / s0;
    const spread = suu / s0 - centre * centre;
    // Fit a slope only when the points are spread out enough to carry one.
    if (Math.sqrt(spread) > 0.001 * (n - 1)) {
      return mean - (centre / spread) * (suy / s0 - centre * mean);
    }
  }
  return mean;
}

/**
 * Loess of the first `n` values of `y` with window `span`, evaluated every `jump` points (and at
 * the last) and interpolated linearly in between; writes `out[0..n)`.
 */
function smooth(
  y: Float64Array,
  n: number,
  span: number,
  degree: number,
  jump: number,
  out: Float64Array,
): void {
  if (n < 2) {
    out[0] = y[0];
    return;
  }
  const step = Math.min(jump, n - 1);
  const half = Math.floor((span + 1) / 2);
  const fitAt = (i: number) => {
    let left = 1;
    let right = n;
    if (span < n) {
      left = i < half ? 1 : i > n - half ? n - span + 1 : i - half + 1;
      right = left + span - 1;
    }
    out[i - 1] = loessAt(y, n, span, degree, i, left, right) ?? y[i - 1];
  };
  for (let i = 1; i <= n; i += step) fitAt(i);
  if (step === 1) return;
  for (let i = 1; i + step <= n; i += step) {
    const delta = (out[i + step - 1] - out[i - 1]) / step;
    for (let j = i + 1; j < i + step; j++) out[j - 1] = out[i - 1] + delta * (j - i);
  }
  const lastFitted = Math.floor((n - 1) / step) * step + 1;
  if (lastFitted !== n) {
    fitAt(n);
    const delta = (out[n - 1] - out[lastFitted - 1]) / (n - lastFitted);
    for (let j = lastFitted + 1; j < n; j++)
      out[j - 1] = out[lastFitted - 1] + delta * (j - lastFitted);
  }
}

/** Moving averages of width `len` over the first `n` values of `x` into `out[0..n-len]`. */
function movingAverage(x: Float64Array, n: number, len: number, out: Float64Array): void {
  let sum = 0;
  for (let i = 0; i < len; i++) sum += x[i];
  out[0] = sum / len;
  for (let i = 1; i <= n - len; i++) {
    sum += x[i + len - 1] - x[i - 1];
    out[i] = sum / len;
  }
}

/** Decomposes `y` (no missing values, at least two periods long) into seasonal and trend. */
export function stl(y: Float64Array, options: StlOptions): StlResult {
  const n = y.length;
  const np = Math.max(2, options.period);
  if (!Number.isInteger(options.period) || n < 2 * np) {
    throw new RangeError(`stl: need a whole period ≥ 2 and two periods of data (${n}, ${np})`);
  }
  const ns = odd(Math.max(3, options.seasonalWindow));
  const nt = odd(Math.max(3, Math.ceil((1.5 * np) / (1 - 1.5 / ns))));
  const nl = odd(np);
  const [sJump, tJump, lJump] = [ns, nt, nl].map((len) => Math.ceil(len / 10));
  const loops = options.innerLoops ?? 2;

  const seasonal = new Float64Array(n);
  const trend = new Float64Array(n);
  const detrended = new Float64Array(n);
  /** The cycle-subseries smooths, one cycle longer at each end than the data. */
  const cycle = new Float64Array(n + 2 * np);
  const averaged = new Float64Array(n + 2 * np);
  const scratch = new Float64Array(n + 2 * np);
  const lowPass = new Float64Array(n);
  const sub = new Float64Array(Math.ceil(n / np) + 2);
  const subSmooth = new Float64Array(Math.ceil(n / np) + 2);

  for (let loop = 0; loop < loops; loop++) {
    for (let i = 0; i < n; i++) detrended[i] = y[i] - trend[i];
    // Cycle-subseries smoothing, extrapolated one cycle back and one forward.
    for (let j = 0; j < np; j++) {
      const k = Math.floor((n - 1 - j) / np) + 1;
      for (let i = 0; i < k; i++) sub[i] = detrended[i * np + j];
      smooth(sub, k, ns, 0, sJump, subSmooth.subarray(1));
      subSmooth[0] = loessAt(sub, k, ns, 0, 0, 1, Math.min(ns, k)) ?? subSmooth[1];
      subSmooth[k + 1] = loessAt(sub, k, ns, 0, k + 1, Math.max(1, k - ns + 1), k) ?? subSmooth[k];
      for (let m = 0; m < k + 2; m++) cycle[m * np + j] = subSmooth[m];
    }
    // Low-pass filter: moving averages of np, np and 3, then loess.
    movingAverage(cycle, n + 2 * np, np, averaged);
    movingAverage(averaged, n + np + 1, np, scratch);
    movingAverage(scratch, n + 2, 3, averaged);
    smooth(averaged, n, nl, 1, lJump, lowPass);
    for (let i = 0; i < n; i++) seasonal[i] = cycle[np + i] - lowPass[i];
    // Deseasonalise and smooth the trend.
    for (let i = 0; i < n; i++) detrended[i] = y[i] - seasonal[i];
    smooth(detrended, n, nt, 1, tJump, trend);
  }
  return { seasonal, trend };
}

/**
 * MSTL (Bandara, Hyndman & Bergmeir 2021) as augurs runs it: periods ascending (those longer
 * than half the series dropped), seasonal windows 11, 15, 19, …, two passes when there is more
 * than one period, each period's component re-estimated from the series minus the others.
 * `deseasonalised` is the series minus every seasonal component (trend plus remainder).
 */
export function mstl(
  y: Float64Array,
  periods: readonly number[],
): { periods: number[]; seasonals: Float64Array[]; deseasonalised: Float64Array } {
  const kept = [...periods].sort((a, b) => a - b).filter((p) => p <= Math.floor(y.length / 2));
  if (kept.length === 0 || kept[0] < 2) throw new RangeError('mstl: no usable period');
  const seasonals: Float64Array[] = kept.map(() => new Float64Array(y.length));
  const deseasonalised = y.slice();
  const passes = kept.length === 1 ? 1 : 2;
  for (let pass = 0; pass < passes; pass++) {
    kept.forEach((period, i) => {
      const component = seasonals[i];
      for (let t = 0; t < y.length; t++) deseasonalised[t] += component[t];
      const { seasonal } = stl(deseasonalised, { period, seasonalWindow: 7 + 4 * (i + 1) });
      seasonals[i] = seasonal;
      for (let t = 0; t < y.length; t++) deseasonalised[t] -= seasonal[t];
    });
  }
  return { periods: kept, seasonals, deseasonalised };
}
