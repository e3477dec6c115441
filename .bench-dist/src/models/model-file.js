import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { restoreModel } from './registry.js';
export const MODEL_FORMAT = 'headroom.model/v1';
export function modelFileContent(model, errors, trainedOn) {
    const file = {
        format: MODEL_FORMAT,
        state: model.toJSON(),
        errors,
        trainedOn,
        describe: model.describe(),
    };
    return JSON.stringify(file, null, 2) + '\n';
}
export async function readModelFile(path) {
    let parsed;
    try {
        parsed = JSON.parse(await readFile(path, 'utf8'));
    }
    catch (error) {
        const reason = error instanceof SyntaxError ? 'it is not valid JSON' : error.code;
        throw new UserError(`${path}: cannot read the model file (${reason})`, 'create one with `headroom fit <csv> --save model.json`');
    }
    if (parsed?.format !== MODEL_FORMAT ||
        typeof parsed.state?.model !== 'string' ||
        !Array.isArray(parsed.errors?.errors)) {
        throw new UserError(`${path}: not a headroom model file (expected "format": "${MODEL_FORMAT}")`);
    }
    return { model: restoreModel(parsed.state), file: parsed };
}
//# sourceMappingURL=model-file.js.map