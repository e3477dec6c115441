import { firstDesignSample } from '../data/synthetic.js';
import { UserError } from '../errors.js';
import { parseTimestamp } from '../ingest/timestamp.js';
import { writeFilesAtomically } from '../report/atomic.js';
import { formatTimestamp } from '../util/time.js';
import type { CommandOutput } from './output.js';

export interface GenerateOptions {
  days: string;
  seed: string;
  start: string;
  out?: string;
}

export async function generateCommand(options: GenerateOptions): Promise<CommandOutput> {
  const days = Number(options.days);
  if (!Number.isInteger(days) || days < 1 || days > 3650) {
    throw new UserError(
      `--days: expected a whole number of days from 1 to 3650, got '${options.days}'`,
    );
  }
  const seed = Number(options.seed);
  if (!Number.isInteger(seed))
    throw new UserError(`--seed: expected a whole number, got '${options.seed}'`);
  const start = parseTimestamp(options.start, 'UTC').ms;
  if (Number.isNaN(start))
    throw new UserError(`--start: expected a date like 2024-01-01, got '${options.start}'`);
  const { times, load } = firstDesignSample({ days, seed, start });
  const csv =
    ['timestamp,load', ...times.map((t, i) => `${formatTimestamp(t)},${load[i].toFixed(2)}`)].join(
      '\n',
    ) + '\n';
  if (!options.out)
    return { json: { rows: times.length }, text: csv.trimEnd(), warnings: [], notes: [] };
  await writeFilesAtomically([{ path: options.out, content: csv }]);
  return {
    json: { rows: times.length, file: options.out },
    text: `wrote ${times.length} hourly rows (${days} days, seed ${seed}) to ${options.out}`,
    warnings: [],
    notes: [],
  };
}
