import { Option, type Command } from 'commander';
import { METRIC_SYNTAX } from '../settings/metrics.js';
import { SETTINGS, settingsOf, type Group, type SettingsTable } from '../settings/table.js';

/** Adds the flags of one group of the settings table (settings/table.ts) to a command. */
export function addSettings(
  command: Command,
  group: Group,
  table: SettingsTable = SETTINGS,
): Command {
  for (const [, setting] of settingsOf(group, table)) {
    const option = new Option(setting.flag, setting.help);
    if (setting.choices) option.choices(setting.choices);
    if (setting.default !== undefined) option.default(setting.default);
    command.addOption(option);
  }
  return command;
}

/** The history argument of every command that reads one. */
export const HISTORY_ARGUMENT =
  'history: a CSV with a timestamp column and a numeric load column; - reads standard input';

/** Where the history comes from (remote sources) and how it is read. */
export const addIngestOptions = (command: Command) =>
  addSettings(addSettings(command, 'source'), 'ingest');
export const addModelOptions = (command: Command) => addSettings(command, 'model');
export const addCapacityOptions = (command: Command) => addSettings(command, 'capacity');
/** How the plan's schedule is shaped into the one a target applies (plan, demo, push). */
export const addScheduleOptions = (command: Command) => addSettings(command, 'schedule');

/** For commands that take `--config`: let its paths lead outside the config's folder. */
export const allowOutsideConfigDirOption = () =>
  new Option(
    '--allow-outside-config-dir',
    'with --config: let the config name files outside its own folder (only for a config you trust: CI publishes what is read)',
  );

/** `--metric NAME=CSV,…`, repeatable: one service sized by several metrics (settings/metrics.ts). */
export const metricOption = () =>
  new Option(
    '--metric <name=csv,…>',
    `${METRIC_SYNTAX}: a metric that sizes the service, with its own history and capacity per server; repeat it: the plan takes the most servers any metric needs (see docs/capacity.md#several-metrics)`,
  ).argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
