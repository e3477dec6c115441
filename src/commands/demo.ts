import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandOutput } from './output.js';
import { planCommand, type PlanOptions } from './plan.js';

/** The bundled history: NYC taxi passengers per 30 minutes (Numenta Anomaly Benchmark, MIT). */
export const DEMO_DATA = fileURLToPath(new URL('../../data/nyc_taxi.csv', import.meta.url));

/** Settings for the demo: passengers summed per hour, one server per 2,000 passengers an hour. */
export const DEMO_SETTINGS = {
  timezone: 'America/New_York',
  agg: 'sum',
  capacityPerServer: '2000',
  minServers: '2',
  unit: 'passengers/h',
} as const;

export async function demoCommand(options: PlanOptions): Promise<CommandOutput> {
  const nearby = relative(process.cwd(), DEMO_DATA);
  const file = nearby.startsWith('..') || isAbsolute(nearby) ? DEMO_DATA : nearby;
  // The bundled history is from 2015: its age is no news here (`push` would refuse it).
  const output = await planCommand(file, { ...options, ...DEMO_SETTINGS }, null);
  return {
    ...output,
    text: [
      `headroom demo: planning NYC taxi demand (data/nyc_taxi.csv) as if each server handled 2,000 passengers an hour.`,
      `The history is from January 2015, so the plan is for February 2015: \`push\` refuses a plan from a history that old (--max-staleness).`,
      '',
      output.text,
      '',
      `Open ${options.outDir}/index.html (the summary with both charts) to see the plan, or summary.md, forecast.png and plan.png beside it.`,
      `Run the same on your data: headroom plan your.csv --capacity-per-server N`,
    ].join('\n'),
  };
}
