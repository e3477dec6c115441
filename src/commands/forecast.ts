import { writeFilesAtomically } from '../report/atomic.js';
import { forecastCsv, forecastRows } from '../report/tables.js';
import { formatDuration } from '../util/duration.js';
import { formatShort } from '../util/time.js';
import { parseSettings, type RawOptions } from '../settings/parse.js';
import type { CommandOutput } from './output.js';
import { table } from './output.js';
import { calendarNotes, forecastFrom } from '../run/forecast.js';
import { modelLine } from './shared.js';
import { formatNumber, formatReadable } from '../report/tables.js';
import { sourceFrom } from '../sources/registry.js';

export interface ForecastOptions extends RawOptions {
  out: string;
}

const PREVIEW_ROWS = 12;
/** The file name that means standard output. */
const STDOUT = '-';

export async function forecastCommand(
  csv: string | undefined,
  options: ForecastOptions,
): Promise<CommandOutput> {
  const forecasted = await forecastFrom(sourceFrom(csv, options), parseSettings(options));
  const { ingested, result, zone } = forecasted;
  const { forecast } = result;
  const csvText = forecastCsv(forecast, zone);
  // `--out -`: the CSV itself is the output, for a pipe or a redirect.
  const toStdout = options.out === STDOUT;
  const written = toStdout
    ? undefined
    : (await writeFilesAtomically([{ path: options.out, content: csvText }]))[0];
  const rows = forecastRows(forecast, zone);
  const q = forecast.quantile;
  const summary = [
    `${ingested.file}: ${ingested.rows} rows of '${ingested.valueColumn}' → ${ingested.series.values.length} × ${formatDuration(ingested.series.stepMs)}`,
    modelLine(result),
    `band ${formatNumber((1 - q) * 100)}–${formatNumber(q * 100)}% from ${forecast.intervalMethod}`,
    '',
    table(
      ['time', 'forecast', 'lower', 'upper'],
      Array.from(forecast.point.slice(0, PREVIEW_ROWS), (p, i) => [
        formatShort(forecast.start + i * forecast.stepMs, zone),
        formatReadable(p),
        formatReadable(forecast.lower[i]),
        formatReadable(forecast.upper[i]),
      ]),
    ),
    forecast.point.length > PREVIEW_ROWS
      ? `… ${forecast.point.length - PREVIEW_ROWS} more rows`
      : '',
    `wrote ${written}`,
  ].join('\n');
  const text = toStdout ? csvText.trimEnd() : summary;
  return {
    json: {
      input: {
        file: ingested.file,
        timestampColumn: ingested.timestampColumn,
        valueColumn: ingested.valueColumn,
        rows: ingested.rows,
      },
      model: forecast.model,
      selection: result.selection,
      quantile: q,
      intervalMethod: forecast.intervalMethod,
      interval: formatDuration(forecast.stepMs),
      timezone: zone,
      forecast: rows,
      files: written ? [written] : [],
      warnings: ingested.warnings,
    },
    text,
    warnings: ingested.warnings,
    notes: [...ingested.notes, ...result.notes, ...calendarNotes(forecasted)],
  };
}
