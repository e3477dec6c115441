import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/in-process.js';

/** What bash's completion offers for `line` (the cursor at its end), with the script sourced. */
function complete(script: string, line: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-completion-'));
  const file = join(dir, 'headroom.bash');
  writeFileSync(file, script);
  const words = line.split(' ');
  const program = [
    `source ${JSON.stringify(file)}`,
    `COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    'cd ' + JSON.stringify(dir),
    '_headroom',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  return execFileSync('bash', ['-c', program], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('headroom completion', () => {
  it('completes commands, subcommands and each command’s own flags in bash', async () => {
    const { code, stdout } = await runInProcess(['completion', 'bash']);
    expect(code).toBe(0);
    expect(complete(stdout, 'headroom pl')).toEqual(['plan']);
    expect(complete(stdout, 'headroom push ')).toEqual(expect.arrayContaining(['aws', 'k8s']));
    expect(complete(stdout, 'headroom plan --ri')).toEqual(['--risk']);
    expect(complete(stdout, 'headroom plan data.csv --max-')).toEqual(
      expect.arrayContaining(['--max-servers', '--max-series']),
    );
    expect(complete(stdout, 'headroom push aws --pre')).toEqual(['--prefix']);
    expect(complete(stdout, 'headroom push k8s --keep')).toEqual(['--keep-triggers']);
    // A flag of another command is not offered.
    expect(complete(stdout, 'headroom review --ri')).toEqual([]);
  });

  it('writes zsh (through bashcompinit) and fish scripts from the same commands', async () => {
    const zsh = await runInProcess(['completion', 'zsh']);
    expect(zsh.stdout.split('\n')[0]).toBe('autoload -U +X bashcompinit && bashcompinit');
    expect(zsh.stdout).toContain('complete -o filenames -F _headroom headroom');
    const fish = await runInProcess(['completion', 'fish']);
    expect(fish.stdout).toContain("complete -c headroom -n '__fish_use_subcommand' -a plan");
    expect(fish.stdout).toContain(
      "complete -c headroom -n '__fish_seen_subcommand_from plan' -l risk",
    );
    expect(fish.stdout).toContain(
      "complete -c headroom -n '__fish_seen_subcommand_from aws' -l prefix",
    );
  });

  it('refuses a shell it does not know, naming the ones it does', async () => {
    const { code, stderr } = await runInProcess(['completion', 'powershell']);
    expect(code).toBe(2);
    expect(stderr).toContain("no completion for the shell 'powershell'");
    expect(stderr).toContain('bash, zsh, fish');
  });
});
