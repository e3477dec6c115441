import { fittingHorizon } from '../evaluate/backtest.js';
import type { ForecastResult } from '../pipeline.js';
import type { Series } from '../types.js';
import { formatDuration } from '../util/duration.js';

export { buildCalendar, calendarNotes, forecastFromCsv, type Forecasted } from '../run/forecast.js';

/** "model ridge (auto: backtest MAE 12.3; …)" or "model ridge". */
export function modelLine(result: ForecastResult): string {
  const name = result.forecast.model;
  return result.selection
    ? `model ${name} (chosen by auto: ${result.selection.reason})`
    : `model ${name}`;
}

/**
 * Steps per backtest window: --horizon when given; otherwise its default, shortened (with a
 * note) so that `origins` windows fit in the history with enough history before the first.
 */
export function windowSteps(
  series: Series,
  origins: number,
  horizonMs: number,
  horizonGiven: boolean | undefined,
  notes: string[],
): number {
  const asked = Math.max(1, Math.round(horizonMs / series.stepMs));
  const steps = horizonGiven
    ? asked
    : fittingHorizon(series.values.length, series.stepMs, origins, asked);
  if (steps < asked) {
    notes.push(
      `windows shortened to ${formatDuration(steps * series.stepMs)} (from the default --horizon ${formatDuration(asked * series.stepMs)}) so that ${origins} fit in the history with enough before the first; set --horizon or fewer --origins to change this`,
    );
  }
  return steps;
}
