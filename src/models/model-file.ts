import { UserError } from '../errors.js';
import type { ErrorSample } from '../evaluate/intervals.js';
import { restoreModel } from './registry.js';
import type { FittedModel, SavedState } from './types.js';

export const MODEL_FORMAT = 'headroom.model/v1';

export interface ModelFile {
  format: typeof MODEL_FORMAT;
  state: SavedState;
  errors: ErrorSample;
  trainedOn: { file: string; valueColumn: string; start: string; end: string };
  describe: Record<string, unknown>;
}

export function modelFileContent(
  model: FittedModel,
  errors: ErrorSample,
  trainedOn: ModelFile['trainedOn'],
): string {
  const file: ModelFile = {
    format: MODEL_FORMAT,
    state: model.toJSON(),
    errors,
    trainedOn,
    describe: model.describe(),
  };
  return JSON.stringify(file, null, 2) + '\n';
}

/** A model file that cannot be read or is not JSON; `reason` says why. */
export function unreadableModelFile(path: string, reason: string | undefined): UserError {
  return new UserError(
    `${path}: cannot read the model file (${reason})`,
    'create one with `headroom fit <csv> --save model.json`',
  );
}

/** The model in the text of a model file; `path` names it in errors. */
export function parseModelFile(
  path: string,
  text: string,
): { model: FittedModel; file: ModelFile } {
  let parsed: ModelFile;
  try {
    parsed = JSON.parse(text) as ModelFile;
  } catch {
    throw unreadableModelFile(path, 'it is not valid JSON');
  }
  if (
    parsed?.format !== MODEL_FORMAT ||
    typeof parsed.state?.model !== 'string' ||
    !Array.isArray(parsed.errors?.errors)
  ) {
    throw new UserError(
      `${path}: not a headroom model file (expected "format": "${MODEL_FORMAT}")`,
    );
  }
  return { model: restoreModel(parsed.state), file: parsed };
}
