/**
 * Conv2DBackpropInput for tfjs-wasm (the input gradient of `conv2d`, and the forward pass of `conv2dTranspose`) as
 * one product: dx = im2col(dy spread by the stride and padded) · (the filter flipped, `[fh·fw·Cout, Cin]`). Each
 * dx element sums over taps (i, j) and output channels in the order tfjs-wasm 4.22's loop does (`cc/kernels/
 * Conv2DBackpropInput.cc`: output row, output column, then channel), and the taps that fall between or outside the
 * dy pixels add a zero, which leaves a sum unchanged: the same bits, at the GEMM's speed instead of a scalar loop
 * (about 3 GFLOP/s here). NCHW goes to tfjs's own kernel. Follows Dumoulin & Visin 2016, §4 (transposed
 * convolution as a direct convolution over the spread input).
 */
import * as tf from "@tensorflow/tfjs";
import { type ConvPad, convGeometry, im2col, spreadForTranspose } from "./convTaps.js";
import { opKernel } from "./opKernel.js";

/** Attributes of the Conv2DBackpropInput kernel (tfjs-core `Conv2DBackpropInputAttrs`). */
interface Conv2DBackpropInputAttrs {
  strides: [number, number] | number;
  pad: ConvPad;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  inputShape: [number, number, number, number];
}

/**
 * The input gradient as one im2col product, or `undefined` where the im2col helpers do not run (not tfjs-wasm,
 * or past `IM2COL_MAX` (convTaps.ts)).
 * @param dy `[B, Ho, Wo, Cout]`, filter `[fh, fw, Cin, Cout]` → dx `[B, H, W, Cin]` (`attrs.inputShape`)
 */
export function conv2dBackpropInputIm2col(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  attrs: Conv2DBackpropInputAttrs,
): tf.Tensor4D | undefined {
  return tf.tidy(() => {
    const { inputShape, strides, pad, dimRoundingMode } = attrs;
    const g = convGeometry(inputShape, filter.shape, strides, 1, pad, dimRoundingMode, false);
    const canvas = spreadForTranspose(dy, g);
    if (canvas === undefined) return undefined;
    const slide = {
      filterHeight: g.filterHeight,
      filterWidth: g.filterWidth,
      outHeight: g.inHeight,
      outWidth: g.inWidth,
      strideHeight: 1,
      strideWidth: 1,
      dilationHeight: 1,
      dilationWidth: 1,
    };
    const patches = im2col(canvas, slide); // [B·H·W, fh·fw·Cout]
    if (patches === undefined) return undefined;
    // row (i, j, co) of the flipped filter = filter[fh − 1 − i, fw − 1 − j, :, co]
    const flipped = tf.reshape(tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]), [-1, g.inChannels]);
    return tf.reshape(tf.matMul(patches, flipped as tf.Tensor2D), attrs.inputShape) as tf.Tensor4D;
  });
}

/**
 * Wraps tfjs-wasm's Conv2DBackpropInput (`original`) with {@link conv2dBackpropInputIm2col} for NHWC float32 within
 * `IM2COL_MAX` (convTaps.ts); anything else goes to `original`.
 */
export function fastConv2dBackpropInputKernel(original: tf.KernelConfig): tf.KernelConfig {
  const kernel = opKernel<Conv2DBackpropInputAttrs>(
    "Conv2DBackpropInput",
    original.backendName,
    ({ dy, filter }, attrs) =>
      attrs.dataFormat === "NCHW" || dy!.dtype !== "float32" || filter!.dtype !== "float32"
        ? undefined
        : conv2dBackpropInputIm2col(dy as tf.Tensor4D, filter as tf.Tensor4D, attrs),
    original,
  );
  return { ...kernel, setupFunc: original.setupFunc };
}
