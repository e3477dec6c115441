import type { Forecaster, ModelContext } from '../models/types.js';
import type { Forecast, Series } from '../types.js';
/** Forecast errors (actual − forecast) that a band is cut from, ascending. */
export interface ErrorSample {
    errors: number[];
    method: string;
}
export declare function sliceSeries(series: Series, from: number, to?: number): Series;
/**
 * Rolling-origin errors of `forecaster` on the end of `history`: up to `windows` windows of up to
 * a week each, every one forecast from only the history before it. Falls back to in-sample
 * residuals when the history is too short to hold out any window.
 */
export declare function backtestErrors(forecaster: Forecaster, history: Series, horizon: number, context: ModelContext, windows?: number): ErrorSample;
/** Adds the error sample's (1 − q) and q quantiles to a point forecast. */
export declare function withBand(model: string, start: number, stepMs: number, point: Float64Array, sample: ErrorSample, quantile: number, nonNegative: boolean): Forecast;
