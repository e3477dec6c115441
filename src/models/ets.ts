/*
 * Non-seasonal exponential smoothing with additive errors (Hyndman, Koehler, Ord & Snyder 2008):
 * ANN (level), AAN (level and slope) and AAdN (damped slope), each fitted by maximum likelihood
 * and the one with the smallest AICc kept, as augurs' AutoETS 'ZZN' does for these three. The
 * parameter bounds are augurs-ets' (forecast::ets' "usual" ones): α in [0.0001, 0.9999],
 * β in [0.0001, α] and at most augurs' effective 0.19996, φ in [0.8, 0.98].
 *
 * With additive errors the one-step errors are linear in the initial state, so for given
 * smoothing parameters the best initial level and slope solve a 2×2 least-squares problem;
 * Nelder–Mead then searches only the one to three smoothing parameters. The likelihood,
 * parameter counts and AICc are augurs-ets' (n·ln Σe², states and smoothing parameters counted).
 */

export type EtsKind = 'ANN' | 'AAN' | 'AAdN';

export interface EtsModel {
  kind: EtsKind;
  alpha: number;
  beta: number;
  phi: number;
  /** Level and slope after the last observation. */
  level: number;
  slope: number;
  aicc: number;
  /** One-step-ahead in-sample forecasts. */
  fitted: Float64Array;
}

const ALPHA = [0.0001, 0.9999] as const;
/** augurs-ets caps β at its starting α, 0.0001 + 0.2 × (0.9999 − 0.0001). */
const BETA = [0.0001, 0.19996] as const;
const PHI = [0.8, 0.98] as const;

interface Spec {
  kind: EtsKind;
  trend: boolean;
  damped: boolean;
}

const SPECS: Spec[] = [
  { kind: 'ANN', trend: false, damped: false },
  { kind: 'AAN', trend: true, damped: false },
  { kind: 'AAdN', trend: true, damped: true },
];

