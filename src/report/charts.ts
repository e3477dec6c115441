/**
 * PNG charts for reports: the load forecast with its planning band, and the capacity plan (planned
 * load vs. provisioned capacity, plus the server count). Rendered headlessly with Chart.js on
 * @napi-rs/canvas, with the bundled Inter font so output does not depend on system fonts.
 * Pure functions of their inputs: no clock, no file writes.
 */
import { createRequire } from 'node:module';
import { type Canvas, createCanvas, GlobalFonts } from '@napi-rs/canvas';
import {
  Chart,
  type ChartConfiguration,
  type ChartDataset,
  type ChartItem,
  type Plugin,
  registerables,
  type Scale,
  type ScriptableScaleContext,
  type Tick,
} from 'chart.js';
import 'chartjs-adapter-luxon';
import { DateTime } from 'luxon';
import { formatShare } from '../capacity/servers.js';
import { UserError } from '../errors.js';
import { demandQuantile } from '../evaluate/predictive.js';
import { zoneOffsetMinutes } from '../util/zone-offset.js';
import type { CapacityPlan, Forecast, Schedule, Series } from '../types.js';
import { canvasPng } from './png.js';

export interface ChartOptions {
  /** IANA zone the time axis is displayed in, e.g. "UTC" or "Europe/Berlin". */
  zone: string;
  /** Name of the load unit, used in y-axis titles; default "load". */
  unit?: string;
  title?: string;
}

export const FORECAST_CHART_SIZE = { width: 1200, height: 600 };
export const PLAN_CHART_SIZE = { width: 1200, height: 800 };

/** How much history the forecast chart shows before the forecast. */
const HISTORY_TAIL_MS = 14 * 86_400_000;
/** Plan chart: the server-count panel's share of the plot height; the rest is the load's. */
const PLAN_SERVERS_WEIGHT = 0.32;
/** Fixed y-axis width in the plan chart, so that both panels' plot areas line up. */
const PLAN_Y_AXIS_WIDTH = 76;
/** Room on the right for the last tick label, equal in both panels (keeps them aligned). */
export const RIGHT_PADDING = 40;
const LOCALE = 'en-US';

/** A data point; x in epoch ms, y NaN where missing (Chart.js leaves a gap). */
export interface Point {
  x: number;
  y: number;
}
export type LineOptions = NonNullable<ChartConfiguration<'line', Point[]>['options']>;
export type AxisOptions = NonNullable<LineOptions['scales']>[string];

export const COLORS = {
  text: '#334155',
  muted: '#64748b',
  grid: '#e5eaf0',
  gridMinor: '#f3f5f8',
  gridMajor: '#c4cfdc',
  history: '#475569',
  forecast: '#2563eb',
  band: 'rgba(37, 99, 235, 0.16)',
  bandEdge: 'rgba(37, 99, 235, 0.35)',
  planned: '#ea580c',
  capacity: '#16a34a',
  capacityPeak: '#15803d',
  servers: '#7c3aed',
  serversFill: 'rgba(124, 58, 237, 0.12)',
  limit: '#dc2626',
  marker: '#94a3b8',
};

let initialised = false;

/** Registers Chart.js components and the bundled Inter font, once per process. */
export function initialise(): void {
  if (initialised) return;
  Chart.register(...registerables);
  const require = createRequire(import.meta.url);
  for (const weight of [400, 600]) {
    const file = require.resolve(`@fontsource/inter/files/inter-latin-${weight}-normal.woff2`);
    if (!GlobalFonts.registerFromPath(file, 'Inter')) {
      throw new Error(`could not register chart font ${file}`);
    }
  }
  Chart.defaults.font.family = 'Inter';
  initialised = true;
}

// ---------------------------------------------------------------------------------------------
// Data helpers

/** Chart.js points for a regular series; non-finite values become NaN, which Chart.js skips. */
export function toPoints(
  start: number,
  stepMs: number,
  values: ArrayLike<number>,
  from = 0,
  to = values.length,
): Point[] {
  const out: Point[] = [];
  for (let i = from; i < to; i++) {
    const v = values[i];
    out.push({ x: start + i * stepMs, y: Number.isFinite(v) ? v : NaN });
  }
  return out;
}

