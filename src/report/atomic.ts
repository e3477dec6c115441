import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';

export interface OutputFile {
  path: string;
  content: string | Buffer;
}

/**
 * Writes every file to a temporary sibling first and renames them into place only when all were
 * written, so a failure never leaves a half-written report (or a mix of old and new files).
 */
export async function writeFilesAtomically(files: OutputFile[]): Promise<string[]> {
  for (const file of files) await assertWritableTarget(file.path);
  const temps: string[] = [];
  let current = files[0]?.path;
  try {
    for (const file of files) {
      current = file.path;
      await mkdir(dirname(file.path), { recursive: true });
      const temp = join(dirname(file.path), `.headroom-tmp-${process.pid}-${basename(file.path)}`);
      temps.push(temp);
      await writeFile(temp, file.content);
    }
  } catch (error) {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
    const code = (error as NodeJS.ErrnoException).code;
    if (code) throw new UserError(`cannot write ${current} (${code}); nothing was written`);
    throw error;
  }
  for (let i = 0; i < files.length; i++) await rename(temps[i], files[i].path);
  return files.map((f) => f.path);
}

/** Renaming onto a directory fails half-way through a set; refuse before anything is written. */
async function assertWritableTarget(path: string): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing && !existing.isFile()) {
    throw new UserError(`cannot write ${path}: something other than a file is in the way`);
  }
  const parent = await stat(dirname(path)).catch(() => undefined);
  if (parent && !parent.isDirectory()) {
    throw new UserError(`cannot write ${path}: ${dirname(path)} is not a directory`);
  }
}
