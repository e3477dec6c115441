import { readFile } from 'node:fs/promises';
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

export async function readModelFile(
  path: string,
): Promise<{ model: FittedModel; file: ModelFile }> {
  let parsed: ModelFile;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as ModelFile;
  } catch (error) {
    const reason =
      error instanceof SyntaxError ? 'it is not valid JSON' : (error as NodeJS.ErrnoException).code;
    throw new UserError(
      `${path}: cannot read the model file (${reason})`,
      'create one with `headroom fit <csv> --save model.json`',
    );
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