/**
 * Points for a stepped line whose value at t holds until t + stepMs: one extra point at the end
 * so that the last step is drawn over its full interval.
 */
export function toStepPoints(start: number, stepMs: number, values: ArrayLike<number>): Point[] {
  const out = toPoints(start, stepMs, values);
  if (out.length > 0) out.push({ x: start + out.length * stepMs, y: out[out.length - 1].y });
  return out;
}

/** How the plan chart turns a series on the plan's grid into points (see planSteps). */
type Steps = (start: number, stepMs: number, values: ArrayLike<number>) => Point[];

/** Plans longer than this are drawn as each local day's peak: hourly steps would be a smear. */
export const DAILY_PEAKS_AFTER_MS = 14 * 86_400_000;

/**
 * Each local day of `zone` (midnight to midnight, 23 or 25 hours across a DST change) as one step
 * at the day's largest value, with a closing point at the last day's end.
 */
export function dailyPeakPoints(
  start: number,
  stepMs: number,
  values: ArrayLike<number>,
  zone: string,
): Point[] {
  const out: Point[] = [];
  let day = NaN;
  const dayStart = (t: number) => {
    const offset = (zoneOffsetMinutes(t, zone) ?? 0) * 60_000;
    const midnight = Math.floor((t + offset) / 86_400_000) * 86_400_000;
    return midnight - (zoneOffsetMinutes(midnight - offset, zone) ?? 0) * 60_000;
  };
  for (let i = 0; i < values.length; i++) {
    const t = start + i * stepMs;
    const at = dayStart(t);
    if (at !== day) {
      day = at;
      out.push({ x: at, y: NaN });
    }
    const v = values[i];
    const last = out[out.length - 1];
    if (Number.isFinite(v) && !(v <= last.y)) last.y = v;
  }
  if (out.length > 0) {
    const end = start + values.length * stepMs;
    out.push({ x: dayStart(end - 1) + 86_400_000, y: out[out.length - 1].y });
  }
  return out;
}

/**
 * The plan chart draws every series as steps on the plan's grid, the forecast too, so that a
 * rising forecast is not drawn crossing a capacity step it does not cross; plans longer than two
 * weeks as daily peaks.
 */
export function planSteps(plan: CapacityPlan, zone: string): { steps: Steps; daily: boolean } {
  const daily = plan.servers.length * plan.stepMs > DAILY_PEAKS_AFTER_MS;
  return {
    daily,
    steps: daily
      ? (start, stepMs, values) => dailyPeakPoints(start, stepMs, values, zone)
      : toStepPoints,
  };
}

export function xRange(...series: Point[][]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const points of series) {
    for (const p of points) {
      if (p.x < min) min = p.x;
      if (p.x > max) max = p.x;
    }
  }
  if (!Number.isFinite(min)) return { min: 0, max: 86_400_000 };
  if (max <= min) return { min: min - 3_600_000, max: min + 3_600_000 };
  return { min, max };
}

/** 0.9 → "90", 0.975 → "97.5": percentages without float noise. */
export function percent(fraction: number): string {
  return String(Math.round(fraction * 1000) / 10);
}

export function bandLabel(quantile: number): string {
  const lo = Math.min(quantile, 1 - quantile);
  const hi = Math.max(quantile, 1 - quantile);
  return `${percent(lo)}–${percent(hi)}% band`;
}

const NUMBER_FORMAT = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 });
const COMPACT_FORMAT = new Intl.NumberFormat(LOCALE, {
  notation: 'compact',
  maximumSignificantDigits: 3,
});

export function formatNumber(value: number): string {
  return NUMBER_FORMAT.format(value);
}

/**
 * An axis tick: digits in full up to 999,999, then 1.5M, 2.5B, so that a tick never outgrows the
 * axis (five billion in full is wider than the axis and was cut).
 */
export function formatTick(value: number): string {
  return Math.abs(value) >= 1e6 ? COMPACT_FORMAT.format(value) : NUMBER_FORMAT.format(value);
}

