/**
 * A 2-D convolution seen as a sum over its kernel taps: tap (i, j) pairs output pixel (y, x) with input pixel
 * (y·s_h + i·d_h − top, x·s_w + j·d_w − left). The backprop kernels gather a strided input slice per tap
 * (im2col one column block at a time) or scatter a per-tap contribution back (col2im). Follows Dumoulin &
 * Visin, "A guide to convolution arithmetic for deep learning" (2016), §2–4; geometry from tfjs's
 * `backend_util.computeConv2DInfo`, so 'same', 'valid', explicit pads and rounding match the forward op.
 */
import * as tf from "@tensorflow/tfjs";
import { copier } from "./blockCopyKernels.js";

/** Convolution geometry in NHWC: batch, sizes, strides, dilations and the padding actually applied. */
export type ConvGeometry = tf.backend_util.Conv2DInfo;

/** Padding as the conv ops accept it: 'same', 'valid', one number, or explicit `[[0,0],[t,b],[l,r],[0,0]]`. */
export type ConvPad = "valid" | "same" | number | tf.backend_util.ExplicitPadding;

/**
 * Geometry of a conv (or depthwise conv, `depthwise = true`) whose NHWC input is `inShape` `[B, H, W, C]` and
 * whose filter is `filterShape` `[fh, fw, C, Cout]` (depthwise: `[fh, fw, C, multiplier]`).
 */
export function convGeometry(
  inShape: number[],
  filterShape: number[],
  strides: [number, number] | number,
  dilations: [number, number] | number,
  pad: ConvPad,
  dimRoundingMode: "floor" | "round" | "ceil" | undefined,
  depthwise: boolean,
): ConvGeometry {
  return tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    depthwise,
  );
}

/** Throws a RangeError unless `dy` has the conv's output shape `[B, Ho, Wo, Cout]`. */
export function assertOutputShape(dy: tf.Tensor, g: ConvGeometry): void {
  const want = [g.batchSize, g.outHeight, g.outWidth, g.outChannels];
  if (dy.rank !== 4 || want.some((n, k) => dy.shape[k] !== n)) {
    throw new RangeError(`dy must have shape [${want}] for this convolution, got [${dy.shape}]`);
  }
}

/** Rows/columns the padded input needs so that every tap's slice stays in bounds (wasm does not check). */
function paddedExtent(g: ConvGeometry): [number, number] {
  const h = (g.filterHeight - 1) * g.dilationHeight + (g.outHeight - 1) * g.strideHeight + 1;
  const w = (g.filterWidth - 1) * g.dilationWidth + (g.outWidth - 1) * g.strideWidth + 1;
  return [h, w];
}

/** Zero-pads the NHWC input `x` `[B, H, W, C]` by the conv's padding, enlarged so every tap slice fits. */
export function padForTaps(x: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  const { top, left } = g.padInfo;
  const [needH, needW] = paddedExtent(g);
  const bottom = Math.max(g.padInfo.bottom, needH - g.inHeight - top);
  const right = Math.max(g.padInfo.right, needW - g.inWidth - left);
  if (top === 0 && left === 0 && bottom <= 0 && right <= 0) return x;
  return tf.pad(x, [
    [0, 0],
    [top, Math.max(bottom, 0)],
    [left, Math.max(right, 0)],
    [0, 0],
  ]); // [B, Hp, Wp, C]
}

/** The input pixels that tap (i, j) sees, one per output pixel: `xpad` `[B, Hp, Wp, C]` → `[B, Ho, Wo, C]`. */
export function tapSlice(xpad: tf.Tensor4D, g: ConvGeometry, i: number, j: number): tf.Tensor4D {
  const [b, , , c] = xpad.shape;
  const y0 = i * g.dilationHeight;
  const x0 = j * g.dilationWidth;
  if (g.strideHeight === 1 && g.strideWidth === 1) {
    return tf.slice(xpad, [0, y0, x0, 0], [b, g.outHeight, g.outWidth, c]); // [B, Ho, Wo, C]
  }
  const end = [b, y0 + (g.outHeight - 1) * g.strideHeight + 1, x0 + (g.outWidth - 1) * g.strideWidth + 1, c];
  return tf.stridedSlice(xpad, [0, y0, x0, 0], end, [1, g.strideHeight, g.strideWidth, 1]) as tf.Tensor4D;
}

/** Largest im2col buffer (elements) built in one piece: 256 MB of float32. Larger ones go tap by tap. */
export const IM2COL_MAX = 2 ** 26;

/** The sliding window of an im2col: the filter's taps, the output grid, strides and dilations. */
export type ConvWindow = Pick<
  ConvGeometry,
  | "filterHeight"
  | "filterWidth"
  | "outHeight"
  | "outWidth"
  | "strideHeight"
  | "strideWidth"
  | "dilationHeight"
  | "dilationWidth"
>;

/**
 * im2col in one buffer on tfjs-wasm: row (b, y, x) holds, tap after tap in filter order, the C values tap (i, j)
 * sees from output pixel (y, x): `xpad` `[B, Hp, Wp, C]` (from {@link padForTaps}) → `[B·Ho·Wo, fh·fw·C]`. One
 * strided block copy per tap (blockCopy.wat), exact. `undefined` off tfjs-wasm or past {@link IM2COL_MAX}, so
 * callers fall back to {@link tapSlice}.
 */
