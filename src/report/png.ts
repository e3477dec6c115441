/**
 * PNG encoding for opaque charts. Skia's encoder (canvas.toBuffer) tries every row filter at zlib
 * level 6: about 30 ms for a 1200×800 chart, the largest part of a fleet's chart time. Charts are
 * drawn on white, so they are written here as 8-bit RGB, no row filter, zlib level 3: about 7 ms
 * and files the same size. A canvas with any transparent pixel goes to Skia's encoder.
 */
import { deflateSync } from 'node:zlib';
import type { Canvas } from '@napi-rs/canvas';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const RGB = 2;
const ZLIB_LEVEL = 3;

const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(bytes: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** The scanline buffer, kept between charts: deflateSync is done with it before the next. */
let scratch = Buffer.alloc(0);

function scanlineBuffer(bytes: number): Buffer {
  if (scratch.length < bytes) scratch = Buffer.allocUnsafe(bytes);
  return scratch.subarray(0, bytes);
}

/**
 * Writes RGBA rows into `out` as RGB scanlines with filter byte 0; false if a pixel is not
 * opaque. Read as 32-bit words (little-endian: alpha in the top byte).
 */
function writeOpaqueRows(rgba: Uint8Array, width: number, out: Buffer): boolean {
  const words =
    rgba.byteOffset % 4 === 0
      ? new Uint32Array(rgba.buffer, rgba.byteOffset, rgba.length >> 2)
      : new Uint32Array(Uint8Array.from(rgba).buffer);
  const stride = width * 3 + 1;
  const rows = words.length / width;
  let s = 0;
  for (let y = 0; y < rows; y++) {
    let q = y * stride;
    out[q++] = 0;
    for (let x = 0; x < width; x++, s++, q += 3) {
      const w = words[s];
      if (w >>> 24 !== 255) return false;
      out[q] = w & 0xff;
      out[q + 1] = (w >>> 8) & 0xff;
      out[q + 2] = (w >>> 16) & 0xff;
    }
  }
  return true;
}

/** RGB scanlines as a PNG file. */
function pngFile(scanlines: Buffer, width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = RGB;
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(scanlines, { level: ZLIB_LEVEL })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** The pixels of an RGBA image as a PNG file, or undefined if any pixel is not opaque. */
export function encodeOpaquePng(rgba: Uint8Array, width: number): Buffer | undefined {
  const height = rgba.length / 4 / width;
  const scanlines = scanlineBuffer((width * 3 + 1) * height);
  return writeOpaqueRows(rgba, width, scanlines) ? pngFile(scanlines, width, height) : undefined;
}

/** A canvas as PNG: the fast encoder when it is opaque (every chart), Skia's otherwise. */
export function canvasPng(canvas: Canvas): Buffer {
  return encodeOpaquePng(canvas.data(), canvas.width) ?? canvas.toBuffer('image/png');
}
