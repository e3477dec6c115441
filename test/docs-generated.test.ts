import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli.js';
import { BEGIN, END, generatedDocs, replaceGenerated } from '../src/commands/reference.js';
import { ROOT } from './helpers/cli.js';

// docs/settings.md and the reference blocks of docs/commands.md and docs/config.md are made from
// the code (`npm run docs`): a flag, a setting or a config key added without them fails here.

const program = buildProgram({ stdout: () => {}, stderr: () => {} }, async () => {});
const { whole, blocks } = generatedDocs(program);
const path = (name: string) => join(ROOT, 'docs', name);
const page = (name: string) => readFileSync(path(name), 'utf8');
/** As `npm run docs` leaves it: formatted by Prettier with the project's settings. */
const formatted = async (name: string, text: string) =>
  format(text, { ...(await resolveConfig(path(name))), filepath: path(name) });

describe('generated docs (run `npm run docs` after changing a flag, a setting or a key)', () => {
  for (const [name, text] of Object.entries(whole)) {
    it(`docs/${name} is current`, async () => {
      expect(page(name)).toBe(await formatted(name, text));
    });
  }
  for (const [name, block] of Object.entries(blocks)) {
    it(`docs/${name}'s reference block is current`, async () => {
      expect(page(name)).toBe(await formatted(name, replaceGenerated(page(name), block)));
    });
  }

  it('lists every command with every flag it takes', () => {
    const reference = blocks['commands.md'];
    for (const command of [
      'plan [csv]',
      'push aws [csv]',
      'push k8s [csv]',
      'review <schedule> [csv]',
    ]) {
      expect(reference).toContain(`### \`headroom ${command}\``);
    }
    const pushAws = reference.slice(reference.indexOf('push aws'), reference.indexOf('push k8s'));
    for (const flag of ['--group <name>', '--apply', '--prefix <text>', '--max-actions <n>']) {
      expect(pushAws).toContain(`\`${flag}\``);
    }
  });

  it('lists every headroom.yaml key of a service and of its push blocks', () => {
    const reference = blocks['config.md'];
    for (const key of ['data', 'seriesColumn', 'capacityPerServer', 'risk', 'leadTime', 'charts']) {
      expect(reference).toContain(`| \`${key}\` |`);
    }
    expect(reference).toContain('| `push.aws.group` | string (required) |');
    expect(reference).toContain('| `push.k8s.target` | string (required) |');
  });

  it('replaces only what lies between the markers', () => {
    const text = `before\n${BEGIN}\nold\n${END}\nafter\n`;
    expect(replaceGenerated(text, 'new\n')).toBe(`before\n${BEGIN}\nnew\n${END}\nafter\n`);
    expect(() => replaceGenerated('no markers', 'x')).toThrow();
  });
});
