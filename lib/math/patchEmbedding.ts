/**
 * The input of a Vision Transformer on plain arrays: cut an image into P×P patches, flatten each (row by row,
 * channels innermost) and project it linearly to the model width. Follows: Dosovitskiy et al. 2021 §3.1, eq. 1
 * (x ∈ R^{H×W×C} → x_p ∈ R^{N×(P²·C)}, N = HW/P², then x_p E with E ∈ R^{(P²·C)×D}); the tier-2
 * `PatchEmbedding` layer computes the same numbers.
 */
import { checkOptions, describeValue, opt } from "../check/options.js";
import { type MatrixLike, toMatrix, toNumberArray, type VectorLike } from "./input.js";
import { addRowVector, type Matrix, matmul, type Shape } from "./matrix.js";
import { type StepRow, shapesOf, stepsFrom, type TraceStep } from "./trace.js";

/** A grey image `[H, W]` or a multi-channel one `[H, W, C]`. */
export type ImageLike = readonly (readonly number[])[] | readonly (readonly (readonly number[])[])[];

/** Options of {@link patchEmbed}. */
export interface PatchEmbedOptions {
  /** Side P of the square patches; it must divide the image's height and width. Required. */
  patchSize: number;
  /** The projection E, `[P²·C, D]`. Required. */
  kernel: MatrixLike;
  /** The bias, `[D]`. Default none. */
  bias?: VectorLike;
}

const PATCH_EMBED_RULES = {
  patchSize: opt.integer({ min: 1, required: true }),
  kernel: opt.any({ required: true }),
  bias: opt.any(),
} as const;

/** Every intermediate of embedding one image's patches. */
export interface PatchEmbeddingTrace {
  patchSize: number;
  /** Patches per column and per row: `[H / P, W / P]`; patch n sits at row ⌊n / cols⌋, column n mod cols. */
  grid: [number, number];
  /** The flattened patches x_p, `[N, P²·C]`: row n holds patch n's pixels row by row, channels innermost. */
  patches: Matrix;
  /** x_p E (+ b), `[N, D]`: one token per patch. */
  embeddings: Matrix;
  steps: TraceStep[];
  shapes: Record<string, Shape>;
}

/**
 * Cuts `image` (`[H, W]` or `[H, W, C]`) into P×P patches and flattens each: `[N, P²·C]` with N = (H/P)(W/P),
 * patches in reading order (left to right, then top to bottom), entry (i·P + j)·C + c of a patch being pixel
 * (i, j) of it, channel c.
 * @example
 *   patchify([[1, 2, 3, 4], [5, 6, 7, 8]], 2); // [[1, 2, 5, 6], [3, 4, 7, 8]]
 */
export function patchify(image: ImageLike, patchSize: number): Matrix {
  const where = "patchify";
  const pixels = toPixels(where, image);
  const [h, w] = [pixels.length, pixels[0]!.length];
  const p = checkPatchSize(where, patchSize, h, w);
  const patches: Matrix = [];
  for (let r = 0; r < h / p; r++) {
    for (let c = 0; c < w / p; c++) {
      const row: number[] = [];
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) row.push(...pixels[r * p + i]![c * p + j]!);
      patches.push(row); // [P²·C]
    }
  }
  return patches; // [N, P²·C]
}

/**
 * Patch embedding, eq. 1 of Dosovitskiy et al.: x_p = patchify(x), then x_p E + b, with every intermediate.
 * @example
 *   const t = patchEmbed([[1, 2, 3, 4], [5, 6, 7, 8]], { patchSize: 2, kernel: [[1], [0], [0], [1]] });
 *   t.grid; // [1, 2]
 *   t.embeddings; // [[7], [11]] (top-left + bottom-right pixel of each patch)
 */
export function patchEmbed(image: ImageLike, options: PatchEmbedOptions): PatchEmbeddingTrace {
  const where = "patchEmbed";
  const o = checkOptions(where, options, PATCH_EMBED_RULES);
  const pixels = toPixels(where, image);
  const [h, w, ch] = [pixels.length, pixels[0]!.length, pixels[0]![0]!.length];
  const p = checkPatchSize(where, o.patchSize, h, w);
  const kernel = toMatrix(`${where}: options.kernel`, o.kernel);
  if (kernel.length !== p * p * ch) {
    throw new RangeError(
      `${where}: options.kernel must have P²·C = ${p}²·${ch} = ${p * p * ch} rows (one per patch entry), got shape [${kernel.length}, ${kernel[0]!.length}]`,
    );
  }
  // 1) patches 2) project 3) bias
  const patches = patchify(pixels, p); // [N, P²·C]
  const projected = matmul(patches, kernel, ["patches", "options.kernel"]); // [N, D]
  const embeddings = o.bias === undefined ? projected : withBias(where, projected, o.bias); // [N, D]
  const steps = stepsFrom(PATCH_STEPS, { patches, embeddings }, { p, bias: o.bias !== undefined });
  return { patchSize: p, grid: [h / p, w / p], patches, embeddings, steps, shapes: shapesOf(steps) };
}

