/**
 * The plan chart of a service with several metrics: the servers the plan takes, its area coloured
 * by the metric that binds at each step, and the servers each metric alone would need (dashed).
 * Loads in different units share no axis, so the chart is in servers.
 */
import type { ChartDataset } from 'chart.js';
import { stepsAmount } from '../capacity/metrics.js';
import type { CapacityPlan } from '../types.js';
import { maxOf } from '../util/extremes.js';
import {
  COLORS,
  initialise,
  line,
  PLAN_CHART_SIZE,
  planSteps,
  type Point,
  renderPanel,
  requireValidZone,
  timeAxis,
  valueAxis,
  xRange,
} from './charts.js';

/** One colour per metric, in order (then round again). */
export const METRIC_COLORS = ['#2563eb', '#ea580c', '#16a34a', '#db2777', '#0891b2', '#ca8a04'];

export interface MetricsChartInput {
  plan: CapacityPlan;
  metrics: { name: string; plan: CapacityPlan; rule: string }[];
  /** Per step, the index of the metric that binds. */
  binding: ArrayLike<number>;
  zone: string;
  title?: string;
}

const fill = (hex: string) => `${hex}59`; // about 35% opaque

export function renderMetricsPlanChart(input: MetricsChartInput): Buffer {
  initialise();
  requireValidZone(input.zone);
  const { plan, metrics, binding, zone } = input;
  const { steps, daily } = planSteps(plan, zone);
  const colorOf = (i: number) => METRIC_COLORS[i % METRIC_COLORS.length];
  const total = steps(plan.start, plan.stepMs, plan.servers);
  const bindingSteps = metrics.map((_, i) =>
    Array.from(binding).reduce((n, b) => (b === i ? n + 1 : n), 0),
  );
  const hours = (i: number) =>
    `${metrics[i].name} binds ${stepsAmount(bindingSteps[i], plan.stepMs)}`;
  const datasets: ChartDataset<'line', Point[]>[] = [
    line('servers planned', total, COLORS.servers, {
      stepped: 'before',
      borderWidth: 2.5,
      order: 0,
    }),
    ...metrics.map((m, i) =>
      line(
        `${hours(i)}`,
        steps(
          plan.start,
          plan.stepMs,
          Array.from(plan.servers, (s, t) => (binding[t] === i ? s : 0)),
        ),
        colorOf(i),
        {
          stepped: 'before',
          borderWidth: 0,
          fill: 'origin',
          backgroundColor: fill(colorOf(i)),
          pointStyle: 'rect',
          order: 3,
        },
      ),
    ),
    ...metrics.map((m, i) =>
      line(
        `${m.name} alone (${m.rule})`,
        steps(m.plan.start, m.plan.stepMs, m.plan.servers),
        colorOf(i),
        { stepped: 'before', borderWidth: 1.5, borderDash: [6, 4], order: 1 },
      ),
    ),
  ];
  const range = xRange(total);
  const most = maxOf(metrics.map((m) => maxOf(m.plan.servers)));
  return renderPanel(PLAN_CHART_SIZE, {
    datasets,
    scales: {
      x: timeAxis(range, zone, true),
      y: valueAxis('servers', { integer: true, suggestedMax: most + 1 }),
    },
    title:
      input.title ??
      `Capacity plan by ${metrics.map((m) => m.name).join(', ')}${daily ? ', daily peaks' : ''}`,
    subtitle:
      'the servers any metric needs, coloured by the metric that binds; dashed: what each metric alone needs' +
      (plan.cappedSteps > 0
        ? `  ·  ${plan.cappedSteps} intervals capped at --max-servers ${plan.settings.maxServers}`
        : ''),
  });
}
