/**
 * The backtest chart: actuals over the backtested windows, each model's forecasts for them, the
 * featured model's band, and the hours its plan would have left under-provisioned. Same look as
 * the other charts (charts.ts). Pure: no clock, no file writes.
 */
import type { ChartDataset, Plugin } from 'chart.js';
import { primaryModel, type BacktestResult } from '../evaluate/backtest.js';
import type { Series } from '../types.js';
import { formatDuration } from '../util/duration.js';
import {
  bandLabel,
  COLORS,
  type ChartOptions,
  initialise,
  line,
  type Point,
  renderPanel,
  requireValidZone,
  timeAxis,
  toPoints,
  valueAxis,
  xRange,
} from './charts.js';

export const BACKTEST_CHART_SIZE = { width: 1200, height: 600 };

/** History shown before the first window, for context: a day, or one window when shorter. */
const LEAD_IN_MS = 86_400_000;

const ACTUAL_COLOR = '#0f172a';
export const UNDER_FILL = 'rgba(220, 38, 38, 0.13)';
export const UNDER_EDGE = 'rgba(220, 38, 38, 0.55)';
/** Lines for the other models: distinct from the featured model's blue and from each other. */
const MODEL_COLORS = [
  'rgba(234, 88, 12, 0.8)',
  'rgba(22, 163, 74, 0.8)',
  'rgba(147, 51, 234, 0.8)',
  'rgba(219, 39, 119, 0.8)',
  'rgba(8, 145, 178, 0.8)',
  'rgba(202, 138, 4, 0.8)',
];

/** One line through every window of a model, broken at each origin. */
function windowPoints(result: BacktestResult, model: string, pick: 'point' | 'lower' | 'upper') {
  const out: Point[] = [];
  for (const w of result.windows) {
    if (w.model !== model || !w.forecast) continue;
    const f = w.forecast;
    out.push(...toPoints(f.start, f.stepMs, f[pick]));
    // A gap point between windows, so that one window's line does not run into the next's.
    out.push({ x: f.start + (f.point.length - 0.5) * f.stepMs, y: NaN });
  }
  return out;
}

/** [start, end) of each step where the actual exceeded what the model's plan provided. */
export function underProvisionedSpans(
  series: Series,
  result: BacktestResult,
  model: string,
): [number, number][] {
  const spans: [number, number][] = [];
  const c = result.capacity.capacityPerServer;
  for (const w of result.windows) {
    if (w.model !== model || !w.forecast || !w.servers) continue;
    const { start, stepMs } = w.forecast;
    const offset = Math.round((start - series.start) / stepMs);
    for (let i = 0; i < w.servers.length; i++) {
      const actual = series.values[offset + i];
      if (!(actual > w.servers[i] * c)) continue;
      const from = start + i * stepMs;
      const last = spans[spans.length - 1];
      if (last && last[1] === from) last[1] = from + stepMs;
      else spans.push([from, from + stepMs]);
    }
  }
  return spans;
}

/** Light red bars behind the lines where the plan was short, and dashed lines at each origin. */
export function backdrop(spans: [number, number][], origins: number[]): Plugin<'line'> {
  return {
    id: 'headroomBacktestBackdrop',
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea } = chart;
      const x = chart.scales.x;
      ctx.save();
      ctx.beginPath();
      ctx.rect(chartArea.left, chartArea.top, chartArea.width, chartArea.height);
      ctx.clip();
      ctx.fillStyle = UNDER_FILL;
      for (const [from, to] of spans) {
        const left = x.getPixelForValue(from);
        // At least 2 px, so that a single hour stays visible on a long axis.
        const width = Math.max(2, x.getPixelForValue(to) - left);
        ctx.fillRect(left, chartArea.top, width, chartArea.height);
      }
      ctx.strokeStyle = COLORS.marker;
      ctx.lineWidth = 1;
      ctx.setLineDash([5, 4]);
      for (const origin of origins) {
        const px = Math.round(x.getPixelForValue(origin)) + 0.5;
        ctx.beginPath();
        ctx.moveTo(px, chartArea.top);
        ctx.lineTo(px, chartArea.bottom);
        ctx.stroke();
      }
      ctx.restore();
    },
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Actuals over the backtest (with a day before it), each model's forecast windows, the featured
 * model's (auto's, when backtested) band and its plan's under-provisioned hours, as a 1200×600 PNG.
 */
