import { simulateFigureTable, writeSimulate } from '../report/simulate-report.js';
import {
  CURRENT_POLICIES,
  runSimulate,
  type SimulateCommandOptions,
  type SimulateRun,
} from '../run/simulate.js';
import { exactSizingLine, settingsFacts } from '../simulate/report.js';
import { describeDuration, formatDuration } from '../util/duration.js';
import { formatShort } from '../util/time.js';
import { table, type CommandOutput } from './output.js';
import { progressCounter } from './progress.js';
import { sourceFrom } from '../sources/registry.js';

export { CURRENT_POLICIES, type SimulateCommandOptions };

/** `headroom simulate <csv>`: replay the history through each policy, write the reports, compare. */
export async function simulateCommand(
  csv: string | undefined,
  given: SimulateCommandOptions,
): Promise<CommandOutput> {
  const progress = progressCounter('forecasting window');
  let run: SimulateRun;
  try {
    run = await runSimulate(sourceFrom(csv, given), given, progress.onProgress);
  } finally {
    progress.clear();
  }
  const { ingested, zone, result, described, sentence, warnings, notes } = run;
  const { series } = ingested;
  const { span } = described;
  const { files, json } = await writeSimulate(run, given.outDir);
  const { header, rows } = simulateFigureTable(run);
  const text = [
    `${ingested.file}: ${ingested.rows} rows of '${ingested.valueColumn}' → ${series.values.length} × ${formatDuration(series.stepMs)}`,
    ...settingsFacts(result, described),
    '',
    table(header, rows),
    '',
    ...(sentence ? [sentence] : []),
    exactSizingLine(result, described),
    `chart: ${described.busiest ? `the busiest ${describeDuration(span.to - span.from)}` : describeDuration(span.to - span.from)}, ${formatShort(span.from, zone)} – ${formatShort(span.to, zone)}`,
    '',
    `wrote ${files.length} files to ${given.outDir}: ${files.map((f) => f.slice(given.outDir.length).replace(/^[\\/]/, '')).join(', ')}`,
  ].join('\n');
  return { json, text, warnings, notes };
}
