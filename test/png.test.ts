import { inflateSync } from 'node:zlib';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { canvasPng, encodeOpaquePng } from '../src/report/png.js';

/** The pixels a PNG decodes to, through the canvas library's own decoder. */
async function decode(png: Buffer) {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  canvas.getContext('2d').drawImage(image, 0, 0);
  return { width: image.width, height: image.height, rgba: canvas.data() };
}

function drawing(width: number, height: number, background: string | undefined) {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (background) {
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, width, height);
  }
  ctx.strokeStyle = '#2563eb';
  ctx.lineWidth = 2.5;
  ctx.beginPath();
  for (let x = 0; x < width; x += 3) ctx.lineTo(x, height / 2 + (height / 3) * Math.sin(x / 17));
  ctx.stroke();
  ctx.fillStyle = 'rgba(234, 88, 12, 0.4)';
  ctx.fillRect(width / 4, height / 4, width / 3, height / 3);
  ctx.fillStyle = '#334155';
  ctx.font = '14px sans-serif';
  ctx.fillText('servers 5 → 38', 10, 20);
  return canvas;
}

describe('PNG encoding of charts', () => {
  it('an opaque canvas encodes to a PNG that decodes to the same pixels', async () => {
    const canvas = drawing(301, 157, '#ffffff');
    const png = canvasPng(canvas);
    const decoded = await decode(png);
    expect([decoded.width, decoded.height]).toEqual([301, 157]);
    expect(Buffer.from(decoded.rgba).equals(Buffer.from(canvas.data()))).toBe(true);
    // Written by the fast encoder: 8-bit RGB (colour type 2), not Skia's RGBA.
    expect(png.readUInt32BE(16)).toBe(301);
    expect(png[24]).toBe(8);
    expect(png[25]).toBe(2);
  });

  it('every chunk carries a correct CRC and the image data inflates to one filter byte per row', () => {
    const png = encodeOpaquePng(Uint8Array.from([10, 20, 30, 255, 40, 50, 60, 255]), 1)!;
    const chunks: { type: string; data: Buffer }[] = [];
    for (let at = 8; at < png.length;) {
      const length = png.readUInt32BE(at);
      const type = png.toString('latin1', at + 4, at + 8);
      chunks.push({ type, data: png.subarray(at + 8, at + 8 + length) });
      const crc = png.readUInt32BE(at + 8 + length);
      expect(crc).toBe(referenceCrc32(png.subarray(at + 4, at + 8 + length)));
      at += 12 + length;
    }
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect([...inflateSync(chunks[1].data)]).toEqual([0, 10, 20, 30, 0, 40, 50, 60]);
  });

  it('a canvas with transparent pixels keeps its alpha (encoded by Skia)', async () => {
    const canvas = drawing(120, 80, undefined);
    expect(encodeOpaquePng(canvas.data(), canvas.width)).toBeUndefined();
    const png = canvasPng(canvas);
    expect(png[25]).toBe(6); // RGBA
    const decoded = await decode(png);
    expect(decoded.rgba[3]).toBe(0); // the top-left corner stays transparent
  });

  it('reads pixels that do not start on a 4-byte boundary (a slice of a larger buffer)', () => {
    const canvas = drawing(64, 30, '#ffffff');
    const shifted = Buffer.concat([Buffer.alloc(1), canvas.data()]).subarray(1);
    expect(shifted.byteOffset % 4).not.toBe(0);
    expect(encodeOpaquePng(shifted, 64)!.equals(canvasPng(canvas))).toBe(true);
  });
});

/** A reference CRC-32 (bitwise, no table), independent of the encoder's. */
function referenceCrc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
