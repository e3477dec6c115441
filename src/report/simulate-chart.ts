/**
 * The simulate chart: over the replay's busiest week, demand against the capacity each policy's
 * warm servers serve at 100%, one panel per policy on a shared time axis, with the minutes where
 * demand exceeded it shaded red. Same look as the other charts (charts.ts). Pure: no clock, no
 * file writes.
 */
import { createCanvas } from '@napi-rs/canvas';
import type { ChartConfiguration, ChartDataset, Plugin, Scale } from 'chart.js';
import type { PolicyId } from '../simulate/policies.js';
import type { PolicyRun, SimulateResult } from '../simulate/run.js';
import { formatHours } from '../simulate/compare.js';
import {
  baseOptions,
  COLORS,
  type ChartOptions,
  formatNumber,
  header,
  initialise,
  legendOptions,
  line,
  type Point,
  requireValidZone,
  RIGHT_PADDING,
  timeAxis,
  valueAxis,
  whiteBackground,
  withChart,
} from './charts.js';
import { canvasPng } from './png.js';

export const SIMULATE_CHART_WIDTH = 1200;
const HEADER_HEIGHT = 64;
const PANEL_HEIGHT = 200;
/** The bottom panel also holds the time axis labels. */
const AXIS_HEIGHT = 46;
const Y_AXIS_WIDTH = 76;
const RIGHT_AXIS_WIDTH = 52;
/** At most this many points per demand line; capacity lines keep every change. */
const MAX_POINTS = 2400;

const DEMAND_COLOR = '#0f172a';
const SHORT_FILL = 'rgba(220, 38, 38, 0.45)';
const SHORT_BAND = 'rgba(220, 38, 38, 0.16)';
const SCHEDULE_COLOR = '#94a3b8';
export const POLICY_COLORS: Record<PolicyId, string> = {
  hpa: '#ea580c',
  step: '#0891b2',
  scheduled: '#7c3aed',
  predictive: '#16a34a',
};

export interface SimulateChartOptions extends ChartOptions {
  /** The span shown, [from, to) in epoch ms (within the replay). */
  from: number;
  to: number;
  /** The scheduled count at each tick (as pushed), drawn in the schedule-driven panels. */
  scheduled: Float64Array;
  /** Most servers the database's connections allow, drawn as a limit when given. */
  databaseServers?: number;
  /** The span shown is the replay's busiest (said in the subtitle). */
  busiest?: boolean;
  /** The warm-up, for the subtitle, e.g. "5m". */
  warmup?: string;
}

/** Points where a stepped value changes (plus the end), for `stepped: 'before'` lines. */
function stepPoints(
  start: number,
  tickMs: number,
  values: ArrayLike<number>,
  from: number,
  to: number,
  scale: number,
): Point[] {
  const out: Point[] = [];
  for (let k = from; k < to; k++) {
    if (k === from || values[k] !== values[k - 1])
      out.push({ x: start + k * tickMs, y: values[k] * scale });
  }
  if (to > from) out.push({ x: start + to * tickMs, y: values[to - 1] * scale });
  return out;
}

/** Demand every `every` ticks, and at every tick where some policy is short (so the fill is true). */
function demandPoints(
  start: number,
  tickMs: number,
  values: Float64Array,
  from: number,
  to: number,
  keep: (k: number) => boolean,
): Point[] {
  const every = Math.max(1, Math.ceil((to - from) / MAX_POINTS));
  const out: Point[] = [];
  for (let k = from; k < to; k++) {
    if ((k - from) % every === 0 || k === to - 1 || keep(k)) {
      out.push({ x: start + (k + 0.5) * tickMs, y: values[k] });
    }
  }
  return out;
}

/** [from, to) spans of ticks where demand exceeded the warm servers' capacity. */
function shortSpans(
  result: SimulateResult,
  warm: Float64Array,
  from: number,
  to: number,
): [number, number][] {
  const { demand } = result;
  const c = result.capacity.capacityPerServer;
  const spans: [number, number][] = [];
  for (let k = from; k < to; k++) {
    if (!demand.scored[k] || !(demand.values[k] > warm[k] * c * (1 + 1e-9) + 1e-9)) continue;
    const t = demand.start + k * demand.tickMs;
    const last = spans[spans.length - 1];
    if (last && last[1] === t) last[1] = t + demand.tickMs;
    else spans.push([t, t + demand.tickMs]);
  }
  return spans;
}

/** Light red bands behind the lines where the policy was short: at least 2 px, so minutes show. */
function shortBands(spans: [number, number][]): Plugin<'line'> {
  return {
    id: 'headroomShortBands',
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea } = chart;
      const x = chart.scales.x;
      ctx.save();
      ctx.fillStyle = SHORT_BAND;
      for (const [a, b] of spans) {
        const left = x.getPixelForValue(a);
        ctx.fillRect(
          left,
          chartArea.top,
          Math.max(2, x.getPixelForValue(b) - left),
          chartArea.height,
        );
      }
      ctx.restore();
    },
  };
}

