import { type FittedModel, type Forecaster, type SavedState } from './types.js';
/** The first design: OLS with an intercept on standardised hour, weekday, day, month, weekend. */
export declare const linearForecaster: Forecaster;
export declare function restoreLinear(state: SavedState): FittedModel;
