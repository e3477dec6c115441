import type { ErrorSample } from '../evaluate/intervals.js';
import type { FittedModel, SavedState } from './types.js';
export declare const MODEL_FORMAT = "headroom.model/v1";
export interface ModelFile {
    format: typeof MODEL_FORMAT;
    state: SavedState;
    errors: ErrorSample;
    trainedOn: {
        file: string;
        valueColumn: string;
        start: string;
        end: string;
    };
    describe: Record<string, unknown>;
}
export declare function modelFileContent(model: FittedModel, errors: ErrorSample, trainedOn: ModelFile['trainedOn']): string;
export declare function readModelFile(path: string): Promise<{
    model: FittedModel;
    file: ModelFile;
}>;
