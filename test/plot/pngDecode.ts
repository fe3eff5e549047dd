/**
 * PNG test helper: reads a PNG (bytes or nbformat's base64) independently of the renderer — the signature, the
 * IHDR size, and the pixels (zlib inflate and per-row filter reversal, PNG spec §9; 8-bit RGB/RGBA, no
 * interlace, which is what resvg writes) — so tests can check that a chart's PNG is a real, non-blank image.
 */
import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";

/** A decoded PNG: size and RGBA pixels (4 bytes per pixel, rows top to bottom). */
export interface Decoded {
  width: number;
  height: number;
  rgba: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** An SVG root's width and height attributes (CSS pixels), as vega writes them. */
export function svgSize(svg: string): [number, number] {
  const m = svg.match(/^<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"/);
  assert.ok(m, "the SVG has a width and a height");
  return [Number(m[1]), Number(m[2])];
}

/** The IHDR width and height; fails the test if the data is not a PNG. */
export function pngSize(png: string | Uint8Array): { width: number; height: number } {
  const bytes = toBytes(png);
  assert.deepEqual([...bytes.subarray(0, 8)], SIGNATURE, "PNG signature");
  assert.equal(bytes.toString("latin1", 12, 16), "IHDR", "first chunk is IHDR");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Decodes an 8-bit, non-interlaced RGB or RGBA PNG to RGBA pixels. */
export function decodePng(png: string | Uint8Array): Decoded {
  const bytes = toBytes(png);
  const { width, height } = pngSize(bytes);
  const [depth, colorType, , , interlace] = bytes.subarray(24, 29);
  assert.equal(depth, 8, "bit depth 8");
  assert.equal(interlace, 0, "not interlaced");
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : assert.fail(`color type ${colorType}`);
  const raw = inflateSync(idat(bytes));
  const stride = width * channels;
  assert.equal(raw.length, height * (stride + 1), "IDAT holds every row");
  const rows = unfilter(raw, height, stride, channels);
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 4; c++) rgba[p * 4 + c] = c < channels ? rows[p * channels + c]! : 255;
  }
  return { width, height, rgba };
}

/** How many pixels differ from `rgb` (opaque) by more than `tolerance` in some channel. */
export function pixelsUnlike(img: Decoded, rgb: [number, number, number], tolerance = 8): number {
  let n = 0;
  for (let p = 0; p < img.width * img.height; p++) {
    const i = p * 4;
    const far = [0, 1, 2].some((c) => Math.abs(img.rgba[i + c]! - rgb[c]!) > tolerance);
    if (far || img.rgba[i + 3]! < 255 - tolerance) n++;
  }
  return n;
}

/** How many pixels differ between two images of one size. */
export function pixelsDiffering(a: Decoded, b: Decoded, tolerance = 8): number {
  assert.deepEqual([a.width, a.height], [b.width, b.height], "same size");
  let n = 0;
  for (let p = 0; p < a.width * a.height; p++) {
    if ([0, 1, 2, 3].some((c) => Math.abs(a.rgba[p * 4 + c]! - b.rgba[p * 4 + c]!) > tolerance)) n++;
  }
  return n;
}

function toBytes(png: string | Uint8Array): Buffer {
  return typeof png === "string" ? Buffer.from(png, "base64") : Buffer.from(png);
}

/** The concatenated IDAT chunk data. */
function idat(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString("latin1", at + 4, at + 8);
    if (type === "IDAT") parts.push(bytes.subarray(at + 8, at + 8 + length));
    if (type === "IEND") break;
    at += 12 + length;
  }
  return Buffer.concat(parts);
}

/** Reverses the PNG row filters (None, Sub, Up, Average, Paeth). */
function unfilter(raw: Buffer, height: number, stride: number, bpp: number): Uint8Array {
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[row + x - bpp]! : 0;
      const b = y > 0 ? out[row - stride + x]! : 0;
      const c = x >= bpp && y > 0 ? out[row - stride + x - bpp]! : 0;
      out[row + x] = (src[x]! + predict(filter, a, b, c)) & 0xff;
    }
  }
  return out;
}

function predict(filter: number, a: number, b: number, c: number): number {
  if (filter === 0) return 0;
  if (filter === 1) return a;
  if (filter === 2) return b;
  if (filter === 3) return (a + b) >> 1;
  if (filter === 4) {
    const p = a + b - c;
    const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  }
  return assert.fail(`unknown PNG filter ${filter}`);
}
