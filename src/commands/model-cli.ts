import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { CONFIG_FILE } from '../config/file-name.js';
import { UserError } from '../errors.js';
import { modelSummaries } from '../models/registry.js';
import type { FitOptions } from './fit.js';
import type { FleetOptions } from './fleet.js';
import type { ForecastOptions } from './forecast.js';
import { examples } from './help-text.js';
import {
  addCapacityOptions,
  addIngestOptions,
  addScheduleOptions,
  addModelOptions,
  allowOutsideConfigDirOption,
  HISTORY_ARGUMENT,
  metricOption,
} from './options.js';
import type { Runner } from './output.js';
import type { PlanOptions } from './plan.js';
import { namesRemoteSource } from '../sources/registry.js';
import { DEFAULT_MAX_STALENESS } from '../schedule/freshness.js';

// The forecasting and planning commands' flags, help and actions. Their work loads only when they run.

/** Registers `headroom forecast`. */
export function registerForecast(program: Command, run: Runner): void {
  addModelOptions(
    addIngestOptions(
      program
        .command('forecast')
        .description('Forecast the next --horizon of a load history, with a planning band')
        .argument('[csv]', HISTORY_ARGUMENT),
    ),
  )
    .option(
      '--out <file>',
      'where to write the forecast CSV; - for standard output',
      'reports/forecast.csv',
    )
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      examples(
        'headroom forecast data/nyc_taxi.csv --agg sum --timezone America/New_York',
        'headroom forecast cpu.csv --horizon 2d --interval 15m --quantile 0.95 --json',
        'headroom forecast load.csv --model-file model.json',
      ) + `\nModels:\n${modelSummaries()}\n`,
    )
    .action((csv: string | undefined, options: ForecastOptions) =>
      run(async () => (await import('./forecast.js')).forecastCommand(csv, options), options.json),
    );
}

/** Registers `headroom plan`: one CSV, or every service of a config file. */
export function registerPlan(program: Command, run: Runner): void {
  addScheduleOptions(
    addCapacityOptions(
      addModelOptions(
        addIngestOptions(
          program
            .command('plan')
            .description(
              'Forecast, then turn the forecast into servers and the scaling schedule that push applies, with reports; with --config (or a headroom.yaml here), every service of a fleet',
            )
            .argument('[csv]', HISTORY_ARGUMENT),
        ),
      ),
    ),
  )
    .addOption(metricOption())
    .option('--out-dir <dir>', 'where to write the reports', 'reports')
    .option('--unit <label>', 'unit of the load for charts, e.g. "requests/s"')
    .option(
      '--max-staleness <duration>',
      "warn when the history's last timestamp is older than this (`push` refuses such a plan)",
      DEFAULT_MAX_STALENESS,
    )
    .option(
      '--no-charts',
      'draw no forecast.png or plan.png (the slowest report; for fleets planned in CI); summary.md and index.html go without them',
    )
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      examples(
        'headroom plan requests.csv --capacity-per-server 800 --min-servers 2 --max-servers 40',
        'headroom plan data/elb_request_count_8c0756.csv --agg sum --capacity-per-server 300',
        '# several metrics: the most servers any of them needs, hour by hour',
        "headroom plan --metric 'requests=rps.csv,capacity=1000' --metric 'cpu=cpu.csv,capacity=100,target=0.7,agg=mean'",
        '# the rule of thumb max(2, floor(2 + load/100 × 1.2)) on the point forecast:',
        'headroom plan load.csv --model linear --plan-on point --capacity-per-server 100 \\\n      --target-utilization 1 --headroom 0.2 --base-servers 2 --min-servers 2 --rounding floor',
      ) +
        '\nWrites forecast.csv, plan.csv, schedule.csv, schedule.json, forecast.png, plan.png (not with --no-charts), summary.md and index.html.\n' +
        'With --config: one folder of those per service (without index.html), and index.html and summary.md for the fleet.\n',
    )
    .option(
      '--config <file>',
      `plan every service of a config file (default: ./${CONFIG_FILE} when no CSV is given)`,
    )
    .addOption(allowOutsideConfigDirOption())
    .option(
      '--workers <n>',
      'with --config or --series-column: services planned in parallel (default: one per core)',
    )
    .option(
      '--max-series <n>',
      'with --config or --series-column: the most series a long-format file may split into (default 10000)',
    )
    .option(
      '--shard <i/n>',
      'with --config: plan only the i-th of n parts of the fleet (1-based, e.g. 2/4) and write reports/fleet-part-<i>-of-<n>.json for `headroom report --merge`',
    )
    .action((csv: string | undefined, options: FleetOptions, command: Command) =>
      planAction(run, csv, options, command),
    );
}

