import { Readable } from 'node:stream';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Io } from '../../src/cli.js';
import { BIN, ROOT, type Run } from './cli.js';

// `main` of the built CLI (dist/, as bin/headroom.js runs it), called in this test process: the
// same argv, exit code, stdout and stderr as the binary, without starting Node for every run.
// dist/ rather than src/: a fleet's worker threads start from dist/fleet/worker.js, beside it.

export interface InProcessOptions {
  /** Folder the run starts in (default: the repository). */
  cwd?: string;
  /** Variables set for the run on top of this process's; `undefined` unsets one. */
  env?: Record<string, string | undefined>;
  /** What the run reads from standard input (default: nothing, at once at its end). */
  stdin?: string;
}

type Main = (argv: string[], io: Io) => Promise<number>;
let loaded: Promise<Main> | undefined;
const loadMain = () =>
  (loaded ??= (
    import(pathToFileURL(join(ROOT, 'dist', 'cli.js')).href) as Promise<{ main: Main }>
  ).then((module) => module.main));

/**
 * The cwd, the environment and the standard streams belong to the whole process: runs take turns
 * (in the order they were asked for), so that two of them awaited together never see each other's.
 */
let turn: Promise<unknown> = Promise.resolve();

/** Runs `headroom args…` in this process, as `headroom()` runs the binary, and resolves likewise. */
export function runInProcess(args: string[], options: InProcessOptions = {}): Promise<Run> {
  const run = turn.then(() => runNow(args, options));
  turn = run.catch(() => undefined);
  return run;
}

async function runNow(args: string[], options: InProcessOptions): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const restore = [
    chdir(options.cwd ?? ROOT),
    setEnv({ NO_COLOR: '1', ...options.env }),
    // A command that writes to the process's streams itself (progress lines) is captured too, and
    // sees pipes, not a terminal, as the spawned binary does.
    capture(process.stdout, (text) => (stdout += text)),
    capture(process.stderr, (text) => (stderr += text)),
    replaceStdin(options.stdin ?? ''),
  ];
  try {
    const io: Io = { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) };
    // Loaded here, the first time, so that modules which look at the environment as they load
    // (picocolors) see NO_COLOR, as in the binary.
    const main = await loadMain();
    const code = await main([process.execPath, BIN, ...args], io);
    return { code, stdout, stderr };
  } finally {
    for (const undo of restore.reverse()) undo();
  }
}

function chdir(dir: string): () => void {
  const before = process.cwd();
  process.chdir(dir);
  return () => process.chdir(before);
}

function setEnv(env: Record<string, string | undefined>): () => void {
  const before = Object.entries(env).map(([name]) => [name, process.env[name]] as const);
  for (const [name, value] of Object.entries(env)) assign(name, value);
  return () => {
    for (const [name, value] of before) assign(name, value);
  };
}

function assign(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** Sends what is written to `stream` to `sink` instead, with `isTTY` and `columns` unset. */
function capture(stream: NodeJS.WriteStream, sink: (text: string) => void): () => void {
  const saved = (['write', 'isTTY', 'columns'] as const).map(
    (key) => [key, Object.getOwnPropertyDescriptor(stream, key)] as const,
  );
  const write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
    sink(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    if (done) process.nextTick(done);
    return true;
  };
  Object.defineProperty(stream, 'write', { value: write, configurable: true, writable: true });
  Object.defineProperty(stream, 'isTTY', { value: undefined, configurable: true });
  Object.defineProperty(stream, 'columns', { value: undefined, configurable: true });
  return () => {
    for (const [key, descriptor] of saved) {
      if (descriptor) Object.defineProperty(stream, key, descriptor);
      else delete (stream as unknown as Record<string, unknown>)[key];
    }
  };
}

function replaceStdin(text: string): () => void {
  const saved = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  Object.defineProperty(process, 'stdin', {
    value: Readable.from(text ? [text] : []),
    configurable: true,
    writable: true,
  });
  return () => Object.defineProperty(process, 'stdin', saved);
}
