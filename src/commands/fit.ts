import { loadSeries } from '../ingest/index.js';
import { modelFileContent } from '../models/model-file.js';
import { forecastSeries } from '../pipeline.js';
import { writeFilesAtomically } from '../report/atomic.js';
import { formatNumber } from '../report/tables.js';
import { formatDuration } from '../util/duration.js';
import { formatTimestamp } from '../util/time.js';
import { forecastRequest, ingestOptions, type RawOptions } from './options.js';
import { table, type CommandOutput } from './output.js';

export interface FitOptions extends RawOptions {
  save?: string;
}

export async function fitCommand(csv: string, options: FitOptions): Promise<CommandOutput> {
  const ingest = ingestOptions(options);
  const ingested = await loadSeries(csv, ingest);
  const { model, errors, training, selection, notes } = forecastSeries(
    options.model,
    ingested.series,
    forecastRequest(options),
  );
  const describe = model.describe();
  const end = training.start + training.values.length * training.stepMs;
  const trainedOn = {
    file: ingested.file,
    valueColumn: ingested.valueColumn,
    start: formatTimestamp(training.start, ingest.timezone),
    end: formatTimestamp(end, ingest.timezone),
  };
  const files = options.save
    ? await writeFilesAtomically([
        { path: options.save, content: modelFileContent(model, errors, trainedOn) },
      ])
    : [];
  const coefficients = (describe.coefficients ?? {}) as Record<string, number>;
  const stats = [
    ['model', selection ? `${model.name} (chosen by auto: ${selection.reason})` : model.name],
    [
      'trained on',
      `${trainedOn.start} → ${trainedOn.end} (${formatDuration(end - training.start)})`,
    ],
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
