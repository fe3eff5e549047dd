/**
 * Conv2DBackpropFilter for tfjs-wasm: the gradient of `conv2d` with respect to its filter (also reached by
 * conv1d, separableConv2d and conv2dTranspose). Follows the definition dW[i,j,ci,co] =
 * Σ_{b,y,x} xpad[b, y·s_h + i, x·s_w + j, ci] · dy[b, y, x, co] (Dumoulin & Visin 2016, §2). On tfjs-wasm: im2col
 * into one buffer and one product patchesᵀ · dy (Chellapilla et al. 2006, "High performance convolutional neural
 * networks for document processing"); elsewhere, or for an im2col too large, one kernel tap at a time as a plain
 * matMul. Both sum each element over the output pixels in the same order, so they give the same bits.
 */
import * as tf from "@tensorflow/tfjs";
import {
  assertOutputShape,
  type ConvGeometry,
  type ConvPad,
  convGeometry,
  im2col,
  padForTaps,
  tapSlice,
} from "./convTaps.js";
import { opKernel } from "./opKernel.js";

/** Attributes of the Conv2DBackpropFilter kernel (tfjs-core `Conv2DBackpropFilterAttrs`). */
export interface Conv2DBackpropFilterAttrs {
  strides: [number, number] | number;
  pad: ConvPad;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
}

/**
 * Filter gradient of a 2-D convolution.
 * @param x input `[B, H, W, Cin]` (or `[B, Cin, H, W]` when `dataFormat` is "NCHW")
 * @param dy gradient of the conv output `[B, Ho, Wo, Cout]` (NCHW: `[B, Cout, Ho, Wo]`)
 * @returns dW `[fh, fw, Cin, Cout]` (= `attrs.filterShape`)
 * @example
 *   // x = [[1, 2], [3, 4]] (one channel), 1×1 filter, dy = ones: dW = Σ x = 10
 *   conv2dBackpropFilter(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]), tf.ones([1, 2, 2, 1]),
 *     { strides: 1, pad: "valid", dataFormat: "NHWC", filterShape: [1, 1, 1, 1] }); // [[[[10]]]]
 */
export function conv2dBackpropFilter(
  x: tf.Tensor,
  dy: tf.Tensor,
  attrs: Conv2DBackpropFilterAttrs,
): tf.Tensor4D {
  return tf.tidy(() => {
    const nchw = attrs.dataFormat === "NCHW";
    const x4 = (nchw ? tf.transpose(x, [0, 2, 3, 1]) : x) as tf.Tensor4D; // [B, H, W, Cin]
    const dy4 = (nchw ? tf.transpose(dy, [0, 2, 3, 1]) : dy) as tf.Tensor4D; // [B, Ho, Wo, Cout]
    const g = convGeometry(
      x4.shape,
      attrs.filterShape,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
    );
    assertOutputShape(dy4, g);
    const xpad = padForTaps(x4, g); // [B, Hp, Wp, Cin]
    const m = g.batchSize * g.outHeight * g.outWidth;
    const dy2 = tf.reshape(dy4, [m, g.outChannels]) as tf.Tensor2D; // [M, Cout]
    return filterGradientIm2col(xpad, dy2, g) ?? filterGradientByTaps(xpad, dy2, g);
  });
}

/**
 * dW `[fh, fw, Cin, Cout]` = patchesᵀ · dy with one im2col buffer `[M, fh·fw·Cin]`: two kernels on tfjs-wasm;
 * `undefined` where {@link im2col} is not available.
 */
export function filterGradientIm2col(
  xpad: tf.Tensor4D,
  dy2: tf.Tensor2D,
  g: ConvGeometry,
): tf.Tensor4D | undefined {
  return tf.tidy(() => {
    const patches = im2col(xpad, g);
    if (patches === undefined) return undefined;
    const dW = tf.matMul(patches, dy2, true, false); // [fh·fw·Cin, Cout]
    return tf.reshape(dW, [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels]) as tf.Tensor4D;
  });
}

/** dW `[fh, fw, Cin, Cout]` one tap at a time: dW[i, j]ᵀ = dyᵀ · (the input pixels tap (i, j) sees), plain matMuls. */
export function filterGradientByTaps(xpad: tf.Tensor4D, dy2: tf.Tensor2D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const [m, cin, cout] = [dy2.shape[0], g.inChannels, g.outChannels];
    const [fh, fw] = [g.filterHeight, g.filterWidth];
    const dyT = tf.transpose(dy2); // [Cout, M]: one explicit transpose, so every product below is plain
    const taps: tf.Tensor2D[] = [];
    for (let i = 0; i < fh; i++) {
      for (let j = 0; j < fw; j++) {
        taps.push(tf.tidy(() => tf.matMul(dyT, tf.reshape(tapSlice(xpad, g, i, j), [m, cin])))); // [Cout, Cin]
      }
    }
    // stack the taps and put channels in filter order
    const stacked = tf.reshape(tf.stack(taps), [fh, fw, cout, cin]); // [fh, fw, Cout, Cin]
    return tf.transpose(stacked, [0, 1, 3, 2]) as tf.Tensor4D; // [fh, fw, Cin, Cout]
  });
}

/** Kernel config registering {@link conv2dBackpropFilter} as "Conv2DBackpropFilter" on `backendName`. */
export function conv2dBackpropFilterKernel(backendName = "wasm"): tf.KernelConfig {
  return opKernel<Conv2DBackpropFilterAttrs>("Conv2DBackpropFilter", backendName, ({ x, dy }, attrs) =>
    conv2dBackpropFilter(x!, dy!, attrs),
  );
}