/** Initial level and slope from a line through the first (up to) ten values, as augurs-ets. */
function roughStart(y: Float64Array, trend: boolean): [number, number] {
  const m = Math.min(10, y.length);
  let mean = 0;
  for (let i = 0; i < m; i++) mean += y[i];
  mean /= m;
  if (!trend) return [mean, 0];
  const tMean = (m + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < m; i++) {
    sxy += (i + 1 - tMean) * (y[i] - mean);
    sxx += (i + 1 - tMean) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return [mean - slope * tMean, slope];
}

/**
 * The smallest sum of squared one-step errors over the initial state, and that state, for the
 * given parameters. The errors are those from `start` minus zₜ·δ, where zₜ = w′Dᵗ⁻¹ is the
 * effect of a change δ of the initial state (D = F − g w′), so δ solves a least-squares problem.
 */
function profile(
  y: Float64Array,
  spec: Spec,
  alpha: number,
  beta: number,
  phi: number,
  start: [number, number],
): { sse: number; level0: number; slope0: number } {
  let [l, b] = start;
  // D^(t-1), starting at the identity.
  let m11 = 1;
  let m12 = 0;
  let m21 = 0;
  let m22 = 1;
  const d11 = 1 - alpha;
  const d12 = phi * (1 - alpha);
  const d21 = -beta;
  const d22 = phi * (1 - beta);
  let a11 = 0;
  let a12 = 0;
  let a22 = 0;
  let c1 = 0;
  let c2 = 0;
  let ee = 0;
  for (let t = 0; t < y.length; t++) {
    const f = l + phi * b;
    const e = y[t] - f;
    const z1 = m11 + phi * m21;
    const z2 = m12 + phi * m22;
    a11 += z1 * z1;
    a12 += z1 * z2;
    a22 += z2 * z2;
    c1 += z1 * e;
    c2 += z2 * e;
    ee += e * e;
    l = f + alpha * e;
    b = phi * b + beta * e;
    const n11 = d11 * m11 + d12 * m21;
    const n12 = d11 * m12 + d12 * m22;
    m21 = d21 * m11 + d22 * m21;
    m22 = d21 * m12 + d22 * m22;
    m11 = n11;
    m12 = n12;
  }
  if (!spec.trend) {
    const dl = c1 / a11;
    return { sse: ee - c1 * dl, level0: start[0] + dl, slope0: 0 };
  }
  const det = a11 * a22 - a12 * a12;
  if (!(det > 1e-12 * a11 * a22)) {
    const dl = c1 / a11;
    return { sse: ee - c1 * dl, level0: start[0] + dl, slope0: start[1] };
  }
  const dl = (a22 * c1 - a12 * c2) / det;
  const db = (a11 * c2 - a12 * c1) / det;
  return { sse: ee - c1 * dl - c2 * db, level0: start[0] + dl, slope0: start[1] + db };
}

/** augurs-ets' likelihood term for additive errors: n·ln Σe². */
function likelihood(n: number, sse: number): number {
  return n * Math.log(sse > 0 ? sse : sse + 1e-8);
}

/** Nelder–Mead over the box [lower, upper] (points clamped into it), from `x0`. */
export function nelderMead(
  f: (x: number[]) => number,
  x0: number[],
  lower: readonly number[],
  upper: readonly number[],
  steps: readonly number[],
  { maxEvaluations = 400, fTolerance = 1e-7, xTolerance = 1e-6 } = {},
): { x: number[]; value: number } {
  const d = x0.length;
  const clamp = (x: number[]) => x.map((v, i) => Math.min(upper[i], Math.max(lower[i], v)));
  let evaluations = 0;
  const cost = (x: number[]) => {
    evaluations++;
    const value = f(x);
    return Number.isFinite(value) ? value : Infinity;
  };
  const points = [clamp(x0)];
  for (let i = 0; i < d; i++) {
    const x = points[0].slice();
    x[i] = x[i] + steps[i] <= upper[i] ? x[i] + steps[i] : x[i] - steps[i];
    points.push(clamp(x));
  }
  let values = points.map(cost);
  const along = (a: number[], b: number[], t: number) => clamp(a.map((v, i) => v + t * (b[i] - v)));
  while (evaluations < maxEvaluations) {
    const order = values.map((_, i) => i).sort((i, j) => values[i] - values[j]);
    const sortedPoints = order.map((i) => points[i]);
    values = order.map((i) => values[i]);
    points.splice(0, points.length, ...sortedPoints);
    const best = values[0];
    const worst = values[d];
    const size = Math.max(
      ...points.slice(1).map((p) => Math.max(...p.map((v, i) => Math.abs(v - points[0][i])))),
    );
    if (worst - best <= fTolerance * (Math.abs(best) + 1e-8) && size <= xTolerance) break;
    if (size <= xTolerance * 1e-3) break;
    const centroid = new Array<number>(d).fill(0);
    for (let k = 0; k < d; k++) for (let i = 0; i < d; i++) centroid[i] += points[k][i] / d;
    const reflected = along(centroid, points[d], -1);
    const fr = cost(reflected);
    if (fr < best) {
      const expanded = along(centroid, points[d], -2);
      const fe = cost(expanded);
      [points[d], values[d]] = fe < fr ? [expanded, fe] : [reflected, fr];
    } else if (fr < values[d - 1]) {
      [points[d], values[d]] = [reflected, fr];
    } else {
      const outside = fr < worst;
      const contracted = along(centroid, outside ? reflected : points[d], 0.5);
      const fc = cost(contracted);
      if (fc < (outside ? fr : worst)) {
        [points[d], values[d]] = [contracted, fc];
      } else {
        for (let k = 1; k <= d; k++) {
          points[k] = along(points[0], points[k], 0.5);
          values[k] = cost(points[k]);
        }
      }
    }
  }
  const bestAt = values.indexOf(Math.min(...values));
  return { x: points[bestAt], value: values[bestAt] };
}

/** Fits one of the three models; `undefined` when the data are too few for its parameters. */
function fitSpec(y: Float64Array, spec: Spec): EtsModel | undefined {
  const n = y.length;
  const states = spec.trend ? 2 : 1;
  const smoothing = 1 + (spec.trend ? 1 : 0) + (spec.damped ? 1 : 0);
  const nParams = states + smoothing;
  if (nParams >= n - 1) return undefined;
  const start = roughStart(y, spec.trend);
  const unpack = (x: number[]) => {
    const alpha = x[0];
    const beta = spec.trend ? Math.min(x[1], alpha) : 0;
    const phi = spec.damped ? x[2] : 1;
    return { alpha, beta, phi };
  };
  const lower = [ALPHA[0], BETA[0], PHI[0]].slice(0, smoothing);
  const upper = [ALPHA[1], BETA[1], PHI[1]].slice(0, smoothing);
  // augurs-ets' starting values: α 0.19996, β a tenth of its range, φ 0.99 of its range.
  const x0 = [0.19996, 0.0001 + 0.1 * (BETA[1] - 0.0001), 0.8 + 0.99 * 0.18].slice(0, smoothing);
  const steps = [0.1, 0.02, 0.05].slice(0, smoothing);
  const { x } = nelderMead(
    (x) => {
      const { alpha, beta, phi } = unpack(x);
      return likelihood(n, profile(y, spec, alpha, beta, phi, start).sse);
    },
    x0,
    lower,
    upper,
    steps,
  );
  const { alpha, beta, phi } = unpack(x);
  const { level0, slope0 } = profile(y, spec, alpha, beta, phi, start);
  // One exact pass from the best initial state: fitted values, final state and likelihood.
  const fitted = new Float64Array(n);
  let l = level0;
  let b = slope0;
  let sse = 0;
  for (let t = 0; t < n; t++) {
    const f = l + phi * b;
    const e = y[t] - f;
    fitted[t] = f;
    sse += e * e;
    l = f + alpha * e;
    b = phi * b + beta * e;
  }
  const aic = likelihood(n, sse) + 2 * nParams;
  const k = nParams + 1;
  const aicc = n - k - 1 !== 0 ? aic + (2 * k * (k + 1)) / (n - k - 1) : Infinity;
  return { kind: spec.kind, alpha, beta, phi, level: l, slope: b, aicc, fitted };
}

/**
 * The best of ANN, AAN and AAdN by AICc, or `undefined` with too few values (augurs' AutoETS
 * needs more than six) or when no model fits.
 */
export function autoEts(y: Float64Array): EtsModel | undefined {
  if (y.length <= 6) return undefined;
  let best: EtsModel | undefined;
  for (const spec of SPECS) {
    const model = fitSpec(y, spec);
    if (model && Number.isFinite(model.aicc) && (!best || model.aicc < best.aicc)) best = model;
  }
  return best;
}

/** Point forecasts `horizon` steps ahead: level plus the (damped) sum of slopes. */
export function etsForecast(model: EtsModel, horizon: number): Float64Array {
  const out = new Float64Array(horizon);
  let damping = 0;
  let power = 1;
  for (let h = 0; h < horizon; h++) {
    power *= model.phi;
    damping += power;
    out[h] = model.level + damping * model.slope;
  }
  return out;
}
