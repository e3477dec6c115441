import { existsSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import pc from 'picocolors';
import type { BacktestOptions } from './commands/backtest.js';
import type { FitOptions } from './commands/fit.js';
import type { ForecastOptions } from './commands/forecast.js';
import type { GenerateOptions } from './commands/generate.js';
import {
  addCapacityOptions,
  addIngestOptions,
  addModelOptions,
  allowOutsideConfigDirOption,
} from './commands/options.js';
import type { Runner } from './commands/output.js';
import type { FleetOptions } from './commands/fleet.js';
import type { InitOptions } from './commands/init.js';
import type { PlanOptions } from './commands/plan.js';
import type { ReportOptions } from './commands/report.js';
import type { ReviewOptions } from './commands/review.js';
import { registerPushAws, registerPushK8s } from './commands/push-cli.js';
import type { SimulateCommandOptions } from './commands/simulate.js';
import { SIMULATE_DEFAULTS } from './simulate/defaults.js';
import { CONFIG_FILE } from './config/file-name.js';
import { GuardrailError, RemoteError, UserError } from './errors.js';
import { EXIT } from './exit-codes.js';
import { BACKTEST_DEFAULT_MODELS } from './evaluate/backtest.js';
import { modelSummaries } from './models/registry.js';

export { EXIT };

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

function buildProgram(io: Io, run: Runner): Command {
  const program = new Command('headroom')
    .description(
      'Forecast load from CSV history and plan the servers it needs, with a scaling schedule.',
    )
    .version('0.1.0')
    .option('-q, --quiet', 'print only results and errors: no notes, warnings or progress')
    .option('--verbose', 'also print how long the command took and its peak memory')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

  addModelOptions(
    addIngestOptions(
      program
        .command('forecast')
        .description('Forecast the next --horizon of a load history, with a planning band')
        .argument('<csv>', 'history: a timestamp column and a numeric load column'),
    ),
  )
    .option('--out <file>', 'where to write the forecast CSV', 'reports/forecast.csv')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      examples(
        'headroom forecast data/nyc_taxi.csv --agg sum --timezone America/New_York',
        'headroom forecast cpu.csv --horizon 2d --interval 15m --quantile 0.95 --json',
        'headroom forecast load.csv --model-file model.json',
      ) + `\nModels:\n${modelSummaries()}\n`,
    )
    .action((csv: string, options: ForecastOptions) =>
      run(
        async () => (await import('./commands/forecast.js')).forecastCommand(csv, options),
        options.json,
      ),
    );

  addCapacityOptions(
    addModelOptions(
      addIngestOptions(
        program
          .command('plan')
          .description(
            'Forecast, then turn the forecast into servers and a scaling schedule with reports; with --config (or a headroom.yaml here), every service of a fleet',
          )
          .argument('[csv]', 'history: a timestamp column and a numeric load column'),
      ),
    ),
  )
    .option('--out-dir <dir>', 'where to write the reports', 'reports')
    .option('--unit <label>', 'unit of the load for charts, e.g. "requests/s"')
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
        '# the rule of thumb max(2, floor(2 + load/100 × 1.2)) on the point forecast:',
        'headroom plan load.csv --model linear --plan-on point --capacity-per-server 100 \\\n      --target-utilization 1 --headroom 0.2 --base-servers 2 --min-servers 2 --rounding floor',
      ) +
        '\nWrites forecast.csv, plan.csv, schedule.csv, schedule.json, forecast.png, plan.png (not with --no-charts) and summary.md.\n' +
        'With --config: one folder of those per service, and index.html and summary.md for the fleet.\n',
    )
    .option(
      '--config <file>',
      `plan every service of a config file (default: ./${CONFIG_FILE} when no CSV is given)`,
    )
    .addOption(allowOutsideConfigDirOption())
    .option('--workers <n>', 'with --config: services planned in parallel (default: one per core)')
    .option(
      '--max-series <n>',
      'with --config: the most series a long-format file (seriesColumn) may split into (default 10000)',
    )
    .option(
      '--shard <i/n>',
      'with --config: plan only the i-th of n parts of the fleet (1-based, e.g. 2/4) and write reports/fleet-part-<i>-of-<n>.json for `headroom report --merge`',
    )
    .action((csv: string | undefined, options: FleetOptions, command: Command) => {
      const config = options.config ?? (csv === undefined ? CONFIG_FILE : undefined);
      if (csv !== undefined && options.config !== undefined) {
        throw new UserError('give either a CSV or --config, not both');
      }
      if (config === undefined && options.shard !== undefined) {
        throw new UserError(
          '--shard splits a fleet: use it with --config (or a headroom.yaml), not with a CSV',
        );
      }
      if (config === undefined)
        return run(
          async () => (await import('./commands/plan.js')).planCommand(csv!, options),
          options.json,
        );
      if (options.config === undefined && !existsSync(CONFIG_FILE)) {
        throw new UserError(
          `nothing to plan: give a CSV, or --config, or put a ${CONFIG_FILE} in this folder`,
          '`headroom init <csv>` writes a starter config',
        );
      }
      const explicit = new Set(
        command.options
          .map((o) => o.attributeName())
          .filter((name) => command.getOptionValueSource(name) === 'cli'),
      );
      const quiet = Boolean(command.optsWithGlobals().quiet);
      return run(
        async () =>
          (await import('./commands/fleet.js')).planFleetCommand(
            config,
            { ...options, quiet },
            explicit,
          ),
        options.json,
      );
    });

  addCapacityOptions(
    addModelOptions(
      addIngestOptions(
        program
          .command('backtest')
          .description(
            'Score every model on your own history: forecast the last windows from the history before each, then compare with what happened',
          )
          .argument('<csv>', 'history: a timestamp column and a numeric load column'),
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
    .action((csv: string, options: BacktestOptions, command: Command) => {
      const given = (name: string) => command.getOptionValueSource(name) === 'cli';
      return run(
        async () =>
          (await import('./commands/backtest.js')).backtestCommand(csv, {
            ...options,
            horizonGiven: given('horizon'),
            modelGiven: given('model'),
          }),
        options.json,
      );
    });

  addCapacityOptions(
    addModelOptions(
      addIngestOptions(
        program
          .command('simulate')
          .description(
            'What prediction buys: replay past windows minute by minute through target tracking (HPA), step scaling, the schedule alone, and the schedule under target tracking',
          )
          .argument('<csv>', 'history: a timestamp column and a numeric load column'),
      ),
    ),
  )
    .option(
      '--origins <n>',
      'how many windows of --horizon to replay, the last one ending with the history; each is planned from only the history before it',
      SIMULATE_DEFAULTS.origins,
    )
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
    )
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
    .action((csv: string, options: SimulateCommandOptions, command: Command) =>
      run(
        async () =>
          (await import('./commands/simulate.js')).simulateCommand(csv, {
            ...options,
            horizonGiven: command.getOptionValueSource('horizon') === 'cli',
          }),
        options.json,
      ),
    );

  const review = addIngestOptions(
    program
      .command('review')
      .description(
        'Score a plan made earlier against the load that came after it: hours above 100% of capacity against its risk budget, server-hours against a plan that knew the demand, the worst hours',
      )
      .argument('<schedule>', 'a schedule.json written by `headroom plan`')
      .argument('<csv>', 'the load recorded while the plan ran, read as for `plan`'),
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
    .action((schedule: string, csv: string, options: ReviewOptions) =>
      run(
        async () => (await import('./commands/review.js')).reviewCommand(schedule, csv, options),
        options.json,
      ),
    );

  addModelOptions(
    addIngestOptions(
      program
        .command('fit')
        .description('Fit a model, print its fit statistics, and optionally save it for reuse')
        .argument('<csv>', 'history: a timestamp column and a numeric load column'),
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
    .action((csv: string, options: FitOptions) =>
      run(async () => (await import('./commands/fit.js')).fitCommand(csv, options), options.json),
    );

  addCapacityOptions(addModelOptions(program.command('demo')))
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
        async () => (await import('./commands/demo.js')).demoCommand({ ...defaults, ...options }),
        options.json,
      );
    });

  program
    .command('report')
    .description(
      'Join the part files of a sharded fleet run (plan --config … --shard i/n) into index.html and summary.md',
    )
    .option(
      '--merge <paths...>',
      'part files, or folders whose fleet-part-*.json files are the parts (each service folder beside its part)',
    )
    .option(
      '--out-dir <dir>',
      "where to write index.html and summary.md (default: the parts' folder)",
    )
    .option(
      '--allow-missing',
      'write a partial report, naming the missing shards, instead of failing',
    )
    .option('--json', 'print the merged summary as JSON')
    .addHelpText(
      'after',
      examples(
        'headroom plan --config headroom.yaml --shard 1/2 && headroom plan --config headroom.yaml --shard 2/2',
        'headroom report --merge reports',
        'headroom report --merge parts/*/fleet-part-*.json --out-dir reports --allow-missing',
      ) +
        '\nChecks that the parts belong together (the same n and fleet, each shard and service once).\nExit code 5 when a merged service failed, as an unsharded run.\n',
    )
    .action((options: ReportOptions) =>
      run(async () => (await import('./commands/report.js')).reportCommand(options), options.json),
    );

  const push = program
    .command('push')
    .description(
      'Push a schedule to AWS Auto Scaling or Kubernetes: shows the change first, applies it with --apply',
    );
  registerPushAws(push, run);
  registerPushK8s(push, run);

  addIngestOptions(
    program
      .command('init')
      .description('Inspect a CSV and write a starter headroom.yaml for it, every key commented')
      .argument('<csv>', 'a history to plan'),
  )
    .option('--out <file>', 'where to write the config', CONFIG_FILE)
    .option('--force', 'replace an existing file')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      examples(
        'headroom init data/requests.csv',
        'headroom init metrics/api.csv --timezone Europe/Berlin --out capacity/headroom.yaml',
      ),
    )
    .action((csv: string, options: InitOptions) =>
      run(async () => (await import('./commands/init.js')).initCommand(csv, options), options.json),
    );

  program
    .command('generate')
    .description('Write a synthetic hourly load (daily cycle, quiet weekends, growth, noise)')
    .option('--days <n>', 'how many days', '30')
    .option('--seed <n>', 'random seed, for reproducible data', '42')
    .option('--start <date>', 'first timestamp (UTC)', '2024-01-01')
    .option('--out <file>', 'write here instead of to stdout')
    .addHelpText(
      'after',
      examples(
        'headroom generate --days 30 --out load.csv',
        'headroom generate --days 60 --seed 7 > load.csv',
      ),
    )
    .action((options: GenerateOptions) =>
      run(async () => (await import('./commands/generate.js')).generateCommand(options)),
    );

  program
    .command('completion')
    .argument('<shell>', 'bash, zsh or fish')
    .description('Print a shell completion script for headroom')
    .addHelpText(
      'after',
      examples(
        'source <(headroom completion bash)        # in ~/.bashrc',
        'source <(headroom completion zsh)         # in ~/.zshrc',
        'headroom completion fish > ~/.config/fish/completions/headroom.fish',
      ),
    )
    .action((shell: string) =>
      run(async () => (await import('./commands/completion.js')).completionCommand(shell, program)),
    );

  return program;
}

