/**
 * `headroom review <schedule.json> <csv>`: reads a plan made earlier and the load recorded while it
 * ran, scores one against the other (src/run/review.ts), prints the figures and writes review.png
 * and review.md (src/report/review-report.ts).
 */
import { EXIT } from '../exit-codes.js';
import {
  figureRows,
  reviewSpan,
  WORST_HEADER,
  worstRows,
  writeReview,
} from '../report/review-report.js';
import { formatReadable } from '../report/tables.js';
import { runReview, type ReviewOptions } from '../run/review.js';
import { formatDuration } from '../util/duration.js';
import { table, type CommandOutput } from './output.js';
import { sourceFrom } from '../sources/registry.js';

export type { ReviewOptions };

export async function reviewCommand(
  scheduleFile: string,
  csv: string | undefined,
  options: ReviewOptions,
): Promise<CommandOutput> {
  const run = await runReview(scheduleFile, sourceFrom(csv, options), options);
  const { schedule, settings, zone, ingested, budget, review, warnings, notes } = run;
  const { files, json } = await writeReview(run, options);
  const text = [
    `${scheduleFile}: plan for ${reviewSpan(run)}, ${formatDuration(schedule.stepMs)} steps, ${formatReadable(settings.capacityPerServer)} per server at ${Math.round(settings.targetUtilization * 100)}%`,
    `${ingested.file}: ${ingested.rows} rows of '${ingested.valueColumn}' → ${review.scoredSteps} interval(s) of ${formatDuration(ingested.series.stepMs)} inside the plan`,
    '',
    table(['', 'value'], figureRows(review, settings, budget, zone)),
    '',
    `worst hours (demand ÷ planned capacity at 100%, ${zone}):`,
    table(WORST_HEADER, worstRows(review.worst, zone)),
    '',
    `wrote ${files.length} files to ${options.outDir}: ${files.map((f) => f.slice(options.outDir.length).replace(/^[\\/]/, '')).join(', ')}`,
  ].join('\n');
  return {
    json,
    text,
    warnings,
    notes,
    ...(run.failed ? { exitCode: EXIT.overBudget } : {}),
  };
}
