/**
 * DepthwiseConv2dNativeBackpropFilter for tfjs-wasm: the gradient of `depthwiseConv2d` (and of the depthwise
 * half of `separableConv2d`) with respect to its filter. Follows the definition dW[i,j,c,m] =
 * Σ_{b,y,x} xpad[b, y·s_h + i·d_h, x·s_w + j·d_w, c] · dy[b, y, x, c·M + m] (Chollet, "Xception", 2017, §2 for
 * the op; Dumoulin & Visin 2016 for the arithmetic), one kernel tap at a time.
 */
import * as tf from "@tensorflow/tfjs";
import { assertOutputShape, type ConvPad, convGeometry, padForTaps, tapSlice } from "./convTaps.js";
import { opKernel } from "./opKernel.js";

/** Attributes of the DepthwiseConv2dNativeBackpropFilter kernel (tfjs-core, same name). */
export interface DepthwiseBackpropFilterAttrs {
  strides: [number, number] | number;
  dilations: [number, number] | number;
  pad: ConvPad;
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
}

/**
 * Filter gradient of a depthwise 2-D convolution with channel multiplier M.
 * @param x input `[B, H, W, C]`
 * @param dy gradient of the conv output `[B, Ho, Wo, C·M]` (channel c·M + m comes from input channel c)
 * @returns dW `[fh, fw, C, M]` (= `attrs.filterShape`)
 * @example
 *   // one channel, 1×1 filter, dy = ones: dW = Σ x = 10
 *   depthwiseBackpropFilter(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]), tf.ones([1, 2, 2, 1]),
 *     { strides: 1, dilations: 1, pad: "valid", filterShape: [1, 1, 1, 1] }); // [[[[10]]]]
 */
export function depthwiseBackpropFilter(
  x: tf.Tensor,
  dy: tf.Tensor,
  attrs: DepthwiseBackpropFilterAttrs,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [fh, fw, c, mult] = attrs.filterShape;
    const { strides, dilations, pad, dimRoundingMode } = attrs;
    const g = convGeometry(x.shape, attrs.filterShape, strides, dilations, pad, dimRoundingMode, true);
    assertOutputShape(dy, g);
    const m = g.batchSize * g.outHeight * g.outWidth;
    const dy3 = tf.reshape(dy, [m, c, mult]); // [M, C, mult]
    const xpad = padForTaps(x as tf.Tensor4D, g); // [B, Hp, Wp, C]
    const taps: tf.Tensor2D[] = [];
    for (let i = 0; i < fh; i++) {
      for (let j = 0; j < fw; j++) {
        // each channel only meets its own multiplier block: an elementwise product summed over pixels
        taps.push(
          tf.tidy(() => tf.sum(tf.mul(tf.reshape(tapSlice(xpad, g, i, j), [m, c, 1]), dy3), 0)), // [C, mult]
        );
      }
    }
    return tf.reshape(tf.stack(taps), [fh, fw, c, mult]); // [fh, fw, C, mult]
  });
}

/** Kernel config registering {@link depthwiseBackpropFilter} on `backendName`. */
export function depthwiseBackpropFilterKernel(backendName = "wasm"): tf.KernelConfig {
  return opKernel<DepthwiseBackpropFilterAttrs>(
    "DepthwiseConv2dNativeBackpropFilter",
    backendName,
    ({ x, dy }, attrs) => depthwiseBackpropFilter(x!, dy!, attrs),
  );
}