// ---------------------------------------------------------------------------------------------
// Time axis: ticks at wall-clock boundaries in the display zone. Chart.js's own tick generation
// aligns ticks to the first data point (e.g. 05:00, 17:00) and auto-skips irregularly, so the
// ticks are built here: labelled ticks, lighter unlabelled gridlines in between, and a darker
// gridline at day (or week) starts.

type Unit = 'hour' | 'day' | 'week' | 'month';
interface Spacing {
  unit: Unit;
  step: number;
}
interface TickLayout {
  label: Spacing;
  minor?: Spacing;
}
type TickKind = 'minor' | 'label' | 'emphasis';

const DAY_MS = 86_400_000;

/** At most ~23 labels on a 1,100 px plot, so that two-line labels never collide. */
function tickLayout(spanMs: number): TickLayout {
  const days = spanMs / DAY_MS;
  if (days <= 1.5) return { label: { unit: 'hour', step: 3 }, minor: { unit: 'hour', step: 1 } };
  if (days <= 3) return { label: { unit: 'hour', step: 6 }, minor: { unit: 'hour', step: 3 } };
  if (days <= 10) return { label: { unit: 'day', step: 1 }, minor: { unit: 'hour', step: 6 } };
  if (days <= 22) return { label: { unit: 'day', step: 1 } };
  if (days <= 70) return { label: { unit: 'week', step: 1 }, minor: { unit: 'day', step: 1 } };
  if (days <= 400) return { label: { unit: 'month', step: 1 }, minor: { unit: 'week', step: 1 } };
  return { label: { unit: 'month', step: 3 }, minor: { unit: 'month', step: 1 } };
}

/** Boundaries of `spacing` in [min, max], in `zone`'s wall-clock time. */
function boundaries(min: number, max: number, zone: string, spacing: Spacing): DateTime[] {
  const { unit, step } = spacing;
  const out: DateTime[] = [];
  const first = DateTime.fromMillis(min, { zone, locale: LOCALE });
  if (unit === 'hour') {
    for (let day = first.startOf('day'); day.toMillis() <= max; day = day.plus({ days: 1 })) {
      // set() keeps wall-clock hours on DST-change days, unlike adding elapsed hours.
      for (let h = 0; h < 24; h += step) out.push(day.set({ hour: h }));
    }
  } else if (unit === 'month') {
    // Steps of several months start at a quarter or half-year boundary.
    let t = first.startOf('year');
    while (t.plus({ months: step }).toMillis() <= min) t = t.plus({ months: step });
    for (; t.toMillis() <= max; t = t.plus({ months: step })) out.push(t);
  } else {
    const span = unit === 'week' ? { weeks: step } : { days: step };
    for (let t = first.startOf(unit); t.toMillis() <= max; t = t.plus(span)) out.push(t);
  }
  return out.filter((t) => t.toMillis() >= min && t.toMillis() <= max);
}

function isEmphasised(t: DateTime, unit: Unit): boolean {
  if (unit === 'hour') return t.hour === 0 && t.minute === 0;
  if (unit === 'day') return t.weekday === 1;
  return false;
}

/** The axis's ticks (sorted) and what kind of gridline each one gets. */
function timeTicks(min: number, max: number, zone: string): Map<number, TickKind> {
  const layout = tickLayout(max - min);
  const kinds = new Map<number, TickKind>();
  if (layout.minor) {
    for (const t of boundaries(min, max, zone, layout.minor)) kinds.set(t.toMillis(), 'minor');
  }
  for (const t of boundaries(min, max, zone, layout.label)) {
    kinds.set(t.toMillis(), isEmphasised(t, layout.label.unit) ? 'emphasis' : 'label');
  }
  return new Map([...kinds].sort((a, b) => a[0] - b[0]));
}

/** `withDate`: an hour label that also names the day (midnight, or the first label). */
function tickLabel(ms: number, unit: Unit, zone: string, withDate: boolean): string | string[] {
  const t = DateTime.fromMillis(ms, { zone, locale: LOCALE });
  switch (unit) {
    case 'hour':
      return withDate ? [t.toFormat('HH:mm'), t.toFormat('ccc MMM d')] : t.toFormat('HH:mm');
    case 'day':
      return [t.toFormat('ccc'), t.toFormat('MMM d')];
    case 'week':
      return t.toFormat('MMM d');
    case 'month':
      return t.toFormat('MMM yyyy');
  }
}

