import { z } from 'zod';
import { SETTINGS, type SettingKey } from '../settings/table.js';
import type { ScheduleSourceOptions } from '../run/schedule.js';
import type { PushResult } from './target.js';

/**
 * A push target as the CLI and headroom.yaml see it: `headroom push <name>`, its flags, its
 * `push.<name>` block and how `push --config` shows it. src/targets/registry.ts lists them;
 * commands/push-cli.ts makes the commands, config/schema.ts the blocks and commands/push-fleet.ts
 * the fleet pushes from that list alone. The definition is loaded with the CLI, so it holds data
 * and a `run` that imports the target's work (its SDK or client) only when it runs.
 */
export interface PushTargetDefinition<O = PushOptions> {
  /** The subcommand and the block: `aws` is `headroom push aws` and `push.aws`. */
  name: string;
  /** What it pushes to, in `headroom push`'s description: "AWS Auto Scaling". */
  label: string;
  /** One line for `--help`. */
  description: string;
  /** The help after the flags: examples, exit codes (starts with a blank line). */
  epilogue: string;
  /**
   * The target's flags in --help order, after the schedule's and the plan's. `--config <file>` is
   * followed by `--allow-outside-config-dir` (a plain one is added when the list has none), and
   * `--json` comes last.
   */
  flags: readonly (TargetFlag | SharedKey)[];
  /** What `push <name> --config` needs to know. */
  fleet: {
    /** A minimal block, for the hint when a config has none: `group: my-asg`. */
    example: string;
    /**
     * The target prints YAML to stdout: the fleet's own lines become YAML comments and services
     * separate documents, so `push k8s --config … > plans.yaml` stays valid YAML.
     */
    yaml: boolean;
  };
  /**
   * Checks the flags only the command line sets (no block holds them): a fleet push runs it once
   * before any service, so that a bad combination is one usage error, not every service failing.
   */
  checkFlags?(options: O): void;
  /** Pushes one schedule (imports the target's modules only now). */
  run(csv: string | undefined, options: O, context: PushContext): Promise<PushResult>;
}

/** One flag of a target, as data: the commander option and its key in the `push.<name>` block. */
export interface TargetFlag {
  /** `--max-size <n>`: the flag and its argument, as commander takes it. */
  flag: string;
  help: string;
  /** The default, as it would be typed on the command line. */
  default?: string;
  choices?: readonly string[];
  /** What the block's key (the flag in camelCase) accepts; none: a command-line flag only. */
  config?: z.ZodType;
  /** The block must have this key. */
  required?: boolean;
  /** The key names a file, which must lie in the config's folder (see config/paths.ts). */
  path?: boolean;
}

/**
 * A setting of the settings table that is a key of the block too (`region` in `push.aws`): the
 * flag is already the command's (its group's), the block takes the table's rule for it.
 */
export interface SharedKey {
  setting: SettingKey;
}

/** The options every push command has, whatever its target. */
export interface PushOptions extends ScheduleSourceOptions {
  config?: string;
  allowOutsideConfigDir?: boolean;
  apply?: boolean;
  /** Accepted and ignored: without --apply every push is a dry run. */
  dryRun?: boolean;
  json?: boolean;
}

/** What a push reads from outside its flags: tests pass their own. */
export interface PushContext {
  /** The clock: read when a push starts (each service of a fleet push reads it anew). */
  now: () => number;
  /** Where the report's Markdown goes ($GITHUB_STEP_SUMMARY). */
  stepSummary?: string;
  /** The options given on the command line (not defaults): in a fleet push they win over the block. */
  explicit: ReadonlySet<string>;
}

/** Checks a definition against the target's own options type; the registry holds them all alike. */
export function definePushTarget<O extends PushOptions>(
  definition: PushTargetDefinition<O>,
): PushTargetDefinition {
  return definition as unknown as PushTargetDefinition;
}

/** The block key of a flag: `--max-actions <n>` is `maxActions`, as commander names the option. */
export function flagKey(flag: string): string {
  return flag
    .split(/[ ,]/)[0]
    .replace(/^--/, '')
    .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export const isShared = (f: TargetFlag | SharedKey): f is SharedKey => 'setting' in f;

/** The `push.<name>` block: each flag with a `config` rule, by its key; unknown keys refused. */
export function blockSchema(definition: PushTargetDefinition) {
  const keys = definition.flags.flatMap((f): [string, z.ZodType, boolean][] => {
    if (isShared(f)) return [[f.setting, SETTINGS[f.setting].config, false]];
    return f.config ? [[flagKey(f.flag), f.config, Boolean(f.required)]] : [];
  });
  const required = Object.fromEntries(keys.filter(([, , r]) => r).map(([k]) => [k, true]));
  return z
    .object(Object.fromEntries(keys.map(([k, rule]) => [k, rule])))
    .partial()
    .required(required as Record<string, true>)
    .strict();
}

/** The block keys that name files: `['push', 'k8s', 'out']`… */
export function pathKeys(definitions: readonly PushTargetDefinition[]): string[][] {
  return definitions.flatMap((d) =>
    d.flags.flatMap((f) => (!isShared(f) && f.path ? [['push', d.name, flagKey(f.flag)]] : [])),
  );
}
