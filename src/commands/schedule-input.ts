import type { Command } from 'commander';
import { DEFAULT_MAX_STALENESS } from '../schedule/freshness.js';
import { addCapacityOptions, addIngestOptions, addModelOptions, metricOption } from './options.js';

// The flags of every push command that say which schedule to push (src/run/schedule.ts reads it).

/** `[csv]`, --schedule, how to shape the schedule, and every plan flag for planning on the fly. */
export function addScheduleSourceOptions(command: Command): Command {
  return addCapacityOptions(
    addModelOptions(
      addIngestOptions(
        command
          .argument('[csv]', 'history to plan from now (instead of --schedule)')
          .addOption(metricOption())
          .option('--schedule <file>', 'a schedule.json written by `headroom plan`')
          .option(
            '--lead-time <duration>',
            'start every scale-up this early, so new capacity is warm when demand arrives',
            '5m',
          )
          .option(
            '--min-hold <duration>',
            'fill dips shorter than this instead of scaling in and straight out again',
            '2h',
          )
          .option(
            '--max-staleness <duration>',
            'refuse (exit 4, see --force) a plan whose history ended longer ago than this',
            DEFAULT_MAX_STALENESS,
          ),
      ),
    ),
  );
}
