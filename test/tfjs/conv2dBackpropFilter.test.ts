/**
 * Conv2DBackpropFilter on wasm (attnlab's kernel) against cpu over strides and paddings, plus wasm's own
 * Conv2DBackpropInput (present in tfjs-wasm, checked here because the same gradients use it), NCHW and
 * dimRoundingMode through the kernel directly, and the ops that reach it: conv1d, separableConv2d,
 * conv2dTranspose.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  type Conv2DBackpropFilterAttrs,
  conv2dBackpropFilter,
  filterGradientByTaps,
  filterGradientIm2col,
} from "../../lib/tfjs/kernels/conv2dBackpropFilter.js";
import { convGeometry, padForTaps } from "../../lib/tfjs/kernels/convTaps.js";
import { setWasmSpeedKernels } from "../../lib/tfjs/index.js";
import { assertNoLeak, assertSameOnWasmAndCpu, probe, randn, setupWasm } from "./backends.js";

before(setupWasm);

type Pad = "same" | "valid" | number | tf.backend_util.ExplicitPadding;
interface Case {
  x: [number, number, number, number];
  w: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
}

// numeric pads only with square filters and equal strides: for other shapes tfjs-core 4.22 sizes the output
// with the filter height and stride height for both axes, and wasm's forward conv then writes out of bounds
const CASES: Case[] = [
  { x: [2, 7, 6, 3], w: [3, 3, 3, 4], strides: 1, pad: "same" },
  { x: [2, 7, 6, 3], w: [3, 2, 3, 4], strides: 2, pad: "same" },
  { x: [1, 8, 8, 2], w: [3, 3, 2, 3], strides: 2, pad: "valid" },
  { x: [2, 9, 7, 2], w: [2, 3, 2, 2], strides: 3, pad: "valid" },
  { x: [1, 6, 7, 3], w: [3, 3, 3, 2], strides: [2, 1], pad: "same" },
  {
    x: [2, 5, 6, 2],
    w: [3, 2, 2, 3],
    strides: 1,
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  {
    x: [1, 7, 7, 2],
    w: [3, 3, 2, 2],
    strides: 2,
    pad: [
      [0, 0],
      [2, 0],
      [1, 1],
      [0, 0],
    ],
  },
  { x: [2, 6, 6, 3], w: [3, 3, 3, 2], strides: 2, pad: 1 },
  { x: [1, 5, 5, 1], w: [1, 1, 1, 2], strides: 1, pad: 0 },
  { x: [1, 4, 4, 2], w: [4, 4, 2, 1], strides: 1, pad: "valid" },
];

test("doc example: a 1×1 filter's gradient is the sum of the input", () => {
  const dw = conv2dBackpropFilter(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]), tf.ones([1, 2, 2, 1]), {
    strides: 1,
    pad: "valid",
    dataFormat: "NHWC",
    filterShape: [1, 1, 1, 1],
  });
  assert.deepEqual(dw.arraySync(), [[[[10]]]]);
  dw.dispose();
});

test("conv2d gradients (dx by wasm's kernel, dW by attnlab's) match cpu", async () => {
  for (const [k, c] of CASES.entries()) {
    const where = `case ${k}: x ${c.x} w ${c.w} strides ${c.strides} pad ${JSON.stringify(c.pad)}`;
    await assertSameOnWasmAndCpu(where, () =>
      tf.grads((x: tf.Tensor, w: tf.Tensor) =>
        probe(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad)),
      )([randn(c.x, 2 * k + 1), randn(c.w, 2 * k + 2)]),
    );
  }
});

test("on wasm the im2col product gives the per-tap products' bits", () => {
  for (const [k, c] of CASES.entries()) {
    const g = convGeometry(c.x, c.w, c.strides, 1, c.pad, undefined, false);
    const [xpad, dy2] = tf.tidy(() => [
      padForTaps(randn(c.x, 3 * k + 1) as tf.Tensor4D, g),
      randn([g.batchSize * g.outHeight * g.outWidth, g.outChannels], 3 * k + 2) as tf.Tensor2D,
    ]);
    const fast = filterGradientIm2col(xpad, dy2, g);
    assert.ok(fast, "im2col runs on wasm");
    const taps = filterGradientByTaps(xpad, dy2, g);
    assert.deepEqual(fast.shape, c.w);
    assert.deepEqual(fast.dataSync(), taps.dataSync(), `case ${k}`);
    tf.dispose([xpad, dy2, fast, taps]);
  }
});

test("Conv2DBackpropInput by im2col (a speed kernel) gives tfjs-wasm's own bits", () => {
  const dx = (c: Case, k: number) =>
    tf.tidy(() => {
      const x = randn(c.x, 4 * k + 1) as tf.Tensor4D;
      const w = randn(c.w, 4 * k + 2) as tf.Tensor4D;
      return tf.grad((xx: tf.Tensor) => probe(tf.conv2d(xx as tf.Tensor4D, w, c.strides, c.pad)))(x);
    });
  const transposed = () =>
    tf.tidy(() =>
      tf.conv2dTranspose(
        randn([2, 4, 4, 3], 6) as tf.Tensor4D,
        randn([3, 3, 2, 3], 7) as tf.Tensor4D,
        [2, 8, 8, 2],
        2,
        "same",
      ),
    );
  // NCHW: not the im2col form, so the kernel hands the call to tfjs's own
  const nchw = () =>
    tf
      .engine()
      .runKernel(
        "Conv2DBackpropInput",
        { dy: randn([2, 4, 3, 3], 8), filter: randn([3, 3, 2, 4], 9) },
        { strides: 2, pad: "same", dataFormat: "NCHW", inputShape: [2, 2, 6, 6] },
      ) as tf.Tensor;
  const all = () => [...CASES.map((c, k) => dx(c, k)), transposed(), nchw()];
  const fast = all();
  setWasmSpeedKernels(false);
  const stock = all();
  setWasmSpeedKernels(true);
  for (const [k, t] of fast.entries()) assert.deepEqual(t.dataSync(), stock[k]!.dataSync(), `case ${k}`);
  tf.dispose([...fast, ...stock]);
});

test("the kernel handles NCHW and dimRoundingMode (called directly)", async () => {
  const nchw = { strides: 2, pad: "same", dataFormat: "NCHW", filterShape: [3, 3, 2, 4] };
  await assertSameOnWasmAndCpu("NCHW", () =>
    tf
      .engine()
      .runKernel("Conv2DBackpropFilter", { x: randn([2, 2, 7, 6], 1), dy: randn([2, 4, 4, 3], 2) }, nchw),
  );
  for (const dimRoundingMode of ["floor", "round", "ceil"] as const) {
    const attrs = { strides: 2, pad: 1, dataFormat: "NHWC", dimRoundingMode, filterShape: [3, 3, 2, 3] };
    const ho = { floor: 3, round: 4, ceil: 4 }[dimRoundingMode]; // (6 − 3 + 2)/2 + 1 = 3.5
    await assertSameOnWasmAndCpu(`dimRoundingMode ${dimRoundingMode}`, () =>
      tf
        .engine()
        .runKernel(
          "Conv2DBackpropFilter",
          { x: randn([1, 6, 6, 2], 3), dy: randn([1, ho, ho, 3], 4) },
          attrs,
        ),
    );
  }
});

test("a dy of the wrong shape is a RangeError naming both shapes", () => {
  const attrs: Conv2DBackpropFilterAttrs = {
    strides: 1,
    pad: "valid",
    dataFormat: "NHWC",
    filterShape: [3, 3, 1, 1],
  };
  assert.throws(() => conv2dBackpropFilter(tf.zeros([1, 5, 5, 1]), tf.zeros([1, 4, 4, 1]), attrs), {
    name: "RangeError",
    message: /dy must have shape \[1,3,3,1\].*got \[1,4,4,1\]/,
  });
});

test("conv1d, separableConv2d and conv2dTranspose gradients match cpu", async () => {
  await assertSameOnWasmAndCpu("conv1d", () =>
    tf.grads((x: tf.Tensor, w: tf.Tensor) => probe(tf.conv1d(x as tf.Tensor3D, w as tf.Tensor3D, 2, "same")))(
      [randn([2, 9, 3], 1), randn([3, 3, 4], 2)],
    ),
  );
  await assertSameOnWasmAndCpu("separableConv2d", () =>
    tf.grads((x: tf.Tensor, d: tf.Tensor, p: tf.Tensor) =>
      probe(tf.separableConv2d(x as tf.Tensor4D, d as tf.Tensor4D, p as tf.Tensor4D, 1, "same")),
    )([randn([2, 5, 5, 3], 3), randn([3, 3, 3, 2], 4), randn([1, 1, 6, 4], 5)]),
  );
  await assertSameOnWasmAndCpu("conv2dTranspose", () =>
    tf.grads((x: tf.Tensor, w: tf.Tensor) =>
      probe(tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 8, 8, 2], 2, "same")),
    )([randn([2, 4, 4, 3], 6), randn([3, 3, 2, 3], 7)]),
  );
});

test("no tensors leak across repeated calls", () => {
  assertNoLeak("conv2d grads", () =>
    tf.grads((x: tf.Tensor, w: tf.Tensor) => probe(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, "same")))(
      [randn([1, 6, 6, 2], 1), randn([3, 3, 2, 2], 2)],
    ),
  );
});
