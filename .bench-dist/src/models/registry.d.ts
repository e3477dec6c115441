import type { FittedModel, Forecaster, SavedState } from './types.js';
export declare const DEFAULT_MODEL = "ridge";
export declare const MODEL_NAMES: string[];
export declare function modelSummaries(): string;
export declare function getForecaster(name: string): Forecaster;
export declare function restoreModel(state: SavedState): FittedModel;