/** The chart's bold title and grey subtitle, left-aligned; no subtitle line when it is empty. */
export function header(title: string, subtitle: string) {
  return {
    title: {
      display: true,
      text: title,
      align: 'start' as const,
      font: titleFont,
      color: COLORS.text,
      padding: { top: 0, bottom: subtitle ? 2 : 8 },
    },
    subtitle: {
      display: subtitle !== '',
      text: subtitle,
      align: 'start' as const,
      color: COLORS.muted,
      padding: { bottom: 8 },
    },
  };
}

export function timeAxis(
  range: { min: number; max: number },
  zone: string,
  showLabels: boolean,
): AxisOptions {
  const { unit } = tickLayout(range.max - range.min).label;
  const kinds = timeTicks(range.min, range.max, zone);
  const firstLabel = [...kinds].find(([, kind]) => kind !== 'minor')?.[0];
  const gridColors: Record<TickKind, string> = {
    minor: COLORS.gridMinor,
    label: COLORS.grid,
    emphasis: COLORS.gridMajor,
  };
  return {
    type: 'time',
    min: range.min,
    max: range.max,
    adapters: { date: { zone, locale: LOCALE } },
    // Chart.js generates its own ticks before afterBuildTicks replaces them; left to pick a unit
    // itself it can choose milliseconds for a panel without labels and throw on the count.
    time: { unit },
    afterBuildTicks: (scale: Scale) => {
      scale.ticks = [...kinds.keys()].map((value): Tick => ({ value }));
    },
    ticks: {
      display: showLabels,
      maxRotation: 0,
      // The ticks above are sized to fit. Chart.js auto-skips whenever source is 'auto', even
      // with autoSkip off; 'data' only changes the ticks that afterBuildTicks replaces.
      source: 'data',
      autoSkip: false,
      color: COLORS.text,
      callback: (value) => {
        const ms = Number(value);
        const kind = kinds.get(ms);
        if (kind === 'minor') return '';
        return tickLabel(ms, unit, zone, kind === 'emphasis' || ms === firstLabel);
      },
    },
    grid: {
      color: (ctx: ScriptableScaleContext) => gridColors[kinds.get(ctx.tick?.value) ?? 'label'],
      drawTicks: showLabels,
    },
    title: { display: showLabels, text: `time (${zone})`, color: COLORS.muted },
  };
}

export function valueAxis(
  title: string,
  extra: {
    integer?: boolean;
    suggestedMax?: number;
    unlabelledZero?: boolean;
    /** Its top label would sit under the panel above it and read as that panel's. */
    unlabelledTop?: boolean;
  } = {},
): AxisOptions {
  return {
    type: 'linear',
    beginAtZero: true,
    // Room above the highest value: a flat series would otherwise run along the top frame.
    grace: '5%',
    suggestedMax: extra.suggestedMax,
    ticks: {
      color: COLORS.text,
      precision: extra.integer ? 0 : undefined,
      callback: (value, index, ticks) =>
        (extra.unlabelledZero && value === 0) || (extra.unlabelledTop && index === ticks.length - 1)
          ? ''
          : formatTick(Number(value)),
    },
    grid: { color: COLORS.grid },
    border: { display: false },
    title: { display: true, text: title, color: COLORS.muted },
  };
}

// ---------------------------------------------------------------------------------------------
// Plugins and rendering

