import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  addCapacityOptions,
  addScheduleOptions,
  addIngestOptions,
  addModelOptions,
  addSettings,
} from '../src/commands/options.js';
import { planKeys, serviceSchema } from '../src/config/schema.js';
import { UserError } from '../src/errors.js';
import * as kind from '../src/settings/kinds.js';
import { parseSettings } from '../src/settings/parse.js';
import { configShape, SETTINGS, settingsOf, type Setting } from '../src/settings/table.js';

describe('the settings table', () => {
  it('names each headroom.yaml key as its flag in camelCase', () => {
    for (const [key, setting] of settingsOf()) {
      const flag = setting.flag.split(' ')[0];
      expect(flag).toBe(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    }
  });

  it('gives commander every flag with its default and choices, and the config every key', () => {
    const command = addScheduleOptions(
      addCapacityOptions(addModelOptions(addIngestOptions(new Command()))),
    );
    for (const [key, setting] of settingsOf()) {
      const option = command.options.find((o) => o.long === setting.flag.split(' ')[0]);
      expect(option, setting.flag).toBeDefined();
      expect(option?.defaultValue).toBe(setting.default);
      expect(option?.argChoices).toEqual(setting.choices ? [...setting.choices] : undefined);
      // A service names its history in a source: block; every other setting is a plan key.
      if (setting.group === 'source') {
        expect(serviceSchema.shape.source.unwrap().shape).toHaveProperty(key);
        expect(planKeys).not.toHaveProperty(key);
      } else expect(planKeys).toHaveProperty(key);
    }
    expect(command.options).toHaveLength(Object.keys(SETTINGS).length);
  });

  it('checks a config value with the same rule as the table says', () => {
    expect(planKeys.minServers.safeParse(-1).success).toBe(false);
    expect(planKeys.risk.safeParse('1%').success).toBe(true);
    expect(planKeys.agg.safeParse('median').success).toBe(false);
  });
});

/** The table with one row more, and nothing else: what adding a setting takes. */
const WITH_SPARE = {
  ...SETTINGS,
  spareServers: {
    flag: '--spare-servers <n>',
    help: 'servers kept idle on top of the plan',
    group: 'capacity',
    default: '2',
    config: z.number().int().nonnegative(),
    parse: kind.whole(0),
  },
} as const satisfies Record<string, Setting>;

describe('a setting added as one row', () => {
  it('is a flag with its default, and parses to its typed value', () => {
    const command = addSettings(new Command(), 'capacity', WITH_SPARE).exitOverride();
    const option = command.options.find((o) => o.long === '--spare-servers');
    expect(option?.defaultValue).toBe('2');
    command.parse(['--spare-servers', '3', '--min-servers', '4'], { from: 'user' });
    const typed = parseSettings(command.opts(), WITH_SPARE);
    const spare: number = typed.spareServers; // typed by the row's parse, at compile time too
    expect(spare).toBe(3);
    expect(typed.minServers).toBe(4);
    expect(parseSettings({}, WITH_SPARE).spareServers).toBe(2);
  });

  it('is a config key checked by its rule, its value taken as the config typed it', () => {
    const config = z.object(configShape(WITH_SPARE)).partial().strict();
    expect(config.safeParse({ spareServers: -1 }).success).toBe(false);
    expect(config.safeParse({ spareServers: 'two' }).success).toBe(false);
    const service = config.parse({ spareServers: 5, interval: '15m', risk: 0.02 });
    const typed = parseSettings(service, WITH_SPARE);
    expect([typed.spareServers, typed.interval, typed.risk]).toEqual([5, 15 * 60_000, 0.02]);
  });

  it('refuses a bad flag value naming the flag', () => {
    const refusal = (() => {
      try {
        parseSettings({ spareServers: '1.5' }, WITH_SPARE);
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(UserError);
    expect((refusal as Error).message).toBe(
      "--spare-servers: expected a whole number ≥ 0, got '1.5'",
    );
  });
});

describe('the settings, parsed once', () => {
  it('types every row: durations in ms, shares and counts as numbers, defaults filled in', () => {
    const typed = parseSettings({ interval: '15m', fillGaps: 0, risk: '0.5%', maxServers: 9 });
    expect(typed.interval).toBe(15 * 60_000);
    expect(typed.fillGaps).toBe(0);
    expect(typed.risk).toBe(0.005);
    expect(typed.maxServers).toBe(9);
    expect(typed.horizon).toBe(7 * 24 * 3_600_000); // the table's default, 7d
    expect(typed.capacityPerServer).toBeUndefined(); // no default: the plan says it assumed one
  });
});
