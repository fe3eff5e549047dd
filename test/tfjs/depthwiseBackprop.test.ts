/**
 * DepthwiseConv2dNativeBackpropFilter and …BackpropInput on wasm (attnlab's kernels) against cpu, through the
 * gradient of `tf.depthwiseConv2d` over strides, paddings and channel multipliers; dilations (which tfjs's
 * gradient refuses) through the kernels directly, against cpu on the equivalent zero-dilated filter.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { depthwiseBackpropFilter } from "../../lib/tfjs/kernels/depthwiseBackpropFilter.js";
import { depthwiseBackpropInput } from "../../lib/tfjs/kernels/depthwiseBackpropInput.js";
import { assertNoLeak, assertSameOnWasmAndCpu, probe, randn, runOn, setupWasm } from "./backends.js";

before(setupWasm);

type Pad = "same" | "valid" | number | tf.backend_util.ExplicitPadding;
interface Case {
  x: [number, number, number, number];
  w: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
}

const CASES: Case[] = [
  { x: [2, 7, 6, 3], w: [3, 3, 3, 1], strides: 1, pad: "same" },
  { x: [2, 7, 6, 2], w: [3, 2, 2, 2], strides: 2, pad: "same" },
  { x: [1, 8, 8, 2], w: [3, 3, 2, 3], strides: 2, pad: "valid" },
  { x: [2, 9, 7, 1], w: [2, 3, 1, 2], strides: 3, pad: "valid" },
  { x: [1, 6, 7, 3], w: [3, 3, 3, 1], strides: [2, 1], pad: "same" },
  {
    x: [2, 5, 6, 2],
    w: [3, 2, 2, 2],
    strides: 1,
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  { x: [2, 6, 6, 2], w: [3, 3, 2, 1], strides: 2, pad: 1 },
  { x: [1, 4, 4, 2], w: [1, 1, 2, 3], strides: 1, pad: 0 },
];

test("doc examples", () => {
  const dw = depthwiseBackpropFilter(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]), tf.ones([1, 2, 2, 1]), {
    strides: 1,
    dilations: 1,
    pad: "valid",
    filterShape: [1, 1, 1, 1],
  });
  assert.deepEqual(dw.arraySync(), [[[[10]]]]);
  const dx = depthwiseBackpropInput(tf.ones([1, 2, 2, 1]), tf.fill([1, 1, 1, 1], 2), {
    strides: 1,
    dilations: 1,
    pad: "valid",
    inputShape: [1, 2, 2, 1],
  });
  assert.deepEqual(dx.arraySync(), [
    [
      [[2], [2]],
      [[2], [2]],
    ],
  ]);
  tf.dispose([dw, dx]);
});

test("depthwiseConv2d gradients (dx and dW) match cpu", async () => {
  for (const [k, c] of CASES.entries()) {
    const where = `case ${k}: x ${c.x} w ${c.w} strides ${c.strides} pad ${JSON.stringify(c.pad)}`;
    await assertSameOnWasmAndCpu(where, () =>
      tf.grads((x: tf.Tensor, w: tf.Tensor) =>
        probe(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad)),
      )([randn(c.x, 2 * k + 1), randn(c.w, 2 * k + 2)]),
    );
  }
});

/** Filter [fh, fw, C, M] with d−1 zeros between taps: a dilated conv equals a plain conv with this filter. */
function zeroDilate(w: tf.Tensor4D, d: number): tf.Tensor4D {
  const [fh, fw, c, m] = w.shape;
  const holes = tf.pad(tf.reshape(w, [fh, 1, fw, 1, c, m]), [
    [0, 0],
    [0, d - 1],
    [0, 0],
    [0, d - 1],
    [0, 0],
    [0, 0],
  ]);
  const big = tf.reshape(holes, [fh * d, fw * d, c, m]);
  return tf.slice(big, [0, 0, 0, 0], [(fh - 1) * d + 1, (fw - 1) * d + 1, c, m]) as tf.Tensor4D;
}

test("dilations: the kernels match cpu on the equivalent zero-dilated filter", async () => {
  const [d, w, x] = [2, () => randn([3, 2, 2, 2], 2) as tf.Tensor4D, () => randn([2, 8, 7, 2], 1)];
  const attrs = { strides: 1, pad: "same" };
  const dy = () => randn([2, 8, 7, 4], 3);
  const plain = (name: string, inputs: tf.NamedTensorMap, extra: object) =>
    tf.engine().runKernel(name, inputs, { ...attrs, dilations: 1, ...extra }) as tf.Tensor;
  const dilated = (name: string, inputs: tf.NamedTensorMap, extra: object) =>
    tf.engine().runKernel(name, inputs, { ...attrs, dilations: d, ...extra }) as tf.Tensor;
  // reference on cpu: plain kernels with the zero-dilated filter; dW is its every d-th tap
  const [refDx] = await runOn("cpu", () =>
    plain(
      "DepthwiseConv2dNativeBackpropInput",
      { dy: dy(), filter: zeroDilate(w(), d) },
      { inputShape: [2, 8, 7, 2] },
    ),
  );
  const [refDwBig] = await runOn("cpu", () =>
    plain("DepthwiseConv2dNativeBackpropFilter", { x: x(), dy: dy() }, { filterShape: [5, 3, 2, 2] }),
  );
  const [gotDx, gotDw] = await runOn("wasm", () => [
    dilated("DepthwiseConv2dNativeBackpropInput", { dy: dy(), filter: w() }, { inputShape: [2, 8, 7, 2] }),
    dilated("DepthwiseConv2dNativeBackpropFilter", { x: x(), dy: dy() }, { filterShape: [3, 2, 2, 2] }),
  ]);
  const refDw = tf.tidy(() => {
    const big = tf.tensor4d(refDwBig!.values, [5, 3, 2, 2]);
    return Array.from(tf.stridedSlice(big, [0, 0, 0, 0], [5, 3, 2, 2], [d, d, 1, 1]).dataSync());
  });
  const close = (a: number[], b: number[], what: string) =>
    a.forEach((v, i) =>
      assert.ok(Math.abs(v - b[i]!) <= 1e-5 * Math.max(1, Math.abs(b[i]!)), `${what}[${i}]`),
    );
  close(gotDx!.values, refDx!.values, "dx");
  close(gotDw!.values, refDw, "dW");
});

test("no tensors leak across repeated calls", () => {
  assertNoLeak("depthwise grads", () =>
    tf.grads((x: tf.Tensor, w: tf.Tensor) =>
      probe(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, "same")),
    )([randn([1, 6, 6, 2], 1), randn([3, 3, 2, 2], 2)]),
  );
});
