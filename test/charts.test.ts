import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import {
  dailyPeakPoints,
  FORECAST_CHART_SIZE,
  heldAtStepStarts,
  PLAN_CHART_SIZE,
  renderForecastChart,
  renderPlanChart,
  formatTick,
} from '../src/report/charts.js';
import type { CapacityPlan, CapacitySettings, Forecast, Schedule, Series } from '../src/types.js';
import { loadUnit } from '../src/util/format.js';

const HOUR = 3_600_000;
const START = Date.UTC(2024, 4, 6);

function dailyLoad(hourIndex: number): number {
  return 400 + 250 * Math.sin(((hourIndex % 24) - 9) * ((2 * Math.PI) / 24)) + 0.3 * hourIndex;
}

const historyLength = 21 * 24;
const history: Series = {
  name: 'requests',
  start: START,
  stepMs: HOUR,
  values: Float64Array.from({ length: historyLength }, (_, i) =>
    // A half-day gap, which must not break rendering.
    i >= 400 && i < 412 ? NaN : dailyLoad(i) + 25 * Math.sin(i * 1.7),
  ),
};

const horizon = 7 * 24;
const point = Float64Array.from({ length: horizon }, (_, i) => dailyLoad(historyLength + i));
const forecast: Forecast = {
  model: 'seasonal-naive',
  start: START + historyLength * HOUR,
  stepMs: HOUR,
  point,
  lower: point.map((v, i) => v - 60 - 0.3 * i),
  upper: point.map((v, i) => v + 70 + 0.3 * i),
  quantile: 0.9,
  intervalMethod: 'empirical quantiles of 336 backtest errors',
};

const settings: CapacitySettings = {
  capacityPerServer: 100,
  targetUtilization: 0.7,
  headroom: 0,
  baseServers: 0,
  minServers: 1,
  maxServers: 12,
  rounding: 'ceil',
  planOn: 'upper',
  risk: 0.01,
  peakUtilization: 1,
};
const servers = Float64Array.from(forecast.upper, (load) =>
  Math.min(settings.maxServers, Math.max(settings.minServers, Math.ceil(load / 70))),
);
const plan: CapacityPlan = {
  start: forecast.start,
  stepMs: HOUR,
  forecast: forecast.point,
  plannedLoad: forecast.upper,
  servers,
  settings,
  cappedSteps: forecast.upper.filter((load) => Math.ceil(load / 70) > 12).length,
};

const options = { zone: 'Europe/Berlin', unit: 'req/s' };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function expectPng(png: Buffer, size: { width: number; height: number }): void {
  expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  expect(png.readUInt32BE(16)).toBe(size.width);
  expect(png.readUInt32BE(20)).toBe(size.height);
}

type Rgb = [number, number, number];

/** Decodes a PNG and returns a pixel reader. */
async function decode(png: Buffer): Promise<{
  at: (x: number, y: number) => Rgb;
  count: (
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    test: (x: number, y: number) => boolean,
  ) => number;
}> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data, width, height } = ctx.getImageData(0, 0, image.width, image.height);
  const at = (x: number, y: number): Rgb => {
    if (x < 0 || y < 0 || x >= width || y >= height) return [255, 255, 255];
    const i = (y * width + x) * 4;
    return [data[i], data[i + 1], data[i + 2]];
  };
  const count = (
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    test: (x: number, y: number) => boolean,
  ): number => {
    let n = 0;
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (test(x, y)) n++;
    return n;
  };
  return { at, count };
}

const isWhite = ([r, g, b]: Rgb): boolean => r > 250 && g > 250 && b > 250;
/** The band's fill, rgba(37, 99, 235, 0.16) over white ≈ (220, 230, 252). */
const isBandFill = ([r, g, b]: Rgb): boolean =>
  Math.abs(r - 220) <= 6 && Math.abs(g - 230) <= 6 && b >= 246;
/** Capacity line (#16a34a). */
const isGreen = ([r, g, b]: Rgb): boolean => g > 120 && g - r > 60 && g - b > 40;
/** Server-count line (#7c3aed). */
const isPurple = ([r, g, b]: Rgb): boolean => b > 200 && r > 90 && r < 160 && g < 100;

describe('renderForecastChart', () => {
  const png = renderForecastChart(history, forecast, options);

  it('renders a PNG of the declared size', () => {
    expectPng(png, FORECAST_CHART_SIZE);
  });

  it('fills the band over the forecast period only, on a white background', async () => {
    const { at, count } = await decode(png);
    expect(isWhite(at(2, 2))).toBe(true);
    const { width, height } = FORECAST_CHART_SIZE;
    // Inside a filled area, not on an anti-aliased edge of a line that happens to match the colour.
    const inBand = (x: number, y: number): boolean =>
      [at(x, y), at(x - 2, y), at(x + 2, y), at(x, y - 2), at(x, y + 2)].every(isBandFill);
    // 14 days of history then 7 of forecast: the band lies in the right third of the plot.
    const third = Math.floor(width / 3);
    expect(count(2 * third, 100, width, height - 80, inBand)).toBeGreaterThan(1_000);
    expect(count(0, 100, third, height - 80, inBand)).toBe(0);
  });

  it('is a pure function of its inputs, whatever was drawn before on the same canvas size', () => {
    expect(renderForecastChart(history, forecast, options).equals(png)).toBe(true);
    // Another chart of the same size in between (the canvas is reused) leaves nothing behind.
    const other = renderForecastChart(
      history,
      { ...forecast, upper: forecast.upper.map((v) => v * 3) },
      options,
    );
    expect(other.equals(png)).toBe(false);
    expect(renderForecastChart(history, forecast, options).equals(png)).toBe(true);
  });

  it('handles a history shorter than 14 days and an empty history', () => {
    const short = { ...history, values: history.values.slice(-48) };
    expectPng(renderForecastChart(short, forecast, options), FORECAST_CHART_SIZE);
    const empty = { ...history, values: new Float64Array(0) };
    expectPng(renderForecastChart(empty, forecast, options), FORECAST_CHART_SIZE);
  });

  it('rejects an unknown time zone', () => {
    expect(() => renderForecastChart(history, forecast, { zone: 'Mars/Olympus' })).toThrow(
      /time zone/,
    );
  });
});