export function im2col(xpad: tf.Tensor4D, g: ConvWindow): tf.Tensor2D | undefined {
  const c = copier(tf.backend(), xpad.dtype);
  const [b, hp, wp, ch] = xpad.shape;
  const [fh, fw, ho, wo] = [g.filterHeight, g.filterWidth, g.outHeight, g.outWidth];
  const [rows, cols] = [b * ho * wo, fh * fw * ch];
  if (c === undefined || rows * cols > IM2COL_MAX) return undefined;
  const e = c.bytes;
  const out = c.heap.makeOutput([rows, cols], xpad.dtype); // may grow the memory: read offsets after
  const [src, dst] = [c.heap.offset(xpad), c.heap.offset(out)];
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      // blocks [b][y][x] of C values: from xpad[b, y·sh + i·dh, x·sw + j·dw, :] to out[(b, y, x), (i, j, :)]
      const from = src + (i * g.dilationHeight * wp + j * g.dilationWidth) * ch * e;
      const strides = [
        hp * wp * ch,
        g.strideHeight * wp * ch,
        g.strideWidth * ch,
        ho * wo * cols,
        wo * cols,
        cols,
      ];
      c.copy(from, dst + (i * fw + j) * ch * e, b, ho, wo, ch * e, ...strides.map((s) => s * e));
    }
  }
  return tf.engine().makeTensorFromTensorInfo(out) as tf.Tensor2D;
}

/**
 * `dy` `[B, Ho, Wo, C]` spread onto the canvas that the transposed convolution slides over, on tfjs-wasm:
 * `[B, H + fh − 1, W + fw − 1, C]`, zero except at (y·s_h + fh − 1 − top, x·s_w + fw − 1 − left), which holds
 * dy[b, y, x] (positions past the canvas are read by no input pixel and dropped). Input pixel (y, x) then sees,
 * through tap (i, j), canvas pixel (y + i, x + j): a stride-1 window, so dx = im2col(canvas) · (the filter
 * flipped). `undefined` off tfjs-wasm or past {@link IM2COL_MAX}.
 */
export function spreadForTranspose(dy: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D | undefined {
  const c = copier(tf.backend(), dy.dtype);
  const [b, ho, wo, ch] = dy.shape;
  const [hc, wc] = [g.inHeight + g.filterHeight - 1, g.inWidth + g.filterWidth - 1];
  if (c === undefined || b * hc * wc * ch > IM2COL_MAX) return undefined;
  const e = c.bytes;
  const out = c.heap.makeOutput([b, hc, wc, ch], dy.dtype);
  new Uint8Array(c.heap.memory.buffer, c.heap.offset(out), b * hc * wc * ch * e).fill(0);
  /** The dy rows (or columns) `first … end − 1` that land on the canvas, and where the first one lands. */
  const landing = (n: number, stride: number, shift: number, size: number) => {
    const first = Math.max(0, Math.ceil(-shift / stride));
    const end = Math.min(n, Math.floor((size - 1 - shift) / stride) + 1);
    return { first, count: Math.max(0, end - first), at: first * stride + shift };
  };
  const rows = landing(ho, g.strideHeight, g.filterHeight - 1 - g.padInfo.top, hc);
  const cols = landing(wo, g.strideWidth, g.filterWidth - 1 - g.padInfo.left, wc);
  if (b * rows.count * cols.count > 0) {
    const from = c.heap.offset(dy) + (rows.first * wo + cols.first) * ch * e;
    const to = c.heap.offset(out) + (rows.at * wc + cols.at) * ch * e;
    const strides = [ho * wo * ch, wo * ch, ch, hc * wc * ch, g.strideHeight * wc * ch, g.strideWidth * ch];
    c.copy(from, to, b, rows.count, cols.count, ch * e, ...strides.map((s) => s * e));
  }
  return tf.engine().makeTensorFromTensorInfo(out) as tf.Tensor4D;
}

/** Height and width of the padded canvas that {@link placeTap} writes into: covers the input and every tap. */
export function canvasSize(g: ConvGeometry): [number, number] {
  const h = (g.filterHeight - 1) * g.dilationHeight + g.outHeight * g.strideHeight;
  const w = (g.filterWidth - 1) * g.dilationWidth + g.outWidth * g.strideWidth;
  return [Math.max(h, g.padInfo.top + g.inHeight), Math.max(w, g.padInfo.left + g.inWidth)];
}

/**
 * The transpose of {@link tapSlice}: puts `c` `[B, Ho, Wo, C]` (one value per output pixel) at the padded
 * input pixels tap (i, j) read, zeros elsewhere → `[B, Hc, Wc, C]` with `[Hc, Wc] = canvasSize(g)`.
 */
export function placeTap(c: tf.Tensor4D, g: ConvGeometry, i: number, j: number): tf.Tensor4D {
  const [b, ho, wo, ch] = c.shape;
  const [sh, sw] = [g.strideHeight, g.strideWidth];
  const [hc, wc] = canvasSize(g);
  let spread: tf.Tensor4D = c;
  if (sh > 1 || sw > 1) {
    // insert s−1 zeros after every row and column: [B·Ho, 1, Wo, 1, C] → [B·Ho, sh, Wo, sw, C]
    const holes = tf.pad(tf.reshape(c, [b * ho, 1, wo, 1, ch]), [
      [0, 0],
      [0, sh - 1],
      [0, 0],
      [0, sw - 1],
      [0, 0],
    ]);
    spread = tf.reshape(holes, [b, ho * sh, wo * sw, ch]); // [B, Ho·sh, Wo·sw, C]
  }
  const y0 = i * g.dilationHeight;
  const x0 = j * g.dilationWidth;
  return tf.pad(spread, [
    [0, 0],
    [y0, hc - y0 - ho * sh],
    [x0, wc - x0 - wo * sw],
    [0, 0],
  ]); // [B, Hc, Wc, C]
}
