import type { Series } from '../types.js';
import { type FittedModel, type Forecaster, type SavedState } from './types.js';
/** The season the baseline repeats: a week when two weeks are known, else a day. */
export declare function seasonLength(stepMs: number, historySteps: number): number;
/** Repeats the last observed season; missing values reach back one more season. */
export declare function seasonalNaive(history: Series, horizon: number, season: number): Float64Array;
export declare const seasonalNaiveForecaster: Forecaster;
export declare function restoreSeasonalNaive(state: SavedState): FittedModel;
