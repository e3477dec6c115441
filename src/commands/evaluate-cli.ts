import { Option, type Command } from 'commander';
import { BACKTEST_DEFAULT_MODELS } from '../evaluate/backtest.js';
import { EXIT } from '../exit-codes.js';
import { SIMULATE_DEFAULTS } from '../simulate/defaults.js';
import type { BacktestOptions } from './backtest.js';
import { examples } from './help-text.js';
import {
  addCapacityOptions,
  addIngestOptions,
  addModelOptions,
  HISTORY_ARGUMENT,
} from './options.js';
import type { Runner } from './output.js';
import type { ReviewOptions } from './review.js';
import type { SimulateCommandOptions } from './simulate.js';

// The evaluation (backtest, simulate, review) commands' flags, help and actions. Their work loads only when they run.

/** Registers `headroom backtest`. */
export function registerBacktest(program: Command, run: Runner): void {
  addCapacityOptions(
    addModelOptions(
      addIngestOptions(
        program
          .command('backtest')
          .description(
            'Score every model on your own history: forecast the last windows from the history before each, then compare with what happened',
          )
          .argument('[csv]', HISTORY_ARGUMENT),
      ),
    ),
  )
    .option(
      '--models <list>',
      `comma-separated models to compare (default ${BACKTEST_DEFAULT_MODELS.join(',')})`,
    )
    .option(
      '--origins <n>',
      'how many windows of --horizon to backtest, the last one ending with the history',
      '4',
    )
    .option('--out-dir <dir>', 'where to write the reports', 'reports')
    .option('--unit <label>', 'unit of the load for the chart, e.g. "requests/h"')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      examples(
        'headroom backtest data/nyc_taxi.csv --agg sum',
        'headroom backtest data/elb_request_count_8c0756.csv --agg sum --horizon 2d --origins 3',
        'headroom backtest load.csv --models auto,ridge --quantile 0.95 --capacity-per-server 800',
      ) +
        '\nWrites backtest.csv, backtest.json, backtest.png and calibration.png (promised against realised\ncoverage of the forecast distribution). Without --horizon, windows are shortened to fit the\nhistory (a week before the first, when there is one).\n',
    )
    .action((csv: string | undefined, options: BacktestOptions, command: Command) => {
      const given = (name: string) => command.getOptionValueSource(name) === 'cli';
      return run(
        async () =>
          (await import('./backtest.js')).backtestCommand(csv, {
            ...options,
            horizonGiven: given('horizon'),
            modelGiven: given('model'),
          }),
        options.json,
      );
    });
}

/** Registers `headroom simulate`. */
export function registerSimulate(program: Command, run: Runner): void {
  const simulate = addCapacityOptions(
    addModelOptions(
      addIngestOptions(
        program
          .command('simulate')
          .description(
            'What prediction buys: replay past windows minute by minute through target tracking (HPA), step scaling, the schedule alone, and the schedule under target tracking',
          )
          .argument('[csv]', HISTORY_ARGUMENT),
      ),
    ),
  ).option(
    '--origins <n>',
    'how many windows of --horizon to replay, the last one ending with the history; each is planned from only the history before it',
    SIMULATE_DEFAULTS.origins,
  );
  addPolicyOptions(simulate)
    .option('--out-dir <dir>', 'where to write the reports', 'reports')
    .option(
      '--chart-start <time>',
      'the chart shows a week from this time (default: the busiest week of the replay)',
    )
    .option('--unit <label>', 'unit of the load for the chart, e.g. "requests/s"')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      examples(
        'headroom simulate data/nyc_taxi.csv --agg sum --timezone America/New_York --capacity-per-server 2000 --min-servers 2',
        'headroom simulate requests.csv --capacity-per-server 800 --warmup 3m --cost-per-server-hour 0.192',
        'headroom simulate requests.csv --capacity-per-server 800 --hpa-behavior hpa.yaml --current hpa',
        '# a database rule of thumb: 5 servers × 150 connections = 750',
        'headroom simulate load.csv --db-connections-per-server 150 --db-max-connections 750 --db-limit cap',
      ) +
        '\nWrites simulate.csv (one row per policy), simulate-timeline.csv (every tick), simulate.json,\nsimulate.md and simulate.png (the busiest week).\n',
    )
    .action((csv: string | undefined, options: SimulateCommandOptions, command: Command) =>
      run(
        async () =>
          (await import('./simulate.js')).simulateCommand(csv, {
            ...options,
            horizonGiven: command.getOptionValueSource('horizon') === 'cli',
          }),
        options.json,
      ),
    );
}

