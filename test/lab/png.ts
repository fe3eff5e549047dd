/**
 * A minimal PNG reader for the lab's screenshot checks: 8-bit, non-interlaced greyscale/RGB/RGBA images (what
 * Chromium writes), inflated with node:zlib and unfiltered per scanline. Follows the PNG specification
 * (W3C, 2nd ed.) §7.3 (chunks), §9 (filter types None, Sub, Up, Average, Paeth).
 */
import { inflateSync } from "node:zlib";

/** Decoded pixels, `channels` bytes per pixel, rows top to bottom. */
export interface PngImage {
  width: number;
  height: number;
  channels: number;
  pixels: Uint8Array;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Decodes `png`; throws a TypeError for anything but 8-bit, non-interlaced grey/RGB/RGBA. */
export function decodePng(png: Buffer): PngImage {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new TypeError("not a PNG file");
  let offset = 8;
  let header: { width: number; height: number; channels: number } | undefined;
  const data: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("latin1", offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      const [depth, color, interlace] = [body[8]!, body[9]!, body[12]!];
      const channels = CHANNELS[color];
      if (depth !== 8 || channels === undefined || interlace !== 0)
        throw new TypeError(`unsupported PNG: depth ${depth}, colour type ${color}, interlace ${interlace}`);
      header = { width: body.readUInt32BE(0), height: body.readUInt32BE(4), channels };
    }
    if (type === "IDAT") data.push(body);
    offset += 12 + length;
  }
  if (!header) throw new TypeError("PNG without IHDR");
  return { ...header, pixels: unfilter(inflateSync(Buffer.concat(data)), header) };
}

function unfilter(
  raw: Buffer,
  { width, height, channels }: { width: number; height: number; channels: number },
) {
  const stride = width * channels;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[y * stride + x - channels]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? out[(y - 1) * stride + x - channels]! : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      if (predictor === undefined) throw new TypeError(`bad PNG filter type ${filter} on row ${y}`);
      out[y * stride + x] = (raw[src + x]! + predictor) & 0xff;
    }
  }
  return out;
}

/** The number of different pixel values in the image. */
export function distinctColours(image: PngImage): number {
  const seen = new Set<string>();
  for (let i = 0; i < image.pixels.length; i += image.channels) {
    seen.add(image.pixels.subarray(i, i + image.channels).join(","));
  }
  return seen.size;
}
