import type { Command } from 'commander';
import { DEFAULT_MAX_STALENESS } from '../schedule/freshness.js';
import {
  addCapacityOptions,
  addScheduleOptions,
  addIngestOptions,
  addModelOptions,
  metricOption,
} from './options.js';

// The flags of every push command that say which schedule to push (src/run/schedule.ts reads it).

/**
 * `[csv]`, --schedule, and every plan flag for planning on the fly (with how to shape the
 * schedule: a saved schedule.json is pushed as it was shaped).
 */
export function addScheduleSourceOptions(command: Command): Command {
  return addScheduleOptions(
    addCapacityOptions(
      addModelOptions(
        addIngestOptions(
          command
            .argument('[csv]', 'history to plan from now (instead of --schedule)')
            .addOption(metricOption())
            .option('--schedule <file>', 'a schedule.json written by `headroom plan`')
            .option(
              '--max-staleness <duration>',
              'refuse (exit 4, see --force) a plan whose history ended longer ago than this',
              DEFAULT_MAX_STALENESS,
            ),
        ),
      ),
    ),
  );
}