/**
 * The pixel centre `[row, col]` of patch `index` in a `grid` of P×P patches: ((r + ½)P − ½, (c + ½)P − ½).
 * @example patchCenter(5, [6, 6], 4); // [1.5, 21.5] (row 0, column 5)
 */
export function patchCenter(
  index: number,
  grid: readonly [number, number],
  patchSize: number,
): [number, number] {
  const positive = (x: unknown) => Number.isInteger(x) && (x as number) >= 1;
  if (!Array.isArray(grid) || grid.length !== 2 || !grid.every(positive)) {
    throw new TypeError(
      `patchCenter: grid must be [rows, cols] of patches, two positive integers (patchEmbed's trace.grid), got ${Array.isArray(grid) ? `[${grid.join(", ")}]` : describeValue(grid)}`,
    );
  }
  if (!positive(patchSize)) {
    throw new RangeError(
      `patchCenter: patchSize must be a positive integer, got ${describeValue(patchSize)}`,
    );
  }
  const n = grid[0] * grid[1];
  if (!(Number.isInteger(index) && index >= 0 && index < n)) {
    throw new RangeError(
      `patchCenter: index must be an integer in [0, ${n - 1}] (a patch of the [${grid}] grid), got ${describeValue(index)}`,
    );
  }
  const [r, c] = [Math.floor(index / grid[1]), index % grid[1]];
  return [(r + 0.5) * patchSize - 0.5, (c + 0.5) * patchSize - 0.5];
}

/** The image as `[H][W][C]` numbers (a grey image gets C = 1), checked rectangular and finite. */
function toPixels(where: string, image: unknown): number[][][] {
  if (!Array.isArray(image) || image.length === 0) {
    throw new TypeError(
      `${where}: image must be a non-empty [H, W] or [H, W, C] array, got ${describeValue(image)}`,
    );
  }
  const grey = !Array.isArray(image[0]?.[0]);
  if (grey) return toMatrix(`${where}: image`, image).map((row) => row.map((v) => [v]));
  const rows = image.map((row, i) => toMatrix(`${where}: image[${i}]`, row)); // each [W, C]
  const [w, c] = [rows[0]!.length, rows[0]![0]!.length];
  rows.forEach((row, i) => {
    if (row.length !== w || row[0]!.length !== c) {
      throw new TypeError(
        `${where}: image is ragged: row 0 is [${w}, ${c}] but row ${i} is [${row.length}, ${row[0]!.length}]`,
      );
    }
  });
  return rows;
}

function checkPatchSize(where: string, patchSize: unknown, h: number, w: number): number {
  const p = patchSize as number;
  if (!(Number.isInteger(p) && p >= 1 && h % p === 0 && w % p === 0)) {
    throw new RangeError(
      `${where}: patchSize must be a positive integer dividing the image's height ${h} and width ${w}, got ${describeValue(patchSize)}`,
    );
  }
  return p;
}

function withBias(where: string, m: Matrix, bias: unknown): Matrix {
  const b = toNumberArray(`${where}: options.bias`, bias);
  const d = m[0]!.length;
  if (b.length !== d) {
    throw new RangeError(
      `${where}: options.bias has shape [${b.length}] but the embeddings have D = ${d} columns (options.kernel's width)`,
    );
  }
  return addRowVector(m, b, `${where}: options.bias`);
}

/** The steps of a patch-embedding trace, in order. */
const PATCH_STEPS: readonly StepRow<{ p: number; bias: boolean }>[] = [
  { name: "patches", symbol: "x_p", equation: (s) => `x_p = \\operatorname{patchify}_{${s.p}}(x)` },
  { name: "embeddings", symbol: "X", equation: (s) => (s.bias ? "X = x_p E + b" : "X = x_p E") },
];
