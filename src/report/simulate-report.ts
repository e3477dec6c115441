/**
 * What `simulate` writes for one run: simulate.csv (a row per policy), simulate-timeline.csv
 * (every tick), simulate.json, simulate.md and simulate.png, all at once; and the JSON the command
 * prints.
 */
import { join } from 'node:path';
import type { SimulateRun } from '../run/simulate.js';
import { databaseServerLimit } from '../simulate/metrics.js';
import { summaryMarkdown } from '../simulate/report.js';
import { figureTable, policiesCsv, timelineCsv } from '../simulate/tables.js';
import { describeDuration } from '../util/duration.js';
import { writeFilesAtomically } from './atomic.js';
import { renderSimulateChart } from './simulate-chart.js';

/** The figures per policy, as the text table and simulate.md show them. */
export function simulateFigureTable(run: SimulateRun): { header: string[]; rows: string[][] } {
  const { result, described, zone } = run;
  return figureTable(result.policies, {
    targetUtilization: result.capacity.targetUtilization,
    costPerServerHour: described.costPerServerHour,
    zone,
  });
}

export async function writeSimulate(
  run: SimulateRun,
  outDir: string,
): Promise<{ files: string[]; json: Record<string, unknown> }> {
  const { result, described, zone, sentence, report, scheduled, warnings, notes } = run;
  const { span, database, warmupMs } = described;
  const { header, rows } = simulateFigureTable(run);
  const path = (name: string) => join(outDir, name);
  const files = await writeFilesAtomically([
    { path: path('simulate.csv'), content: policiesCsv(result, zone) },
    { path: path('simulate-timeline.csv'), content: timelineCsv(result, zone, scheduled) },
    { path: path('simulate.json'), content: JSON.stringify(report, null, 2) + '\n' },
    {
      path: path('simulate.md'),
      content: summaryMarkdown(result, described, { sentence, header, rows, warnings }),
    },
    {
      path: path('simulate.png'),
      content: renderSimulateChart(result, {
        zone,
        unit: described.unit,
        from: span.from,
        to: span.to,
        scheduled,
        busiest: described.busiest,
        warmup: warmupMs > 0 ? describeDuration(warmupMs) : 'none',
        ...(database ? { databaseServers: databaseServerLimit(database) } : {}),
      }),
    },
  ]);
  return { files, json: { ...report, warnings, notes, files } };
}
