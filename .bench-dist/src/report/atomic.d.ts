export interface OutputFile {
    path: string;
    content: string | Buffer;
}
/**
 * Writes every file to a temporary sibling first and renames them into place only when all were
 * written, so a failure never leaves a half-written report (or a mix of old and new files).
 */
export declare function writeFilesAtomically(files: OutputFile[]): Promise<string[]>;