export const whiteBackground: Plugin<'line'> = {
  id: 'headroomWhiteBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** Dashed vertical line where the forecast starts, labelled "history" / "forecast" at the top. */
function forecastStartMarker(at: number): Plugin<'line'> {
  return {
    id: 'headroomForecastStart',
    afterDatasetsDraw(chart) {
      const { ctx, chartArea } = chart;
      const x = chart.scales.x.getPixelForValue(at);
      if (!(x > chartArea.left && x < chartArea.right)) return;
      ctx.save();
      ctx.strokeStyle = COLORS.marker;
      ctx.lineWidth = 1;
      ctx.setLineDash([5, 4]);
      ctx.beginPath();
      ctx.moveTo(Math.round(x) + 0.5, chartArea.top);
      ctx.lineTo(Math.round(x) + 0.5, chartArea.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = COLORS.muted;
      ctx.font = '11px Inter';
      ctx.textBaseline = 'top';
      ctx.textAlign = 'right';
      ctx.fillText('history', x - 6, chartArea.top + 4);
      ctx.textAlign = 'left';
      ctx.fillText('forecast', x + 6, chartArea.top + 4);
      ctx.restore();
    },
  };
}

export function requireValidZone(zone: string): void {
  if (!DateTime.fromMillis(0, { zone }).isValid) {
    throw new UserError(`unknown time zone "${zone}"`, 'use an IANA zone such as "Europe/Berlin"');
  }
}

/**
 * One canvas per size, reused chart after chart (a new 1200×800 canvas costs about 2.5 ms to
 * allocate): each chart paints it all over (whiteBackground) and is destroyed before the next.
 */
const canvases = new Map<string, Canvas>();

function reusedCanvas(width: number, height: number): Canvas {
  const key = `${width}×${height}`;
  let canvas = canvases.get(key);
  if (!canvas) {
    canvas = createCanvas(width, height);
    canvases.set(key, canvas);
  }
  return canvas;
}

/** Renders a chart on a canvas, hands the canvas to `use`, then destroys the chart. */
export function withChart<T>(
  width: number,
  height: number,
  config: ChartConfiguration<'line', Point[]>,
  use: (canvas: Canvas) => T,
): T {
  const canvas = reusedCanvas(width, height);
  // @napi-rs/canvas's context implements the 2D API Chart.js uses but is not the DOM type.
  const chart = new Chart(canvas.getContext('2d') as unknown as ChartItem, config);
  try {
    // Use the canvas before destroy(): destroying a chart clears its canvas.
    return use(canvas);
  } finally {
    chart.destroy();
  }
}

export const baseOptions: LineOptions = {
  responsive: false,
  animation: false,
  devicePixelRatio: 1,
  locale: LOCALE,
  events: [],
  color: COLORS.text,
  elements: { point: { radius: 0, hoverRadius: 0 }, line: { tension: 0 } },
};

const titleFont = { size: 18, weight: 600 } as const;

export function legendOptions(hidden: (datasetIndex: number) => boolean = () => false) {
  return {
    position: 'top' as const,
    align: 'start' as const,
    labels: {
      color: COLORS.text,
      usePointStyle: true,
      boxWidth: 28,
      boxHeight: 10,
      padding: 16,
      filter: (item: { datasetIndex?: number }) => !hidden(item.datasetIndex ?? -1),
      // Dataset order, not drawing order (`order`), which Chart.js would use otherwise.
      sort: (a: { datasetIndex?: number }, b: { datasetIndex?: number }) =>
        (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0),
    },
  };
}

export function line(
  label: string,
  data: Point[],
  color: string,
  extra: Partial<ChartDataset<'line', Point[]>> = {},
): ChartDataset<'line', Point[]> {
  return {
    label,
    data,
    borderColor: color,
    backgroundColor: color,
    borderWidth: 2,
    pointRadius: 0,
    pointStyle: 'line',
    spanGaps: false,
    fill: false,
    ...extra,
  };
}

/** A one-panel chart: its lines, axes and header; the look around them is the same for all. */
export interface PanelSpec {
  datasets: ChartDataset<'line', Point[]>[];
  scales: LineOptions['scales'];
  title: string;
  subtitle: string;
  /** Datasets left out of the legend, by index. */
  hidden?: (datasetIndex: number) => boolean;
  /** Drawn on top of the white background. */
  plugins?: Plugin<'line'>[];
  /** Room on the right; default RIGHT_PADDING, for the last time label. */
  rightPadding?: number;
}

/** A one-panel line chart on white, with the header and legend on top and no tooltips. */
export function panelConfig(spec: PanelSpec): ChartConfiguration<'line', Point[]> {
  return {
    type: 'line',
    data: { datasets: spec.datasets },
    options: {
      ...baseOptions,
      layout: {
        padding: { left: 12, right: spec.rightPadding ?? RIGHT_PADDING, top: 12, bottom: 8 },
      },
      scales: spec.scales,
      plugins: {
        ...header(spec.title, spec.subtitle),
        legend: legendOptions(spec.hidden),
        tooltip: { enabled: false },
      },
    },
    plugins: [whiteBackground, ...(spec.plugins ?? [])],
  };
}

/** A one-panel chart (see panelConfig) as a `size` PNG. */
export function renderPanel(size: { width: number; height: number }, spec: PanelSpec): Buffer {
  return withChart(size.width, size.height, panelConfig(spec), canvasPng);
}

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * History tail (last 14 days), point forecast and its planning band, as a 1200×600 PNG.
 */
export function renderForecastChart(
  history: Series,
  forecast: Forecast,
  options: ChartOptions,
): Buffer {
  initialise();
  requireValidZone(options.zone);
  const unit = options.unit ?? 'load';

  const n = history.values.length;
  const tail = Math.min(n, Math.max(1, Math.ceil(HISTORY_TAIL_MS / history.stepMs)));
  const historyPoints = toPoints(history.start, history.stepMs, history.values, n - tail, n);
  const point = toPoints(forecast.start, forecast.stepMs, forecast.point);
  const lower = toPoints(forecast.start, forecast.stepMs, forecast.lower);
  const upper = toPoints(forecast.start, forecast.stepMs, forecast.upper);
  const range = xRange(historyPoints, point, lower, upper);

  // Dataset indices matter: the band's upper edge fills to dataset index LOWER ("-1").
  const LOWER = 2;
  const datasets: ChartDataset<'line', Point[]>[] = [
    line('history', historyPoints, COLORS.history, { borderWidth: 1.5, order: 1 }),
    line(`forecast (${forecast.model})`, point, COLORS.forecast, { order: 0 }),
    line('band lower', lower, COLORS.bandEdge, { borderWidth: 1, order: 2 }),
    line(bandLabel(forecast.quantile), upper, COLORS.bandEdge, {
      borderWidth: 1,
      backgroundColor: COLORS.band,
      fill: '-1',
      pointStyle: 'rect',
      order: 2,
    }),
  ];

  const subtitle = forecast.intervalMethod
    ? `${bandLabel(forecast.quantile)}: ${forecast.intervalMethod}`
    : '';
  return renderPanel(FORECAST_CHART_SIZE, {
    datasets,
    scales: { x: timeAxis(range, options.zone, true), y: valueAxis(unit) },
    title: options.title ?? 'Load forecast',
    subtitle,
    hidden: (i) => i === LOWER,
    plugins: [forecastStartMarker(forecast.start)],
  });
}

/** The lines of the plan chart's top panel, and the time span both panels show. */
function planLoadLines(
  forecast: Forecast,
  plan: CapacityPlan,
  steps: Steps,
  applied?: Schedule,
): { datasets: ChartDataset<'line', Point[]>[]; range: { min: number; max: number } } {
  const s = plan.settings;
  const usable = s.capacityPerServer * s.targetUtilization;
  // The capacity that runs: the applied schedule's servers as each step starts (a scale-up led a
  // few minutes early is in place by then), or the hourly plan's when there is none.
  const running = applied ? heldAtStepStarts(applied, plan) : plan.servers;
  const capacity = Array.from(running, (count) => count * usable);
  const capacityPoints = steps(plan.start, plan.stepMs, capacity);
  const plannedPoints = steps(plan.start, plan.stepMs, plan.plannedLoad);
  const forecastPoints = steps(forecast.start, forecast.stepMs, forecast.point);
  const range = xRange(capacityPoints, plannedPoints, forecastPoints);
  const planned = plannedOnLine(forecast, plan, plannedPoints, steps);
  const fullUtilization = s.planOn === 'risk' ? 1 : s.peakUtilization;
  const showsFullCapacity = s.planOn === 'balanced' || s.planOn === 'risk';
  const fullCapacity = steps(
    plan.start,
    plan.stepMs,
    Array.from(running, (count) => count * s.capacityPerServer * fullUtilization),
  );
  const datasets = [
    line(`forecast (${forecast.model})`, forecastPoints, COLORS.forecast, {
      borderWidth: 1.5,
      stepped: 'before',
    }),
    ...(s.planOn === 'point'
      ? []
      : [
          line(planned.label, planned.points, COLORS.planned, {
            borderDash: [6, 4],
            stepped: 'before',
          }),
        ]),
    line(
      `capacity at ${percent(s.targetUtilization)}% utilisation`,
      capacityPoints,
      COLORS.capacity,
      { stepped: 'before', borderWidth: 2.5 },
    ),
    ...(showsFullCapacity
      ? [
          line(`capacity at ${percent(fullUtilization)}%`, fullCapacity, COLORS.capacityPeak, {
            stepped: 'before',
            borderWidth: 1.5,
            borderDash: [2, 3],
          }),
        ]
      : []),
  ];
  return { datasets, range };
}

/**
 * The line the plan was sized on, drawn against the capacity it must stay under. A risk budget
 * sizes for no single line: its (1 − budget) quantile is drawn for reference.
 */
function plannedOnLine(
  forecast: Forecast,
  plan: CapacityPlan,
  plannedPoints: Point[],
  steps: Steps,
): { label: string; points: Point[] } {
  const s = plan.settings;
  const riskQuantile = 1 - s.risk;
  const quantileLabel = `${percent(s.planOn === 'risk' ? riskQuantile : forecast.quantile)}% quantile`;
  const label =
    s.planOn === 'point'
      ? 'forecast (planned on)'
      : s.planOn === 'upper'
        ? `planned load (${quantileLabel})`
        : `${quantileLabel} of demand`;
  const distribution = forecast.distribution;
  const points =
    s.planOn === 'risk' && distribution
      ? steps(
          forecast.start,
          forecast.stepMs,
          forecast.point.map((p, i) =>
            demandQuantile(p, distribution.scale[i], distribution, riskQuantile),
          ),
        )
      : s.planOn === 'balanced'
        ? steps(forecast.start, forecast.stepMs, forecast.upper)
        : plannedPoints;
  return { label, points };
}

/** The plan chart's subtitle: the settings that turned load into servers, and what capped them. */
function planFacts(plan: CapacityPlan, unit: string): string {
  const s = plan.settings;
  return [
    `${formatNumber(s.capacityPerServer)} ${unit} per server`,
    `target utilisation ${percent(s.targetUtilization)}%`,
    ...(s.headroom !== 0 ? [`headroom ${percent(s.headroom)}%`] : []),
    ...(s.baseServers !== 0 ? [`base ${s.baseServers} servers`] : []),
    ...(s.planOn === 'risk' && plan.risk
      ? [
          `risk budget ${formatShare(s.risk)}: ${formatShare(plan.risk.expectedShortShare)} of hours expected above 100%`,
        ]
      : []),
    ...(plan.cappedSteps > 0
      ? [`${plan.cappedSteps} intervals capped at --max-servers ${s.maxServers}`]
      : []),
  ].join('  ·  ');
}

/** The two y axes get the same width, so that the load and servers plot areas line up. */
function planYAxisWidth(scale: Scale): void {
  scale.width = PLAN_Y_AXIS_WIDTH;
}

/** The applied (shaped) schedule's line in the servers panel. */
const APPLIED_COLOR = '#0f766e';
/** The y axis of the servers panel, stacked under the load's. */
const SERVERS_AXIS = 'servers';

/** The servers panel's lines: the hourly servers, the applied schedule, a limit that capped. */
function planServerLines(
  plan: CapacityPlan,
  range: { min: number; max: number },
  zone: string,
  applied?: Schedule,
): ChartDataset<'line', Point[]>[] {
  const s = plan.settings;
  const { steps, daily } = planSteps(plan, zone);
  const serverPoints = steps(plan.start, plan.stepMs, plan.servers);
  const onServers = { yAxisID: SERVERS_AXIS };
  const datasets = [
    line(applied ? 'servers (raw plan)' : 'servers', serverPoints, COLORS.servers, {
      ...onServers,
      stepped: 'before',
      ...(applied && { borderWidth: 1 }),
      fill: 'origin',
      backgroundColor: COLORS.serversFill,
      pointStyle: 'rect',
    }),
  ];
  if (applied) {
    // The change points a push applies, each holding until the next (as daily peaks when the
    // raw servers are).
    const points = daily
      ? steps(plan.start, plan.stepMs, mostPerStep(applied, plan))
      : applied.entries.map((e) => ({ x: e.timestamp, y: e.capacity }));
    if (!daily) points.push({ x: applied.end, y: applied.entries.at(-1)!.capacity });
    datasets.push(
      line('applied schedule (schedule.csv)', points, APPLIED_COLOR, {
        ...onServers,
        stepped: 'before',
        borderWidth: 2.5,
        // Drawn over the raw servers, which it mostly follows.
        order: -1,
      }),
    );
  }
  if (plan.cappedSteps > 0 && Number.isFinite(s.maxServers)) {
    const limit = [
      { x: range.min, y: s.maxServers },
      { x: range.max, y: s.maxServers },
    ];
    datasets.push(
      line(`max servers (${s.maxServers})`, limit, COLORS.limit, {
        ...onServers,
        borderWidth: 1.5,
        borderDash: [4, 4],
      }),
    );
  }
  return datasets;
}

/** The most servers a schedule holds during each step of the plan. */
/** The servers a schedule holds as each of the plan's steps starts. */
export function heldAtStepStarts(schedule: Schedule, plan: CapacityPlan): Float64Array {
  const held = new Float64Array(plan.servers.length);
  let next = 0;
  let count = schedule.entries[0].capacity;
  for (let i = 0; i < held.length; i++) {
    const start = plan.start + i * plan.stepMs;
    while (next < schedule.entries.length && schedule.entries[next].timestamp <= start) {
      count = schedule.entries[next++].capacity;
    }
    held[i] = count;
  }
  return held;
}

function mostPerStep(schedule: Schedule, plan: CapacityPlan): Float64Array {
  const most = new Float64Array(plan.servers.length);
  let held = schedule.entries[0].capacity;
  let next = 1;
  for (let i = 0; i < most.length; i++) {
    const end = plan.start + (i + 1) * plan.stepMs;
    most[i] = held;
    while (next < schedule.entries.length && schedule.entries[next].timestamp < end) {
      held = schedule.entries[next++].capacity;
      most[i] = Math.max(most[i], held);
    }
  }
  return most;
}

/**
 * A 1200×800 PNG of two panels on one time axis: forecast, planned load and the capacity the
 * servers give at target utilisation (top), and the server count (bottom); with `applied`, the
 * shaped schedule that push applies: its capacity above, and its line over the raw servers below.
 * One chart with two stacked y axes, so the panels share their layout and a legend.
 */
export function renderPlanChart(
  forecast: Forecast,
  plan: CapacityPlan,
  options: ChartOptions,
  applied?: Schedule,
): Buffer {
  initialise();
  requireValidZone(options.zone);
  const unit = options.unit ?? 'load';
  const { steps, daily } = planSteps(plan, options.zone);
  const { datasets, range } = planLoadLines(forecast, plan, steps, applied);
  const servers = planServerLines(plan, range, options.zone, applied);
  const maxServers = Math.max(...servers.flatMap((d) => d.data.map((p) => p.y)));
  const { width, height } = PLAN_CHART_SIZE;
  const config = panelConfig({
    datasets: [...datasets.map((d) => ({ ...d, yAxisID: 'y' })), ...servers],
    scales: {
      x: timeAxis(range, options.zone, true),
      // Stacked axes are laid out from the bottom: the servers first, the load above them.
      [SERVERS_AXIS]: {
        // Room above the highest step sets the panels apart.
        ...valueAxis('servers', {
          integer: true,
          suggestedMax: Math.ceil(maxServers * 1.15) + 1,
          unlabelledTop: true,
        }),
        stack: 'plan',
        stackWeight: PLAN_SERVERS_WEIGHT,
        afterFit: planYAxisWidth,
      },
      y: {
        // Its 0 would sit on the servers' top label.
        ...valueAxis(unit, { unlabelledZero: true }),
        stack: 'plan',
        stackWeight: 1 - PLAN_SERVERS_WEIGHT,
        afterFit: planYAxisWidth,
      },
    },
    title: options.title ?? (daily ? 'Capacity plan, daily peaks' : 'Capacity plan'),
    subtitle: planFacts(plan, unit),
  });
  return withChart(width, height, config, canvasPng);
}