/** Runs the CLI and returns the exit code; never calls process.exit, so tests can call it too. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const started = performance.now();
  let program: Command | undefined;
  const run: Runner = async (work, json) => {
    const output = await work();
    const { quiet, verbose } = program?.opts() ?? {};
    exitCode = output.exitCode ?? EXIT.ok;
    if (!quiet) {
      for (const note of output.notes) io.stderr(`${pc.dim('note:')} ${note}\n`);
      for (const warning of output.warnings)
        io.stderr(`${pc.yellow('warning:')} ${warning.message}\n`);
    }
    io.stdout(json ? JSON.stringify(output.json, null, 2) + '\n' : output.text + '\n');
    if (verbose) {
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      const peak = Math.round(process.resourceUsage().maxRSS / 1024);
      io.stderr(`${pc.dim('done:')} ${seconds} s, peak memory ${peak} MB\n`);
    }
  };
  try {
    program = buildProgram(io, run);
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UserError) {
      io.stderr(`${pc.red('error:')} ${error.message}\n`);
      if (error.hint) io.stderr(`  ${pc.dim('hint:')} ${error.hint}\n`);
      if (error instanceof GuardrailError) return EXIT.refused;
      if (error instanceof RemoteError) return EXIT.remote;
      return EXIT.usage;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr(
      `${pc.red('internal error')} (this is a bug in headroom; please report it):\n${detail}\n`,
    );
    return EXIT.internal;
  }
}
