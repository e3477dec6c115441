import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { createGunzip } from 'node:zlib';
import { UserError } from '../errors.js';
import { assertReadableFile } from '../util/files.js';

const CHUNK_BYTES = 1 << 20;

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** What the first bytes say a file is. */
function sniff(head: Buffer): { gzip: boolean; encoding: Encoding; bomBytes: number } {
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  if (head[0] === 0xff && head[1] === 0xfe) return { gzip, encoding: 'utf-16le', bomBytes: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { gzip, encoding: 'utf-16be', bomBytes: 2 };
  const utf8Bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  return { gzip, encoding: 'utf-8', bomBytes: utf8Bom ? 3 : 0 };
}

async function firstBytes(file: string, count: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(count);
    const { bytesRead } = await handle.read(buffer, 0, count, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function refuseNonText(file: string, head: Buffer): void {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    throw new UserError(
      `${file}: this is a zip archive (an .xlsx workbook is one), not CSV text`,
      'export the sheet as CSV, or unzip the archive and give the CSV inside',
    );
  }
}

/**
 * The text of a CSV file in chunks: gzip is recognised by its magic bytes (whatever the name) and
 * decompressed as it streams; a UTF-8 BOM is dropped, UTF-16 (with a BOM, as Excel's "Unicode
 * text" writes) is decoded. A file with NUL bytes in its text is refused as binary.
 */
export async function* textChunks(file: string): AsyncGenerator<string> {
  await assertReadableFile(file);
  const head = await firstBytes(file, 4);
  refuseNonText(file, head);
  const { gzip } = sniff(head);
  let bytes: Readable = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  if (gzip) bytes = bytes.pipe(createGunzip({ chunkSize: CHUNK_BYTES }));
  let decoder: TextDecoder | undefined;
  try {
    for await (const chunk of bytes as AsyncIterable<Buffer>) {
      let data = chunk;
      if (!decoder) {
        const inner = sniff(data);
        if (gzip) refuseNonText(file, data);
        decoder = new TextDecoder(inner.encoding);
        data = data.subarray(inner.bomBytes);
        if (inner.encoding === 'utf-8' && data.includes(0)) {
          throw new UserError(
            `${file}: this looks like a binary file (it holds NUL bytes), not CSV text`,
            gzip ? 'the gzip archive holds a binary file' : 'give the CSV export of the data',
          );
        }
      }
      const text = decoder.decode(data, { stream: true });
      if (text.length > 0) yield text;
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (gzip && code.startsWith('Z_')) {
      throw new UserError(
        `${file}: the gzip data is corrupt or cut short (${(error as Error).message})`,
        'check the file downloaded completely: gzip -t FILE',
      );
    }
    throw new UserError(`${file}: cannot read the file (${code || (error as Error).message})`);
  } finally {
    bytes.destroy();
  }
  const tail = decoder?.decode() ?? '';
  if (tail.length > 0) yield tail;
}
