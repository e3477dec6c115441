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
