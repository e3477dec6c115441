import type { Series } from '../types.js';
export interface ModelContext {
    /** IANA zone in which daily and weekly shapes are learned (the users' clock, not UTC). */
    zone: string;
}
/** Settings only; `fit` learns from a history and returns the learned state. */
export interface Forecaster {
    readonly name: string;
    fit(history: Series, context: ModelContext): FittedModel;
}
export interface FittedModel {
    readonly name: string;
    /** Point forecast for the `horizon` steps that follow `history`. */
    predict(history: Series, horizon: number): Float64Array;
    /** In-sample fit statistics and parameters, for `headroom fit`. */
    describe(): Record<string, unknown>;
    /** Everything needed to rebuild the model with `restoreModel`. */
    toJSON(): SavedState;
}
export interface SavedState {
    model: string;
    zone: string;
    stepMs: number;
    [key: string]: unknown;
}
/** The timestamps of the `horizon` steps after a series ends. */
export declare function futureTimes(history: Series, horizon: number): Float64Array;
export declare function timesOf(series: Series): Float64Array;
export declare function fitStatistics(actual: Float64Array, fitted: Float64Array): {
    mse: number;
    r2: number;
};
