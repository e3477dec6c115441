import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AutoETS, initSync } from '@bsull/augurs/ets';
import { beforeAll, describe, expect, it } from 'vitest';
import { gaussian, mulberry32 } from '../src/data/synthetic.js';
import { autoEts, etsForecast, nelderMead } from '../src/models/ets.js';

function noisy(n: number, at: (t: number) => number, sd: number, seed = 9): Float64Array {
  const normal = gaussian(mulberry32(seed));
  return Float64Array.from({ length: n }, (_, t) => at(t) + sd * normal());
}

beforeAll(() => {
  const entry = createRequire(import.meta.url).resolve('@bsull/augurs/ets');
  initSync({ module: readFileSync(join(dirname(entry), 'ets_bg.wasm')) });
});

function augursForecast(y: Float64Array, horizon: number): number[] {
  const model = new AutoETS(1, 'ZZN');
  try {
    model.fit(y);
    return model.predict(horizon).point;
  } finally {
    model.free();
  }
}

describe('autoEts', () => {
  it('keeps a flat level for a level series and forecasts it flat', () => {
    const y = noisy(500, () => 40, 2);
    const model = autoEts(y);
    expect(model?.kind).toBe('ANN');
    const forecast = etsForecast(model!, 24);
    expect(new Set(forecast).size).toBe(1);
    expect(Math.abs(forecast[0] - 40)).toBeLessThan(1);
  });

  it('follows a linear trend with a slope and forecasts it onwards', () => {
    const y = noisy(400, (t) => 10 + 0.5 * t, 1);
    const model = autoEts(y)!;
    expect(model.kind === 'AAN' || model.kind === 'AAdN').toBe(true);
    expect(model.beta).toBeLessThanOrEqual(model.alpha);
    const forecast = etsForecast(model, 20);
    if (model.kind === 'AAN') expect(model.slope).toBeCloseTo(0.5, 1);
    // Within a few σ of the line 20 steps on.
    expect(Math.abs(forecast[19] - (10 + 0.5 * 419))).toBeLessThan(4);
    // In-sample one-step forecasts: residuals about the noise's σ.
    const sse = y.reduce((s, v, t) => s + (v - model.fitted[t]) ** 2, 0);
    expect(Math.sqrt(sse / y.length)).toBeLessThan(1.2);
  });

  it('damps a slope that flattens out', () => {
    // A slope that halves every 50 steps: the damped trend fits it best.
    const y = noisy(300, (t) => 100 - 200 * 0.986 ** t, 0.3, 4);
    const model = autoEts(y)!;
    expect(model.kind).toBe('AAdN');
    expect(model.phi).toBeGreaterThanOrEqual(0.8);
    expect(model.phi).toBeLessThanOrEqual(0.98);
  });

  it('forecasts as augurs AutoETS does on level, trend and random-walk series', () => {
    const cases = [
      noisy(600, () => 40, 2, 1),
      noisy(600, (t) => 10 + 0.2 * t, 3, 2),
      Float64Array.from(noisy(600, () => 0, 1, 3)).map(
        (_, t, a) => 500 + a.slice(0, t).reduce((s, v) => s + v, 0),
      ),
    ];
    for (const y of cases) {
      const ours = etsForecast(autoEts(y)!, 48);
      const theirs = augursForecast(y, 48);
      const spread = Math.max(...y) - Math.min(...y);
      for (let h = 0; h < 48; h++)
        expect(Math.abs(ours[h] - theirs[h])).toBeLessThan(0.05 * spread);
    }
  });

  it('needs more than six values, as augurs does', () => {
    expect(autoEts(Float64Array.from([1, 2, 3, 4, 5, 6]))).toBeUndefined();
    const line = autoEts(Float64Array.from([1, 2, 3, 4, 5, 6, 7]));
    expect(line?.kind).toBe('AAN');
    expect(etsForecast(line!, 1)[0]).toBeCloseTo(8, 3);
  });
});

describe('nelderMead', () => {
  it('finds a bounded minimum, at the bound when the free one lies outside', () => {
    const inside = nelderMead(
      ([x, y]) => (x - 0.3) ** 2 + 10 * (y - 0.7) ** 2,
      [0.5, 0.5],
      [0, 0],
      [1, 1],
      [0.1, 0.1],
    );
    expect(inside.x[0]).toBeCloseTo(0.3, 3);
    expect(inside.x[1]).toBeCloseTo(0.7, 3);
    const clamped = nelderMead(([x]) => (x - 2) ** 2, [0.5], [0], [1], [0.1]);
    expect(clamped.x[0]).toBeCloseTo(1, 6);
  });
});
