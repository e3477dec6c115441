import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
/**
 * Writes every file to a temporary sibling first and renames them into place only when all were
 * written, so a failure never leaves a half-written report (or a mix of old and new files).
 */
export async function writeFilesAtomically(files) {
    const temps = [];
    try {
        for (const file of files) {
            await mkdir(dirname(file.path), { recursive: true });
            const temp = join(dirname(file.path), `.headroom-tmp-${process.pid}-${basename(file.path)}`);
            temps.push(temp);
            await writeFile(temp, file.content);
        }
    }
    catch (error) {
        await Promise.all(temps.map((t) => rm(t, { force: true })));
        throw error;
    }
    for (let i = 0; i < files.length; i++)
        await rename(temps[i], files[i].path);
    return files.map((f) => f.path);
}
//# sourceMappingURL=atomic.js.map