import { readdir } from 'node:fs';
import { access, realpath as realpathAsync } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { glob } from 'tinyglobby';

// headroom.yaml often comes with a pull request, and CI publishes what a run prints. So every
// path in it must stay in the config's own folder (symlinks resolved), unless the person running
// headroom says they trust the config with this flag.

/** The flag that lets a config name files outside its folder. */
export const OUTSIDE_FLAG = '--allow-outside-config-dir';
/** The most files one `data` glob may match (one service each). */
export const MAX_GLOB_FILES = 10_000;
/** The most folder entries one glob may look at before it gives up. */
export const MAX_GLOB_ENTRIES = 200_000;

const MAGIC = /[*?[\]{}()!+@]/;
/** Kernel and device file systems: never walked. */
const PSEUDO = /^\/(proc|sys|dev)(\/|$)/;

/** The config's folder, as written and with its symlinks resolved. */
export interface ConfigFolder {
  dir: string;
  real: string;
  allowOutside: boolean;
}

export async function configFolder(
  configPath: string,
  allowOutside: boolean,
): Promise<ConfigFolder> {
  const dir = dirname(resolve(configPath));
  return { dir, real: await realpathAsync(dir), allowOutside };
}

/** The real path of `path`, or of its nearest existing folder with the rest appended. */
async function realOrAncestor(path: string): Promise<string> {
  const rest: string[] = [];
  for (let head = path; ; head = dirname(head)) {
    try {
      return join(await realpathAsync(head), ...rest);
    } catch {
      if (dirname(head) === head) return path;
      rest.unshift(basename(head));
    }
  }
}

const inside = (real: string, folder: string) => {
  const rel = relative(folder, real);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
};

const outside = (shown: string, folder: ConfigFolder, real?: string) =>
  `'${shown}' ${real ? `leads to ${real}, outside` : 'is outside'} the config's folder ${folder.dir}; move it into that folder, or pass ${OUTSIDE_FLAG} if you trust this config`;

/**
 * Where a path of the config leads (resolved against its folder), or why it may not be used:
 * a problem to report (without the field, which the caller prefixes).
 */
export async function configPath(
  folder: ConfigFolder,
  given: string,
  shown = given,
): Promise<{ path: string; problem?: string }> {
  const path = resolve(folder.dir, given);
  if (folder.allowOutside) return { path };
  if (!inside(path, folder.dir) && !inside(path, folder.real)) {
    return { path, problem: outside(shown, folder) };
  }
  const real = await realOrAncestor(path);
  return inside(real, folder.real) ? { path } : { path, problem: outside(shown, folder, real) };
}

/**
 * The files a service's `data` names: one path, or every match of a glob (sorted). A glob is
 * walked from its fixed leading folders, never follows symlinks, skips /proc, /sys and /dev, and
 * stops at {@link MAX_GLOB_FILES} matches.
 */
export async function dataFiles(
  folder: ConfigFolder,
  given: string,
): Promise<{ files: string[]; problem?: string }> {
  if (!/[*?[{]/.test(given)) {
    const { path, problem } = await configPath(folder, given);
    if (problem) return { files: [], problem };
    try {
      await access(path);
      return { files: [path] };
    } catch {
      return { files: [] };
    }
  }
  const parts = given.split(/[\\/]/);
  const fixed = parts.findIndex((p) => MAGIC.test(p));
  if (parts.slice(fixed).includes('..')) {
    return {
      files: [],
      problem: `'${given}': '..' after a wildcard is not supported; put the folder before it`,
    };
  }
  const root = parts.slice(0, fixed).join('/') || (isAbsolute(given) ? '/' : '.');
  const { problem } = await configPath(folder, root, given);
  if (problem) return { files: [], problem };
  let entries = 0;
  const stop = new AbortController();
  const files = await glob(given, {
    cwd: folder.dir,
    absolute: true,
    followSymbolicLinks: false,
    signal: stop.signal,
    fs: {
      readdir: ((
        dir: string,
        options: object,
        done: (e: Error | null, list: unknown[]) => void,
      ) => {
        if (PSEUDO.test(dir)) return done(null, []);
        readdir(dir, options as { withFileTypes: true }, (error, list) => {
          entries += list?.length ?? 0;
          if (entries > MAX_GLOB_ENTRIES) stop.abort();
          done(error, list ?? []);
        });
      }) as unknown as typeof readdir,
    },
  });
  if (entries > MAX_GLOB_ENTRIES) {
    return {
      files: [],
      problem: `'${given}' looks through more than ${MAX_GLOB_ENTRIES.toLocaleString('en-US')} folder entries; start it in a narrower folder`,
    };
  }
  if (files.length > MAX_GLOB_FILES) {
    return {
      files: [],
      problem: `'${given}' matches more than ${MAX_GLOB_FILES.toLocaleString('en-US')} files (${files.length.toLocaleString('en-US')}); one service per file is too many: narrow the pattern`,
    };
  }
  return { files: files.sort() };
}