function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
    if (m * magnitude >= value) return m * magnitude;
  }
  return 10 * magnitude;
}

/** The header strip: bold title, grey subtitle, drawn as the other charts' header is. */
function headerStrip(title: string, subtitle: string): ChartConfiguration<'line', Point[]> {
  return {
    type: 'line',
    data: { datasets: [] },
    options: {
      ...baseOptions,
      layout: { padding: { left: 12, right: RIGHT_PADDING, top: 12, bottom: 0 } },
      scales: { x: { display: false }, y: { display: false } },
      plugins: {
        ...header(title, subtitle),
        legend: { display: false },
        tooltip: { enabled: false },
      },
    },
    plugins: [whiteBackground],
  };
}

/** The ticks [from, to) the chart shows, and their span in epoch ms. */
interface Shown {
  from: number;
  to: number;
  range: { min: number; max: number };
}

function shownTicks(result: SimulateResult, options: SimulateChartOptions): Shown {
  const { demand } = result;
  const from = Math.max(0, Math.round((options.from - demand.start) / demand.tickMs));
  const to = Math.min(
    demand.values.length,
    Math.round((options.to - demand.start) / demand.tickMs),
  );
  const range = {
    min: demand.start + from * demand.tickMs,
    max: demand.start + to * demand.tickMs,
  };
  return { from, to, range };
}

/** The demand line, keeping every tick next to one where some policy was short. */
function shownDemand(
  result: SimulateResult,
  { from, to }: Shown,
  spans: Map<PolicyId, [number, number][]>,
): Point[] {
  const { demand } = result;
  const shortTicks = new Set<number>();
  for (const list of spans.values()) {
    for (const [a, b] of list) {
      for (let t = a; t < b; t += demand.tickMs)
        shortTicks.add(Math.round((t - demand.start) / demand.tickMs));
    }
  }
  return demandPoints(
    demand.start,
    demand.tickMs,
    demand.values,
    from,
    to,
    (k) => shortTicks.has(k) || shortTicks.has(k - 1) || shortTicks.has(k + 1),
  );
}

/** The top of every panel's load axis: above demand, every policy's servers and the database limit. */
function loadAxisMax(
  result: SimulateResult,
  { from, to }: Shown,
  databaseServers: number | undefined,
): number {
  const c = result.capacity.capacityPerServer;
  let top = 0;
  for (let k = from; k < to; k++) top = Math.max(top, result.demand.values[k]);
  for (const p of result.policies) {
    for (let k = from; k < to; k++) top = Math.max(top, p.timeline.servers[k] * c);
  }
  if (databaseServers !== undefined) top = Math.max(top, databaseServers * c);
  return niceMax(top * 1.04);
}

/** What every policy panel shares. */
interface PanelContext {
  result: SimulateResult;
  options: SimulateChartOptions;
  shown: Shown;
  demandLine: Point[];
  unit: string;
  yMax: number;
}

/** A policy panel's lines: demand, serving capacity, the schedule, the database limit, the legend's "short". */
function policyDatasets(p: PolicyRun, panel: PanelContext): ChartDataset<'line', Point[]>[] {
  const { result, options, shown, demandLine, unit } = panel;
  const { demand } = result;
  const { from, to, range } = shown;
  const c = result.capacity.capacityPerServer;
  const datasets: ChartDataset<'line', Point[]>[] = [
    // Index 0 fills down to index 1 where it is above: the demand the warm servers could not serve.
    line(`demand (${unit})`, demandLine, DEMAND_COLOR, {
      borderWidth: 1.25,
      fill: { target: 1, above: SHORT_FILL, below: 'rgba(0,0,0,0)' },
      order: 0,
    }),
    line(
      `serving capacity: warm servers × ${formatNumber(c)}`,
      stepPoints(demand.start, demand.tickMs, p.timeline.warm, from, to, c),
      POLICY_COLORS[p.id],
      {
        stepped: 'before',
        borderWidth: 2,
        order: 1,
      },
    ),
  ];
  if (p.id === 'scheduled' || p.id === 'predictive') {
    datasets.push(
      line(
        'schedule as pushed',
        stepPoints(demand.start, demand.tickMs, options.scheduled, from, to, c),
        SCHEDULE_COLOR,
        {
          stepped: 'before',
          borderWidth: 1.25,
          borderDash: [5, 4],
          order: 2,
        },
      ),
    );
  }
  if (options.databaseServers !== undefined) {
    const y = options.databaseServers * c;
    datasets.push(
      line(
        `database limit (${options.databaseServers} servers)`,
        [
          { x: range.min, y },
          { x: range.max, y },
        ],
        COLORS.limit,
        {
          borderWidth: 1.25,
          borderDash: [2, 3],
          order: 3,
        },
      ),
    );
  }
  datasets.push(
    line('short (demand above 100%)', [], SHORT_FILL, {
      backgroundColor: SHORT_FILL,
      pointStyle: 'rect',
    }),
  );
  return datasets;
}