export function renderBacktestChart(
  series: Series,
  result: BacktestResult,
  options: ChartOptions,
): Buffer {
  initialise();
  requireValidZone(options.zone);
  const unit = options.unit ?? 'load';
  const { stepMs } = series;
  const primary = primaryModel(result);

  const first = result.origins[0];
  const leadIn = Math.min(LEAD_IN_MS, result.horizonSteps * stepMs);
  const from = Math.max(0, Math.round((first - leadIn - series.start) / stepMs));
  const actual = toPoints(series.start, stepMs, series.values, from, series.values.length);

  const summary = result.models.find((m) => m.model === primary);
  const chosen = summary?.chosen
    ? ` (chose ${Object.entries(summary.chosen)
        .sort((a, b) => b[1] - a[1])
        .map(([name, count]) => `${name} ×${count}`)
        .join(', ')})`
    : '';

  // Dataset indices matter: the band's upper edge fills to the lower edge just before it.
  const LOWER = 2;
  const datasets: ChartDataset<'line', Point[]>[] = [
    line('actual', actual, ACTUAL_COLOR, { borderWidth: 1.75, order: 1 }),
    line(`${primary}${chosen}`, windowPoints(result, primary, 'point'), COLORS.forecast, {
      borderWidth: 2.5,
      order: 0,
    }),
    line('band lower', windowPoints(result, primary, 'lower'), COLORS.bandEdge, {
      borderWidth: 0.75,
      order: 3,
    }),
    line(
      `${primary} ${bandLabel(result.quantile)}`,
      windowPoints(result, primary, 'upper'),
      COLORS.bandEdge,
      {
        borderWidth: 0.75,
        backgroundColor: COLORS.band,
        fill: '-1',
        pointStyle: 'rect',
        order: 3,
      },
    ),
  ];
  const others = result.models.map((m) => m.model).filter((m) => m !== primary);
  const primaryWindows = result.windows.filter((w) => w.model === primary && w.forecast);
  others.forEach((model, k) => {
    // A model that auto chose in every window is drawn exactly under auto's line; say so.
    const hidden = primaryWindows.length > 0 && primaryWindows.every((w) => w.chosen === model);
    datasets.push(
      line(
        hidden ? `${model} (= ${primary})` : model,
        windowPoints(result, model, 'point'),
        MODEL_COLORS[k % MODEL_COLORS.length],
        {
          borderWidth: 1.25,
          order: 2,
        },
      ),
    );
  });
  const spans = underProvisionedSpans(series, result, primary);
  const underSteps = spans.reduce((n, [a, b]) => n + Math.round((b - a) / stepMs), 0);
  datasets.push(
    line(`under-provisioned (${primary} plan)`, [], UNDER_EDGE, {
      backgroundColor: UNDER_FILL,
      pointStyle: 'rect',
    }),
  );

  const windows = result.origins.length;
  const subtitle = [
    `${plural(windows, 'window')} of ${formatDuration(result.horizonSteps * stepMs)}, each forecast from only the history before it (dashed lines)`,
    `${primary} plan short of demand in ${plural(underSteps, 'interval')} (red)`,
  ].join('  ·  ');
  const range = xRange(actual);
  return renderPanel(BACKTEST_CHART_SIZE, {
    datasets,
    scales: {
      x: timeAxis({ min: range.min, max: result.end }, options.zone, true),
      y: valueAxis(unit),
    },
    title: options.title ?? 'Backtest: forecasts against what happened',
    subtitle,
    hidden: (i) => i === LOWER,
    plugins: [backdrop(spans, result.origins)],
  });
}
