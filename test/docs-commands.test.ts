import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli.js';
import { ROOT } from './helpers/cli.js';

// The README and docs/ show commands to copy. Each shown `headroom …` line must name a command that
// exists, with flags that command takes: a renamed flag fails here, not in a reader's terminal.

const program = buildProgram({ stdout: () => {}, stderr: () => {} }, async () => {});
const GLOBAL = new Set(program.options.map((o) => o.long).concat(['--help', '--version']));

/** Every `headroom …` command line in the fenced code blocks of a Markdown page (continuations joined). */
function shownCommands(markdown: string): string[] {
  const lines: string[] = [];
  let fenced = false;
  let pending = '';
  for (const raw of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(raw)) {
      fenced = !fenced;
      continue;
    }
    if (!fenced) continue;
    const line = pending + raw.trim();
    pending = line.endsWith('\\') ? line.slice(0, -1) + ' ' : '';
    if (pending) continue;
    const at = line.search(/(^|\s|\$ |\| |`)(npx )?headroom /);
    if (at >= 0 && !/^\s*#/.test(line)) lines.push(line.slice(at).replace(/^[\s$|`]+/, ''));
  }
  return lines;
}

/** The command a line names (`push aws`), and the flags it gives. */
function resolve(line: string): { path: string[]; command?: Command; flags: string[] } {
  const words = line.replace(/^npx /, '').split(/\s+/).slice(1);
  let command: Command = program;
  const path: string[] = [];
  for (const word of words) {
    const sub = command.commands.find((c) => c.name() === word);
    if (!sub) break;
    command = sub;
    path.push(word);
  }
  const flags = [...line.matchAll(/\s(--[a-z][a-z0-9-]*)/g)].map((m) => m[1]);
  return { path, command: path.length > 0 ? command : undefined, flags };
}

const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

describe('commands shown in the README and docs exist with the flags they show', () => {
  for (const page of PAGES) {
    const lines = shownCommands(readFileSync(join(ROOT, page), 'utf8'));
    if (lines.length === 0) continue;
    it(`${page} (${lines.length} command lines)`, () => {
      for (const line of lines) {
        const { path, command, flags } = resolve(line);
        if (path.length === 0 && flags.every((f) => GLOBAL.has(f))) continue; // `headroom --help`
        expect(command, `${page}: \`${line}\` names no command`).toBeDefined();
        const known = new Set([...GLOBAL, ...command!.options.map((o) => o.long)]);
        // A negatable flag (--no-charts) is listed as itself.
        for (const flag of flags) {
          expect(
            known.has(flag),
            `${page}: \`${line}\`: headroom ${path.join(' ')} has no ${flag}`,
          ).toBe(true);
        }
      }
    });
  }

  it('finds the quick start commands (the check itself works)', () => {
    const readme = shownCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(readme.some((l) => l.startsWith('npx headroom plan --prometheus'))).toBe(true);
    expect(resolve('headroom push aws --group g --apply').path).toEqual(['push', 'aws']);
    const made = resolve('headroom plan x.csv --capacity-per-servers 3');
    expect(made.command!.options.map((o) => o.long)).not.toContain('--capacity-per-servers');
  });
});
