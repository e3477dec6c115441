import type { Command } from 'commander';
import { CONFIG_FILE } from '../config/file-name.js';
import type { GenerateOptions } from './generate.js';
import { examples } from './help-text.js';
import type { InitOptions } from './init.js';
import { addIngestOptions } from './options.js';
import type { Runner } from './output.js';
import type { ReportOptions } from './report.js';

// The fleet report, setup and shell commands' flags, help and actions. Their work loads only when they run.

/** Registers `headroom report`. */
export function registerReport(program: Command, run: Runner): void {
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
      run(async () => (await import('./report.js')).reportCommand(options), options.json),
    );
}

/** Registers `headroom init`. */
export function registerInit(program: Command, run: Runner): void {
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
      run(async () => (await import('./init.js')).initCommand(csv, options), options.json),
    );
}

/** Registers `headroom generate`. */
export function registerGenerate(program: Command, run: Runner): void {
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
      run(async () => (await import('./generate.js')).generateCommand(options)),
    );
}

/** Registers `headroom completion`. */
export function registerCompletion(program: Command, run: Runner): void {
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
      run(async () => (await import('./completion.js')).completionCommand(shell, program)),
    );
}
