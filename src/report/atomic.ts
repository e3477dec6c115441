import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { UserError } from '../errors.js';
import { makeDirectory } from '../util/files.js';

export interface OutputFile {
  path: string;
  content: string | Buffer;
}

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code;

/**
 * Writes every file to a temporary sibling first and renames them into place only when all were
 * written, so a failure never leaves a half-written report (or a mix of old and new files). No
 * temporary file outlives a failure.
 */
export async function writeFilesAtomically(files: OutputFile[]): Promise<string[]> {
  for (const file of files) await assertWritableTarget(file.path);
  const temps: string[] = [];
  const removeTemps = (from = 0) =>
    Promise.all(temps.slice(from).map((t) => rm(t, { force: true }).catch(() => undefined)));
  let current = files[0]?.path;
  try {
    for (const file of files) {
      current = file.path;
      await makeDirectory(dirname(file.path));
      const temp = join(dirname(file.path), `.headroom-tmp-${process.pid}-${basename(file.path)}`);
      temps.push(temp);
      await writeFile(temp, file.content);
    }
  } catch (error) {
    await removeTemps();
    if (error instanceof UserError || !errorCode(error)) throw error;
    throw new UserError(`cannot write ${current} (${errorCode(error)}); nothing was written`);
  }
  let renamed = 0;
  try {
    for (; renamed < files.length; renamed++) await rename(temps[renamed], files[renamed].path);
  } catch (error) {
    await removeTemps(renamed);
    const done = files.slice(0, renamed).map((f) => f.path);
    throw new UserError(
      `cannot write ${files[renamed].path} (${errorCode(error) ?? String(error)}); ${done.length === 0 ? 'nothing was written' : `already replaced: ${done.join(', ')}`}`,
    );
  }
  return files.map((f) => f.path);
}

/** Renaming onto a directory fails half-way through a set; refuse before anything is written. */
async function assertWritableTarget(path: string): Promise<void> {
  if (path.endsWith('/') || path.endsWith(sep)) {
    throw new UserError(
      `cannot write ${path}: it ends in a separator, so it names a folder, not a file`,
      'give the path of a file, not of a folder',
    );
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new UserError(
      `cannot write ${path}: it is a directory`,
      'give the path of a file (inside it, say), or move the directory away',
    );
  }
  if (existing && !existing.isFile()) {
    throw new UserError(`cannot write ${path}: something other than a file is in the way`);
  }
  const parent = await stat(dirname(path)).catch(() => undefined);
  if (parent && !parent.isDirectory()) {
    throw new UserError(`cannot write ${path}: ${dirname(path)} is not a directory`);
  }
}