/** A policy panel's title: the policy and its figures over the whole replay. */
function policyTitle(p: PolicyRun): string {
  const f = p.figures;
  const short =
    f.underProvisionedHours === 0 ? 'never short' : `${formatHours(f.underProvisionedHours)} short`;
  return `${p.label}: ${short} · ${formatNumber(Math.round(f.serverHours))} server-hours · ${f.scalingActions} scaling actions · peak ${f.peakServers} servers`;
}

const yWidth = (width: number) => (scale: Scale) => {
  scale.width = width;
};

/** One policy's panel; only the last shows the time labels. */
function policyPanel(
  p: PolicyRun,
  last: boolean,
  spans: [number, number][],
  panel: PanelContext,
): ChartConfiguration<'line', Point[]> {
  const { unit, yMax } = panel;
  const c = panel.result.capacity.capacityPerServer;
  return {
    type: 'line',
    data: { datasets: policyDatasets(p, panel) },
    options: {
      ...baseOptions,
      layout: { padding: { left: 12, right: 12, top: 6, bottom: last ? 8 : 2 } },
      scales: {
        x: timeAxis(panel.shown.range, panel.options.zone, last),
        y: { ...valueAxis(unit), min: 0, max: yMax, afterFit: yWidth(Y_AXIS_WIDTH) },
        servers: {
          ...valueAxis('servers', { integer: true }),
          position: 'right',
          min: 0,
          max: yMax / c,
          grid: { display: false },
          afterFit: yWidth(RIGHT_AXIS_WIDTH),
        },
      },
      plugins: {
        title: {
          display: true,
          text: policyTitle(p),
          align: 'start',
          color: COLORS.text,
          font: { size: 13, weight: 600 },
          padding: { top: 2, bottom: 2 },
        },
        legend: {
          ...legendOptions(),
          labels: { ...legendOptions().labels, padding: 12, boxHeight: 8 },
        },
        tooltip: { enabled: false },
      },
    },
    plugins: [whiteBackground, shortBands(spans)],
  };
}

/** The chart's subtitle: what span it shows, the capacity settings, and what red means. */
function simulateSubtitle(
  result: SimulateResult,
  options: SimulateChartOptions,
  range: { min: number; max: number },
  unit: string,
): string {
  const { capacity } = result;
  const round = (days: number) => Math.round(days * 10) / 10;
  const days = round((range.max - range.min) / 86_400_000);
  const replayDays = round((result.end - result.start) / 86_400_000);
  const shown =
    days === replayDays
      ? `the ${replayDays}-day replay`
      : `${options.busiest ? 'the busiest ' : ''}${days} days of the ${replayDays}-day replay (figures for all of it)`;
  return [
    shown.charAt(0).toUpperCase() + shown.slice(1),
    `${formatNumber(capacity.capacityPerServer)} ${unit} per server`,
    `target ${Math.round(capacity.targetUtilization * 100)}%`,
    ...(options.warmup ? [`warm-up ${options.warmup}`] : []),
    `red: demand above what the warm servers serve at 100%`,
  ].join('  ·  ');
}

/**
 * Demand against each policy's serving capacity (warm servers × capacity per server) over
 * [from, to), one panel per policy, minutes short shaded red; a 1200-px-wide PNG.
 */
export function renderSimulateChart(result: SimulateResult, options: SimulateChartOptions): Buffer {
  initialise();
  requireValidZone(options.zone);
  const unit = options.unit ?? 'load';
  const shown = shownTicks(result, options);
  const spans = new Map(
    result.policies.map((p) => [p.id, shortSpans(result, p.timeline.warm, shown.from, shown.to)]),
  );
  const panel: PanelContext = {
    result,
    options,
    shown,
    demandLine: shownDemand(result, shown, spans),
    unit,
    yMax: loadAxisMax(result, shown, options.databaseServers),
  };
  const panels = result.policies.map((p, index) =>
    policyPanel(p, index === result.policies.length - 1, spans.get(p.id) ?? [], panel),
  );
  const subtitle = simulateSubtitle(result, options, shown.range, unit);

  const height = HEADER_HEIGHT + result.policies.length * PANEL_HEIGHT + AXIS_HEIGHT;
  const out = createCanvas(SIMULATE_CHART_WIDTH, height);
  const ctx = out.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, SIMULATE_CHART_WIDTH, height);
  withChart(
    SIMULATE_CHART_WIDTH,
    HEADER_HEIGHT,
    headerStrip(options.title ?? 'Replayed demand against each scaling policy', subtitle),
    (canvas) => ctx.drawImage(canvas, 0, 0),
  );
  panels.forEach((config, i) => {
    const last = i === panels.length - 1;
    const h = PANEL_HEIGHT + (last ? AXIS_HEIGHT : 0);
    withChart(SIMULATE_CHART_WIDTH, h, config, (canvas) =>
      ctx.drawImage(canvas, 0, HEADER_HEIGHT + i * PANEL_HEIGHT),
    );
  });
  return canvasPng(out);
}
