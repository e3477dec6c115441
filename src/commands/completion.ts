import type { Command } from 'commander';
import { UserError } from '../errors.js';
import type { CommandOutput } from './output.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** A command's words as completion offers them: its long flags and its subcommands. */
interface Node {
  path: string[];
  options: string[];
  subcommands: string[];
}

/** Every command of the program, depth first, the program itself first (path []). */
function nodesOf(command: Command, path: string[] = []): Node[] {
  const options = command.options.map((o) => o.long).filter((f): f is string => Boolean(f));
  const subcommands = command.commands.map((c) => c.name());
  return [
    { path, options: [...options, '--help'], subcommands },
    ...command.commands.flatMap((c) => nodesOf(c, [...path, c.name()])),
  ];
}

/** The words a command path completes to: subcommands first, then its flags. */
const words = (node: Node) => [...node.subcommands, ...node.options].join(' ');

function bashScript(nodes: Node[]): string {
  const parents = nodes.filter((n) => n.subcommands.length > 0 && n.path.length > 0);
  const cases = nodes.map((n) => `    "${n.path.join(' ')}") opts="${words(n)}" ;;`).join('\n');
  // The command path is made of the words that are not flags, as long as each names a
  // subcommand of the path so far (so a flag's value or a CSV never extends it).
  const extend = parents
    .map(
      (n) =>
        `          "${n.path.join(' ')}") case " ${n.subcommands.join(' ')} " in *" $w "*) path="$path $w" ;; esac ;;`,
    )
    .join('\n');
  return `# headroom completion for bash (and zsh through bashcompinit)
_headroom() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" w opts
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$w" in
      -*) ;;
      *)
        if [ -z "$path" ]; then
          case " ${nodes[0].subcommands.join(' ')} " in *" $w "*) path="$w" ;; esac
        else
          case "$path" in
${extend}
          esac
        fi
        ;;
    esac
  done
  case "$path" in
${cases}
    *) opts="" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$opts" -- "$cur") $(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _headroom headroom
`;
}

function fishScript(nodes: Node[]): string {
  const lines = ['# headroom completion for fish', 'complete -c headroom -f'];
  for (const node of nodes) {
    const depth = node.path.length;
    const condition =
      depth === 0 ? '__fish_use_subcommand' : `__fish_seen_subcommand_from ${node.path[depth - 1]}`;
    for (const sub of node.subcommands) {
      lines.push(`complete -c headroom -n '${condition}' -a ${sub}`);
    }
    for (const option of node.options) {
      lines.push(`complete -c headroom -n '${condition}' -l ${option.slice(2)}`);
    }
    if (depth > 0) lines.push(`complete -c headroom -n '${condition}' -F`);
  }
  return lines.join('\n') + '\n';
}

/** `headroom completion <shell>`: a script to source, generated from the program's own commands. */
export function completionCommand(shell: string, program: Command): CommandOutput {
  if (!SHELLS.includes(shell as Shell)) {
    throw new UserError(
      `no completion for the shell '${shell}'`,
      `choose one of: ${SHELLS.join(', ')}`,
    );
  }
  const nodes = nodesOf(program);
  const text =
    shell === 'fish'
      ? fishScript(nodes)
      : shell === 'zsh'
        ? `autoload -U +X bashcompinit && bashcompinit\n${bashScript(nodes)}`
        : bashScript(nodes);
  return { json: { shell, script: text }, text: text.trimEnd(), warnings: [], notes: [] };
}
