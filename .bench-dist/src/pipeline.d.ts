import { type ErrorSample } from './evaluate/intervals.js';
import type { FittedModel, Forecaster, ModelContext } from './models/types.js';
import type { CapacityPlan, CapacitySettings, Forecast, Schedule, Series } from './types.js';
export interface ForecastRequest {
    horizonMs: number;
    quantile: number;
    /** Only the most recent part of the history is learned from. */
    trainWindowMs: number;
    context: ModelContext;
}
export interface ForecastResult {
    forecast: Forecast;
    model: FittedModel;
    /** The part of the history the model learned from. */
    training: Series;
    errors: ErrorSample;
}
/** Fewer than two days of history cannot show a daily cycle. */
export declare const MIN_HISTORY_MS: number;
export declare function trainingWindow(series: Series, trainWindowMs: number): Series;
/** Fits a model on the training window, forecasts the horizon and cuts a band from backtest errors. */
export declare function forecastWith(forecaster: Forecaster, series: Series, request: ForecastRequest): ForecastResult;
/** Forecasts with a saved model and the error sample saved with it. */
export declare function forecastWithSaved(model: FittedModel, errors: ErrorSample, series: Series, request: ForecastRequest): ForecastResult;
export interface PlanResult {
    plan: CapacityPlan;
    schedule: Schedule;
}
export declare function planFromForecast(forecast: Forecast, settings: CapacitySettings): PlanResult;
