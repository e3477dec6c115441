import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addCapacityOptions, addIngestOptions, addModelOptions } from '../src/commands/options.js';
import { planKeys, serviceSchema } from '../src/config/schema.js';
import { SETTINGS, settingsOf } from '../src/settings/table.js';

describe('the settings table', () => {
  it('names each headroom.yaml key as its flag in camelCase', () => {
    for (const [key, setting] of settingsOf()) {
      const flag = setting.flag.split(' ')[0];
      expect(flag).toBe(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    }
  });

  it('gives commander every flag with its default and choices, and the config every key', () => {
    const command = addCapacityOptions(addModelOptions(addIngestOptions(new Command())));
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
