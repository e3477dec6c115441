import { Command, CommanderError } from 'commander';
import pc from 'picocolors';
import { registerBacktest, registerReview, registerSimulate } from './commands/evaluate-cli.js';
import { registerDemo, registerFit, registerForecast, registerPlan } from './commands/model-cli.js';
import type { Runner } from './commands/output.js';
import { registerPush } from './commands/push-cli.js';
import {
  registerCompletion,
  registerGenerate,
  registerInit,
  registerReport,
} from './commands/tools-cli.js';
import { GuardrailError, RemoteError, UserError } from './errors.js';
import { EXIT } from './exit-codes.js';

export { EXIT };

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** The whole command tree; `run` carries out an action's work (main's, or a stand-in for docs). */
export function buildProgram(io: Io, run: Runner): Command {
  const program = new Command('headroom')
    .description(
      'Forecast load from CSV history and plan the servers it needs, with a scaling schedule.',
    )
    .version('0.1.0')
    .option('-q, --quiet', 'print only results and errors: no notes, warnings or progress')
    .option('--verbose', 'also print how long the command took and its peak memory')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

  for (const register of [
    registerForecast,
    registerPlan,
    registerBacktest,
    registerSimulate,
    registerReview,
    registerFit,
    registerDemo,
    registerReport,
    registerPush,
    registerInit,
    registerGenerate,
    registerCompletion,
  ]) {
    register(program, run);
  }
  return program;
}

/** Runs the CLI and returns the exit code; never calls process.exit, so tests can call it too. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const started = performance.now();
  let program: Command | undefined;
  const run: Runner = async (work, json) => {
    const output = await work();
    const { quiet, verbose } = program?.opts() ?? {};
    exitCode = output.exitCode ?? EXIT.ok;
    if (!quiet) {
      for (const note of output.notes) io.stderr(`${pc.dim('note:')} ${note}\n`);
      for (const warning of output.warnings)
        io.stderr(`${pc.yellow('warning:')} ${warning.message}\n`);
    }
    io.stdout(json ? JSON.stringify(output.json, null, 2) + '\n' : output.text + '\n');
    if (verbose) {
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      const peak = Math.round(process.resourceUsage().maxRSS / 1024);
      io.stderr(`${pc.dim('done:')} ${seconds} s, peak memory ${peak} MB\n`);
    }
  };
  try {
    program = buildProgram(io, run);
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UserError) {
      io.stderr(`${pc.red('error:')} ${error.message}\n`);
      if (error.hint) io.stderr(`  ${pc.dim('hint:')} ${error.hint}\n`);
      if (error instanceof GuardrailError) return EXIT.refused;
      if (error instanceof RemoteError) return EXIT.remote;
      return EXIT.usage;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr(
      `${pc.red('internal error')} (this is a bug in headroom; please report it):\n${detail}\n`,
    );
    return EXIT.internal;
  }
}
