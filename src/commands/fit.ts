import { modelFileContent } from '../models/model-file.js';
import { writeFilesAtomically } from '../report/atomic.js';
import { formatNumber } from '../report/tables.js';
import { fitFrom } from '../run/forecast.js';
import type { RawOptions } from '../settings/parse.js';
import { formatDuration } from '../util/duration.js';
import { table, type CommandOutput } from './output.js';
import { sourceFrom } from '../sources/registry.js';

export interface FitOptions extends RawOptions {
  save?: string;
}

export async function fitCommand(
  csv: string | undefined,
  options: FitOptions,
): Promise<CommandOutput> {
  const { ingested, result, trainedOn, trainedMs } = await fitFrom(
    sourceFrom(csv, options),
    options,
  );
  const { model, errors, selection, notes } = result;
  const describe = model.describe();
  const files = options.save
    ? await writeFilesAtomically([
        { path: options.save, content: modelFileContent(model, errors, trainedOn) },
      ])
    : [];
  const coefficients = (describe.coefficients ?? {}) as Record<string, number>;
  const stats = [
    ['model', selection ? `${model.name} (chosen by auto: ${selection.reason})` : model.name],
    ['trained on', `${trainedOn.start} → ${trainedOn.end} (${formatDuration(trainedMs)})`],
    ['MSE', formatNumber(describe.mse as number)],
    ['R²', formatNumber(describe.r2 as number)],
    ...(describe.intercept === undefined
      ? []
      : [['intercept', formatNumber(describe.intercept as number)]]),
    ['band errors', errors.method],
  ];
  const text = [
    table(['', 'value'], stats),
    Object.keys(coefficients).length > 0
      ? '\n' +
        table(
          ['coefficient', 'value'],
          Object.entries(coefficients).map(([k, v]) => [k, Number(formatNumber(v))]),
        )
      : '',
    files.length > 0 ? `\nsaved the model to ${files[0]}` : '',
  ].join('\n');
  return {
    json: {
      model: model.name,
      selection,
      trainedOn,
      ...describe,
      bandErrors: errors.method,
      files,
    },
    text,
    warnings: ingested.warnings,
    notes: [...ingested.notes, ...notes],
  };
}
