import { type FittedModel, type Forecaster, type SavedState } from './types.js';
/** Regularised regression on daily/weekly Fourier terms, slot-of-week effects and a trend. */
export declare const ridgeForecaster: Forecaster;
export declare function restoreRidge(state: SavedState): FittedModel;
