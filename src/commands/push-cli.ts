import { Option, type Command } from 'commander';
import { UserError } from '../errors.js';
import {
  isShared,
  type PushContext,
  type PushOptions,
  type PushTargetDefinition,
} from '../targets/definition.js';
import { PUSH_TARGETS } from '../targets/registry.js';
import type { Runner } from './output.js';
import { allowOutsideConfigDirOption } from './options.js';
import { examples } from './help-text.js';
import { addScheduleSourceOptions } from './schedule-input.js';

// `headroom push` and one subcommand per target of src/targets/registry.ts, made from its
// definition. A target's work (the AWS SDK, the Kubernetes client) loads only when it runs.

/** Flags given explicitly on the command line: they win over the config file. */
export function explicitFlags(command: Command): Set<string> {
  return new Set(
    command.options
      .map((o) => o.attributeName())
      .filter((name) => command.getOptionValueSource(name) === 'cli'),
  );
}

/** Registers `headroom push` and a subcommand for each target. */
export function registerPush(program: Command, run: Runner): void {
  const labels = PUSH_TARGETS.map((t) => t.label);
  const where =
    labels.length > 1 ? `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}` : labels[0];
  // Each target's first example, under the group's own help.
  const firsts = PUSH_TARGETS.map((t) => /\$ (headroom .*)/.exec(t.epilogue)?.[1]).filter(
    (line): line is string => line !== undefined,
  );
  const push = program
    .command('push')
    .description(`Push a schedule to ${where}: shows the change first, applies it with --apply`)
    .addHelpText('after', examples(...firsts));
  for (const target of PUSH_TARGETS) registerTarget(push, run, target);
}

/** `headroom push <name>`: the schedule's flags, the target's own, its help; its run or a fleet's. */
function registerTarget(push: Command, run: Runner, target: PushTargetDefinition): void {
  const command = addScheduleSourceOptions(
    push.command(target.name).description(target.description),
  );
  const configHelp = `push every service of a headroom.yaml that has a push.${target.name} block`;
  const flags = target.flags.some((f) => !isShared(f) && f.flag.startsWith('--config '))
    ? target.flags
    : [...target.flags, { flag: '--config <file>', help: configHelp }];
  for (const flag of flags) {
    if (isShared(flag)) continue; // already a flag of its group
    const option = new Option(flag.flag, flag.help);
    if (flag.choices) option.choices(flag.choices);
    if (flag.default !== undefined) option.default(flag.default);
    command.addOption(option);
    if (flag.flag.startsWith('--config ')) command.addOption(allowOutsideConfigDirOption());
  }
  // A dry run is what every push does without --apply; scripts that say so are not refused.
  command.addOption(new Option('--dry-run', 'the default: show the change, make none').hideHelp());
  command
    .option('--json', 'print the result as JSON')
    .addHelpText('after', target.epilogue)
    .action((csv: string | undefined, options: PushOptions, cmd: Command) => {
      if (options.dryRun && options.apply) {
        throw new UserError(
          '--dry-run and --apply exclude each other',
          'drop --apply to only see the change (a dry run is the default)',
        );
      }
      const context: PushContext = {
        now: () => Date.now(),
        stepSummary: process.env.GITHUB_STEP_SUMMARY,
        explicit: explicitFlags(cmd),
      };
      if (!options.config) return run(() => target.run(csv, options, context), options.json);
      if (csv) throw new UserError('give either a CSV or --config, not both');
      const config = options.config;
      return run(async () => {
        const { pushFleetCommand } = await import('./push-fleet.js');
        return pushFleetCommand(target, config, options, context);
      }, options.json);
    });
}