/** simulate's flags for the policies it replays and the database limit. */
function addPolicyOptions(command: Command): Command {
  return command
    .option(
      '--tick <duration>',
      'simulation step; demand is interpolated within each interval',
      SIMULATE_DEFAULTS.tick,
    )
    .option(
      '--warmup <duration>',
      'a new server serves nothing until this long after launch',
      SIMULATE_DEFAULTS.warmup,
    )
    .option(
      '--lead-time <duration>',
      "launch the schedule's scale-ups this early (default: --warmup)",
    )
    .option(
      '--min-hold <duration>',
      "fill the schedule's dips shorter than this, as push does",
      SIMULATE_DEFAULTS.minHold,
    )
    .option('--cost-per-server-hour <amount>', 'price of one server for an hour, for the cost row')
    .option(
      '--hpa-tolerance <fraction>',
      'no HPA scaling while utilisation is this close to target',
      SIMULATE_DEFAULTS.hpaTolerance,
    )
    .option(
      '--hpa-behavior <file>',
      "your HPA's behavior: a HorizontalPodAutoscaler manifest or a behavior mapping, YAML or JSON (default: up 50% or 5 pods a minute, down 10% a minute after 300 s)",
    )
    .option(
      '--step-up <fraction>',
      'step scaling: add servers when most readings are above this',
      SIMULATE_DEFAULTS.stepUp,
    )
    .option(
      '--step-down <fraction>',
      'step scaling: remove servers when most readings are below this',
      SIMULATE_DEFAULTS.stepDown,
    )
    .option(
      '--step-readings <n>',
      'step scaling: how many of the latest 1-tick readings are looked at',
      SIMULATE_DEFAULTS.stepReadings,
    )
    .option(
      '--step-cooldown <duration>',
      'step scaling: no action this long after the last',
      SIMULATE_DEFAULTS.stepCooldown,
    )
    .option(
      '--step-size <n>',
      'step scaling: servers added or removed per action',
      SIMULATE_DEFAULTS.stepSize,
    )
    .option('--db-connections-per-server <n>', 'database connections each server holds')
    .option('--db-max-connections <n>', 'connections the database allows')
    .addOption(
      new Option(
        '--db-limit <mode>',
        'flag: report fleets that would exceed the database; cap: never run more servers than it allows',
      )
        .choices(['flag', 'cap'])
        .default(SIMULATE_DEFAULTS.dbLimit),
    )
    .addOption(
      new Option(
        '--current <policy>',
        'the policy you run now, which the summary compares prediction with',
      )
        .choices(['hpa', 'step'])
        .default(SIMULATE_DEFAULTS.current),
    );
}

/** Registers `headroom review`. */
export function registerReview(program: Command, run: Runner): void {
  const review = addIngestOptions(
    program
      .command('review')
      .description(
        'Score a plan made earlier against the load that came after it: hours above 100% of capacity against its risk budget, server-hours against a plan that knew the demand, the worst hours',
      )
      .argument('<schedule>', 'a schedule.json written by `headroom plan`')
      .argument(
        '[csv]',
        'the load recorded while the plan ran, read as for `plan` (a file, - or a remote source)',
      ),
  );
  // The load is read at the plan's own interval, in the plan's zone, unless told otherwise.
  for (const option of review.options) {
    if (option.long === '--interval' || option.long === '--timezone') {
      option.defaultValue = undefined;
      review.setOptionValueWithSource(option.attributeName(), undefined, 'default');
      option.description =
        option.long === '--interval'
          ? "resample to this step (default: the plan's interval)"
          : "zone of naive timestamps in the CSV (default: the plan's zone, in which times are reported)";
    }
  }
  review
    .option(
      '--budget <share>',
      "the share of hours allowed above 100% of capacity (1%, 0.02); default: the plan's --risk, or what it expected",
    )
    .option(
      '--fail-over-budget',
      `exit with code ${EXIT.overBudget} when the share of hours above 100% is over the budget`,
    )
    .option(
      '--metric-name <name>',
      'with a plan of several metrics: the one this load is, scored at its capacity per server',
    )
    .option('--out-dir <dir>', 'where to write review.png and review.md', 'reports')
    .option('--unit <label>', 'unit of the load for the chart, e.g. "requests/s"')
    .option('--json', 'print every figure as JSON')
    .addHelpText(
      'after',
      examples(
        'headroom plan history.csv --capacity-per-server 800 --horizon 7d   # writes reports/schedule.json',
        'headroom review reports/schedule.json last-week.csv',
        'headroom review schedule.json load.csv --agg sum --fail-over-budget --out-dir reports/review',
      ) +
        `\nScores the CSV's intervals inside the plan's span against the servers the schedule held then.\nRead the CSV with the same --agg and --value-column as the plan. Writes review.png and review.md.\nExit code ${EXIT.overBudget} with --fail-over-budget when the plan went over its budget.\n`,
    )
    .action((schedule: string, csv: string | undefined, options: ReviewOptions) =>
      run(
        async () => (await import('./review.js')).reviewCommand(schedule, csv, options),
        options.json,
      ),
    );
}
