import type { CapacityPlan, Forecast, Schedule } from '../types.js';
import { formatNumber } from '../util/format.js';
import { formatTimestamp } from '../util/time.js';

// Kept here too for the report writers and commands that import them from this module.
export { formatNumber, formatReadable } from '../util/format.js';

function csv(header: string[], rows: (string | number)[][]): string {
  return [header, ...rows].map((row) => row.join(',')).join('\n') + '\n';
}

export function forecastCsv(forecast: Forecast, zone: string): string {
  return csv(
    ['timestamp', 'forecast', 'lower', 'upper'],
    Array.from(forecast.point, (point, i) => [
      formatTimestamp(forecast.start + i * forecast.stepMs, zone),
      formatNumber(point),
      formatNumber(forecast.lower[i]),
      formatNumber(forecast.upper[i]),
    ]),
  );
}

export function planCsv(plan: CapacityPlan, zone: string): string {
  return csv(
    ['timestamp', 'forecast', 'planned_load', 'servers'],
    Array.from(plan.servers, (servers, i) => [
      formatTimestamp(plan.start + i * plan.stepMs, zone),
      formatNumber(plan.forecast[i]),
      formatNumber(plan.plannedLoad[i]),
      servers,
    ]),
  );
}

/** A plan's metrics, for the CSVs of a plan with several (see run/plan.ts). */
export interface MetricColumns {
  names: string[];
  forecasts: Forecast[];
  plans: CapacityPlan[];
  /** Per step, the index of the metric that binds. */
  binding: ArrayLike<number>;
}

/**
 * plan.csv of a plan with several metrics: the servers and the metric that binds, then each
 * metric's servers, forecast and planned load.
 */
export function metricsPlanCsv(plan: CapacityPlan, metrics: MetricColumns, zone: string): string {
  const { names, plans } = metrics;
  return csv(
    [
      'timestamp',
      'servers',
      'binding',
      ...names.map((n) => `servers_${n}`),
      ...names.map((n) => `forecast_${n}`),
      ...names.map((n) => `planned_load_${n}`),
    ],
    Array.from(plan.servers, (servers, i) => [
      formatTimestamp(plan.start + i * plan.stepMs, zone),
      servers,
      names[metrics.binding[i]],
      ...plans.map((p) => p.servers[i]),
      ...plans.map((p) => formatNumber(p.forecast[i])),
      ...plans.map((p) => formatNumber(p.plannedLoad[i])),
    ]),
  );
}

/** forecast.csv of a plan with several metrics: each metric's forecast and band. */
export function metricsForecastCsv(metrics: MetricColumns, zone: string): string {
  const { names, forecasts } = metrics;
  const [first] = forecasts;
  return csv(
    ['timestamp', ...names.flatMap((n) => [`forecast_${n}`, `lower_${n}`, `upper_${n}`])],
    Array.from(first.point, (_, i) => [
      formatTimestamp(first.start + i * first.stepMs, zone),
      ...forecasts.flatMap((f) => [
        formatNumber(f.point[i]),
        formatNumber(f.lower[i]),
        formatNumber(f.upper[i]),
      ]),
    ]),
  );
}

export function scheduleCsv(schedule: Schedule, zone: string): string {
  return csv(
    ['timestamp', 'capacity', 'change', 'action'],
    schedule.entries.map((e) => [
      formatTimestamp(e.timestamp, zone),
      e.capacity,
      e.change,
      e.action,
    ]),
  );
}

export function forecastRows(forecast: Forecast, zone: string) {
  return Array.from(forecast.point, (point, i) => ({
    timestamp: formatTimestamp(forecast.start + i * forecast.stepMs, zone),
    forecast: Number(formatNumber(point)),
    lower: Number(formatNumber(forecast.lower[i])),
    upper: Number(formatNumber(forecast.upper[i])),
  }));
}
