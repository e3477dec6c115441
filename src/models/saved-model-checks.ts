import type { Series, Warning } from '../types.js';
import { DAY_MS, describeDuration, WEEK_MS } from '../util/duration.js';
import { formatReadable } from '../util/format.js';
import type { ModelFile } from './model-file.js';

/** How far apart the saved model's forecast and the history's last week may be before it is named. */
const LEVEL_MISMATCH = 5;

/** What the reader of a forecast from a saved model should know about the model and the history. */
export interface SavedModelFindings {
  warnings: Warning[];
  notes: string[];
}

/**
 * A saved model forecasts what it learned, whatever history it is given: say when that history
 * looks like another series (its level far from the forecast's), when it was read in another
 * zone or column, and when it goes on well past what the model was fitted to.
 */
export function savedModelFindings(
  path: string,
  file: Pick<ModelFile, 'trainedOn' | 'state'>,
  history: { series: Series; valueColumn: string; zone: string },
  point: ArrayLike<number>,
): SavedModelFindings {
  const warnings: Warning[] = [];
  const notes: string[] = [];
  const { series } = history;
  const recent = lastWeekMean(series);
  const forecast = meanOf(Array.from(point));
  if (recent > 0 && forecast > 0) {
    const ratio = Math.max(recent / forecast, forecast / recent);
    if (ratio > LEVEL_MISMATCH) {
      warnings.push({
        code: 'model-mismatch',
        count: 1,
        message: `the model in ${path} forecasts ${formatReadable(forecast)} on average, but the last week of this history averages ${formatReadable(recent)} (${formatReadable(ratio)}× apart): is it the model of this series? Fit one on it with \`headroom fit\``,
      });
    }
  }
  const zone = file.state.zone;
  if (zone !== undefined && zone !== history.zone) {
    notes.push(
      `the model in ${path} was fitted in ${zone}: its daily and weekly shape is in ${zone} time, though this history was read in ${history.zone}`,
    );
  }
  if (file.trainedOn.valueColumn !== history.valueColumn) {
    notes.push(
      `the model in ${path} was fitted to the column '${file.trainedOn.valueColumn}'; this history is '${history.valueColumn}'`,
    );
  }
  const fittedTo = Date.parse(file.trainedOn.end);
  const historyEnd = series.start + series.values.length * series.stepMs;
  if (Number.isFinite(fittedTo) && historyEnd - fittedTo >= DAY_MS) {
    notes.push(
      `the model in ${path} was fitted to ${file.trainedOn.end}; the ${describeDuration(historyEnd - fittedTo)} of history since are not learned from (fit again to learn them)`,
    );
  }
  return { warnings, notes };
}

function lastWeekMean(series: Series): number {
  const steps = Math.max(1, Math.round(WEEK_MS / series.stepMs));
  return meanOf(Array.from(series.values.slice(-steps)));
}

function meanOf(values: number[]): number {
  const known = values.filter((v) => Number.isFinite(v));
  return known.length === 0 ? NaN : known.reduce((a, b) => a + b, 0) / known.length;
}