describe('renderPlanChart', () => {
  const png = renderPlanChart(forecast, plan, options);

  it('renders a PNG of the declared size', () => {
    expectPng(png, PLAN_CHART_SIZE);
  });

  it('composes both panels: capacity on top, server count below', async () => {
    const { at, count } = await decode(png);
    const { width, height } = PLAN_CHART_SIZE;
    const where = (test: (p: Rgb) => boolean) => (x: number, y: number) => test(at(x, y));
    const split = Math.round(height * 0.6);
    // Below the header and the one legend (which shows every line's swatch).
    const plots = 100;
    expect(count(0, plots, width, split, where(isGreen))).toBeGreaterThan(1_000);
    expect(count(0, split, width, height, where(isGreen))).toBe(0);
    expect(count(0, split, width, height, where(isPurple))).toBeGreaterThan(1_000);
    expect(count(0, plots, width, split, where(isPurple))).toBe(0);
    // Not a single colour, and white where nothing is drawn.
    expect(isWhite(at(2, 2))).toBe(true);
    expect(count(0, 0, width, height, (x, y) => !isWhite(at(x, y)))).toBeGreaterThan(20_000);
  });

  it('is a pure function of its inputs', () => {
    expect(renderPlanChart(forecast, plan, options).equals(png)).toBe(true);
  });
});

describe('plan chart over long horizons: each local day’s peak', () => {
  it('cuts days at local midnight, 23 hours on the spring DST day, and keeps each day’s largest value', () => {
    // 2024-03-09 00:00 New York (EST, UTC−5) for three days, hourly: the 10th has 23 hours.
    const start = Date.UTC(2024, 2, 9, 5);
    const values = Float64Array.from({ length: 24 + 23 + 24 }, (_, i) => i);
    const points = dailyPeakPoints(start, HOUR, values, 'America/New_York');
    expect(points.map((p) => new Date(p.x).toISOString())).toEqual([
      '2024-03-09T05:00:00.000Z',
      '2024-03-10T05:00:00.000Z',
      '2024-03-11T04:00:00.000Z',
      '2024-03-12T04:00:00.000Z',
    ]);
    expect(points.map((p) => p.y)).toEqual([23, 46, 70, 70]);
  });

  it('skips missing values, and a day with none stays a gap', () => {
    const values = Float64Array.from({ length: 72 }, (_, i) => (i >= 24 && i < 48 ? NaN : i % 5));
    const points = dailyPeakPoints(START, HOUR, values, 'UTC');
    expect(points.map((p) => p.y)).toEqual([4, NaN, 4, 4]);
  });
});

describe('the unit charts name the load in', () => {
  it('is --unit, else the value column unless that name says nothing', () => {
    expect(loadUnit('requests/s', 'value')).toBe('requests/s');
    expect(loadUnit(undefined, 'passengers')).toBe('passengers');
    expect(loadUnit(undefined, 'value')).toBe('load');
    expect(loadUnit(undefined, ' Value ')).toBe('load');
  });
});

describe('axis ticks', () => {
  it.each([
    [0, '0'],
    [850, '850'],
    [999_999, '999,999'],
    [1_500_000, '1.5M'],
    [25_000_000, '25M'],
    [5_000_000_000, '5B'],
  ])('%d reads %s: never wider than the axis', (value, text) => {
    expect(formatTick(value)).toBe(text);
  });
});

describe('the capacity in the plan chart is what the applied schedule holds', () => {
  const H = 3_600_000;
  const plan = { start: 0, stepMs: H, servers: Float64Array.from([3, 3, 5, 5, 2]) } as CapacityPlan;
  const entry = (timestamp: number, capacity: number) =>
    ({ timestamp, capacity, change: 0, action: 'scale_up' }) as Schedule['entries'][number];

  it('as each step starts: a scale-up led 5 minutes early counts from the step it leads into', () => {
    const schedule = {
      start: 0,
      end: 5 * H,
      stepMs: H,
      entries: [entry(0, 3), entry(2 * H - 5 * 60_000, 5), entry(4 * H, 4)],
    } as Schedule;
    expect(Array.from(heldAtStepStarts(schedule, plan))).toEqual([3, 3, 5, 5, 4]);
  });
});