/** Runs `headroom plan`: one history, a long-format file split by series, or a fleet. */
function planAction(
  run: Runner,
  csv: string | undefined,
  options: FleetOptions,
  command: Command,
): Promise<void> {
  const config = planConfigFile(csv, options);
  const explicit = new Set(
    command.options
      .map((o) => o.attributeName())
      .filter((name) => command.getOptionValueSource(name) === 'cli'),
  );
  const quiet = Boolean(command.optsWithGlobals().quiet);
  if (csv !== undefined && options.seriesColumn !== undefined && options.series === undefined) {
    // A long-format file: one plan per series, written as a fleet.
    return run(
      async () =>
        (await import('./fleet.js')).planLongCsvCommand(csv, { ...options, quiet }, explicit),
      options.json,
    );
  }
  if (config === undefined)
    return run(async () => (await import('./plan.js')).planCommand(csv, options), options.json);
  if (options.config === undefined && !existsSync(CONFIG_FILE)) {
    throw new UserError(
      `nothing to plan: give a CSV, or --config, or put a ${CONFIG_FILE} in this folder`,
      '`headroom init <csv>` writes a starter config',
    );
  }
  return run(
    async () =>
      (await import('./fleet.js')).planFleetCommand(config, { ...options, quiet }, explicit),
    options.json,
  );
}

/**
 * The config file `headroom plan` reads (./headroom.yaml when it is given no history), or
 * undefined when it plans one history; a UserError when the inputs given conflict.
 */
function planConfigFile(csv: string | undefined, options: FleetOptions): string | undefined {
  const single =
    csv !== undefined || namesRemoteSource(options) || (options.metric ?? []).length > 0;
  if (options.config !== undefined && options.metric !== undefined) {
    throw new UserError(
      'give either --config or --metric, not both',
      'a service of the config names its metrics in a metrics: list',
    );
  }
  const config = options.config ?? (single ? undefined : CONFIG_FILE);
  if (csv !== undefined && options.config !== undefined) {
    throw new UserError('give either a CSV or --config, not both');
  }
  if (options.config !== undefined && namesRemoteSource(options)) {
    throw new UserError(
      'give either --config or a source to read (--prometheus), not both',
      'a service of the config reads a remote source with a source: block',
    );
  }
  if (config === undefined && options.shard !== undefined) {
    throw new UserError(
      '--shard splits a fleet: use it with --config (or a headroom.yaml), not with a CSV',
    );
  }
  return config;
}

/** Registers `headroom fit`. */
export function registerFit(program: Command, run: Runner): void {
  addModelOptions(
    addIngestOptions(
      program
        .command('fit')
        .description('Fit a model, print its fit statistics, and optionally save it for reuse')
        .argument('[csv]', HISTORY_ARGUMENT),
    ),
  )
    .option('--save <file>', 'save the fitted model (JSON) for --model-file')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      examples(
        'headroom fit load.csv --model linear --save model.json',
        'headroom forecast load.csv --model-file model.json',
      ),
    )
    .action((csv: string | undefined, options: FitOptions) =>
      run(async () => (await import('./fit.js')).fitCommand(csv, options), options.json),
    );
}

/** Registers `headroom demo`. */
export function registerDemo(program: Command, run: Runner): void {
  addScheduleOptions(addCapacityOptions(addModelOptions(program.command('demo'))))
    .description('Plan capacity for the bundled NYC taxi history and write the reports')
    .option('--out-dir <dir>', 'where to write the reports', 'reports')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      examples('headroom demo', 'headroom demo --out-dir /tmp/demo --quantile 0.95'),
    )
    .action((options: PlanOptions) => {
      const defaults = {
        timezone: 'UTC',
        duplicates: 'mean',
        interval: '1h',
        agg: 'mean',
        fillGaps: '6h',
        gapFill: 'linear',
      };
      return run(
        async () => (await import('./demo.js')).demoCommand({ ...defaults, ...options }),
        options.json,
      );
    });
}
