import { describe, expect, it } from 'vitest';
import { gaussian, mulberry32 } from '../src/data/synthetic.js';
import { mstl, stl } from '../src/models/stl.js';

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>, from = 0, to = a.length) => {
  let worst = 0;
  for (let i = from; i < to; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

/** `n` values of a slow trend, the given seasonal shapes and seeded noise of σ `noise`. */
function series(n: number, shapes: ((t: number) => number)[], noise: number, seed = 3) {
  const normal = gaussian(mulberry32(seed));
  const trend = Float64Array.from({ length: n }, (_, t) => 100 + 0.05 * t);
  const parts = shapes.map((shape) => Float64Array.from({ length: n }, (_, t) => shape(t)));
  const y = trend.map((v, t) => v + parts.reduce((s, p) => s + p[t], 0) + noise * normal());
  return { y, trend, parts };
}

const daily = (t: number) => 20 * Math.sin((2 * Math.PI * t) / 24);
/** A weekly shape with mean zero: five weekdays up, two weekend days down. */
const weekly = (t: number) => (Math.floor(t / 24) % 7 < 5 ? 6 : -15);

describe('stl', () => {
  it('recovers a daily sine and a linear trend from four weeks of noisy data', () => {
    const { y, trend, parts } = series(4 * 168, [daily], 1);
    const fit = stl(y, { period: 24, seasonalWindow: 11 });
    // Amplitude 20, noise σ 1: each point of the component within about one σ.
    expect(maxAbs(fit.seasonal, parts[0], 24, y.length - 24)).toBeLessThan(1.2);
    expect(maxAbs(fit.trend, trend, 24, y.length - 24)).toBeLessThan(0.6);
    // Seasonal plus trend leave only the noise.
    const remainder = y.map((v, t) => v - fit.seasonal[t] - fit.trend[t]);
    const sd = Math.sqrt(remainder.reduce((s, r) => s + r * r, 0) / y.length);
    expect(sd).toBeGreaterThan(0.7);
    expect(sd).toBeLessThan(1.2);
  });

  it('is exact on a noiseless seasonal series around a constant', () => {
    const y = Float64Array.from({ length: 240 }, (_, t) => 50 + daily(t));
    const fit = stl(y, { period: 24, seasonalWindow: 11 });
    expect(
      maxAbs(
        fit.seasonal,
        y.map((v) => v - 50),
      ),
    ).toBeLessThan(0.01);
    expect(maxAbs(fit.trend, new Float64Array(240).fill(50))).toBeLessThan(0.01);
  });

  it('rejects fewer than two periods and a fractional period', () => {
    expect(() => stl(new Float64Array(47), { period: 24, seasonalWindow: 11 })).toThrow(RangeError);
    expect(() => stl(new Float64Array(100), { period: 2.5, seasonalWindow: 11 })).toThrow(
      RangeError,
    );
  });
});

describe('mstl', () => {
  it('separates a daily and a weekly component (periods given in any order)', () => {
    const { y, trend, parts } = series(8 * 168, [daily, weekly], 1, 5);
    const fit = mstl(y, [168, 24]);
    expect(fit.periods).toEqual([24, 168]);
    const inner = [168, y.length - 168] as const;
    expect(maxAbs(fit.seasonals[0], parts[0], ...inner)).toBeLessThan(1.5);
    expect(maxAbs(fit.seasonals[1], parts[1], ...inner)).toBeLessThan(1.5);
    // Trend plus remainder: the noise (σ 1) stays in it.
    expect(maxAbs(fit.deseasonalised, trend, ...inner)).toBeLessThan(4);
    // The deseasonalised series is the data minus every component.
    const rebuilt = fit.deseasonalised.map((v, t) => v + fit.seasonals[0][t] + fit.seasonals[1][t]);
    expect(maxAbs(rebuilt, y)).toBeLessThan(1e-9);
  });

  it('drops periods longer than half the series, as augurs does', () => {
    const { y } = series(200, [daily], 1);
    expect(mstl(y, [24, 168]).periods).toEqual([24]);
    expect(() => mstl(y, [168])).toThrow(RangeError);
  });
});
