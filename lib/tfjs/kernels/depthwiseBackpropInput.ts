/**
 * DepthwiseConv2dNativeBackpropInput for tfjs-wasm: the gradient of `depthwiseConv2d` with respect to its
 * input. Follows col2im: each kernel tap (i, j) sends dx[b, y·s_h + i·d_h − top, x·s_w + j·d_w − left, c] +=
 * Σ_m dy[b, y, x, c·M + m] · W[i, j, c, m] (Dumoulin & Visin 2016, §4: the transpose of the convolution).
 */
import * as tf from "@tensorflow/tfjs";
import { assertOutputShape, type ConvPad, canvasSize, convGeometry, placeTap } from "./convTaps.js";
import { opKernel } from "./opKernel.js";

/** Attributes of the DepthwiseConv2dNativeBackpropInput kernel (tfjs-core, same name). */
export interface DepthwiseBackpropInputAttrs {
  strides: [number, number] | number;
  dilations: [number, number] | number;
  pad: ConvPad;
  dimRoundingMode?: "floor" | "round" | "ceil";
  inputShape: [number, number, number, number];
}

/**
 * Input gradient of a depthwise 2-D convolution with channel multiplier M.
 * @param dy gradient of the conv output `[B, Ho, Wo, C·M]`
 * @param filter `[fh, fw, C, M]`
 * @returns dx `[B, H, W, C]` (= `attrs.inputShape`)
 * @example
 *   // 1×1 filter of 2 on a 2×2 image: dx = 2·dy
 *   depthwiseBackpropInput(tf.ones([1, 2, 2, 1]), tf.fill([1, 1, 1, 1], 2),
 *     { strides: 1, dilations: 1, pad: "valid", inputShape: [1, 2, 2, 1] }); // [[[[2], [2]], [[2], [2]]]]
 */
export function depthwiseBackpropInput(
  dy: tf.Tensor,
  filter: tf.Tensor,
  attrs: DepthwiseBackpropInputAttrs,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [fh, fw, c, mult] = filter.shape as [number, number, number, number];
    const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs;
    const g = convGeometry(inputShape, filter.shape, strides, dilations, pad, dimRoundingMode, true);
    assertOutputShape(dy, g);
    const dy5 = tf.reshape(dy, [g.batchSize, g.outHeight, g.outWidth, c, mult]); // [B, Ho, Wo, C, mult]
    const [hc, wc] = canvasSize(g);
    let canvas: tf.Tensor4D = tf.zeros([g.batchSize, hc, wc, c]); // padded dx, [B, Hc, Wc, C]
    for (let i = 0; i < fh; i++) {
      for (let j = 0; j < fw; j++) {
        const next = tf.tidy(() => {
          const w = tf.reshape(tf.slice(filter, [i, j, 0, 0], [1, 1, c, mult]), [c, mult]); // [C, mult]
          const contrib = tf.sum(tf.mul(dy5, w), -1) as tf.Tensor4D; // [B, Ho, Wo, C]
          return tf.add(canvas, placeTap(contrib, g, i, j)) as tf.Tensor4D; // [B, Hc, Wc, C]
        });
        canvas.dispose();
        canvas = next;
      }
    }
    // drop the padding: the input starts at (top, left) of the canvas
    const { top, left } = g.padInfo;
    return tf.slice(canvas, [0, top, left, 0], [g.batchSize, g.inHeight, g.inWidth, c]); // [B, H, W, C]
  });
}

/** Kernel config registering {@link depthwiseBackpropInput} on `backendName`. */
export function depthwiseBackpropInputKernel(backendName = "wasm"): tf.KernelConfig {
  return opKernel<DepthwiseBackpropInputAttrs>(
    "DepthwiseConv2dNativeBackpropInput",
    backendName,
    ({ dy, filter }, attrs) => depthwiseBackpropInput(dy!, filter!, attrs),
  );
}
