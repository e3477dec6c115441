/**
 * The review chart: the demand that came against the capacity a plan scheduled for it, at 100% and
 * at the target utilisation, with the intervals where demand went above 100% marked in red. Same
 * look as the other charts (charts.ts). Pure: no clock, no file writes.
 */
import type { ChartDataset } from 'chart.js';
import { formatShare } from '../capacity/servers.js';
import type { Review } from '../evaluate/review.js';
import type { CapacitySettings, Schedule } from '../types.js';
import { backdrop, UNDER_EDGE, UNDER_FILL } from './backtest-chart.js';
import {
  COLORS,
  type ChartOptions,
  initialise,
  line,
  percent,
  type Point,
  renderPanel,
  requireValidZone,
  timeAxis,
  valueAxis,
} from './charts.js';
import { maxOf } from '../util/extremes.js';
import { formatReadable } from './tables.js';

export const REVIEW_CHART_SIZE = { width: 1200, height: 600 };

const ACTUAL_COLOR = '#0f172a';

/** The schedule's servers × `perServer` as points for a line stepped 'before' (holds until the next). */
function capacityPoints(schedule: Schedule, perServer: number): Point[] {
  const points = schedule.entries.map((e) => ({ x: e.timestamp, y: e.capacity * perServer }));
  points.push({ x: schedule.end, y: points[points.length - 1].y });
  return points;
}

/**
 * The demand over the plan's span as steps, each held over its whole interval like the capacity
 * it is compared with, with a gap wherever there was no data.
 */
function demandPoints(review: Review): Point[] {
  const byTime = new Map(review.steps.map((s) => [s.time, s.demand]));
  const points: Point[] = [];
  for (let t = review.start; t + review.stepMs <= review.end; t += review.stepMs) {
    const y = byTime.get(t);
    if (y === undefined) points.push({ x: t, y: NaN });
    else points.push({ x: t, y }, { x: t + review.stepMs, y });
  }
  return points;
}

/** [start, end) of each run of short intervals. */
function shortSpans(review: Review): [number, number][] {
  const spans: [number, number][] = [];
  for (const s of review.steps) {
    if (!s.short) continue;
    const last = spans[spans.length - 1];
    if (last && last[1] === s.time) last[1] = s.time + review.stepMs;
    else spans.push([s.time, s.time + review.stepMs]);
  }
  return spans;
}

/** Demand against the planned capacity at 100% and at the target utilisation, as a 1200×600 PNG. */
export function renderReviewChart(
  review: Review,
  schedule: Schedule,
  settings: CapacitySettings,
  options: ChartOptions,
): Buffer {
  initialise();
  requireValidZone(options.zone);
  const unit = options.unit ?? 'load';
  const c = settings.capacityPerServer;
  const target = percent(settings.targetUtilization);
  const top = Math.max(
    maxOf(review.steps.map((s) => s.demand)),
    maxOf(schedule.entries.map((e) => e.capacity * c)),
  );
  const datasets: ChartDataset<'line', Point[]>[] = [
    line('actual demand', demandPoints(review), ACTUAL_COLOR, {
      borderWidth: 1.75,
      order: 0,
    }),
    line('planned capacity at 100%', capacityPoints(schedule, c), COLORS.capacityPeak, {
      stepped: 'before',
      borderWidth: 1.5,
      borderDash: [2, 3],
      order: 1,
    }),
    line(
      `planned capacity at ${target}% (target)`,
      capacityPoints(schedule, c * settings.targetUtilization),
      COLORS.capacity,
      { stepped: 'before', borderWidth: 2.5, order: 2 },
    ),
    line('demand above 100%', [], UNDER_EDGE, { backgroundColor: UNDER_FILL, pointStyle: 'rect' }),
  ];
  const budget = review.budget === undefined ? '' : `, budget ${formatShare(review.budget)}`;
  const facts = [
    `${formatReadable(review.shortHours)} of ${formatReadable(review.scoredHours)} hours above 100% of capacity (${formatShare(review.shortShare)}${budget})`,
    `${review.excessServerHours > 0 ? '+' : ''}${formatReadable(review.excessServerHours).replace('-', '−')} server-hours against a plan that knew the demand at ${target}%`,
    ...(review.missingHours > 0
      ? [
          `${formatReadable(review.missingHours)} hour${review.missingHours === 1 ? '' : 's'} without data`,
        ]
      : []),
  ];
  return renderPanel(REVIEW_CHART_SIZE, {
    datasets,
    scales: {
      x: timeAxis({ min: review.start, max: review.end }, options.zone, true),
      // Room above the highest line, so that a capacity step at the top stays visible.
      y: valueAxis(unit, { suggestedMax: top * 1.06 }),
    },
    title: options.title ?? 'Review: the plan against the load that came',
    subtitle: facts.join('  ·  '),
    plugins: [backdrop(shortSpans(review), [])],
  });
}
