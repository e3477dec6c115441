import type { ForecastResult } from '../pipeline.js';

/** "model ridge (auto: backtest MAE 12.3; …)" or "model ridge". */
export function modelLine(result: ForecastResult): string {
  const name = result.forecast.model;
  return result.selection
    ? `model ${name} (chosen by auto: ${result.selection.reason})`
    : `model ${name}`;
}
