/**
 * attnlab's speed kernels on wasm (BatchMatMul rewritten into XNNPACK's plain product or run by the SIMD batched
 * kernels, Sum over leading axes as 1ᵀ·X) against the cpu backend: every transpose and batch form, gradients of a dense layer, keepDims and axis
 * forms, fallbacks; no tensor or backend buffer leaks; the same bits on every run; and the switch back to tfjs's
 * stock kernels.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { batchedMatMul } from "../../lib/tfjs/kernels/batchedMatMul.js";
import { leadingAxes } from "../../lib/tfjs/kernels/sumLeadingAxes.js";
import { setWasmSpeedKernels, WASM_SPEED_KERNELS, wasmSpeedKernelsOn } from "../../lib/tfjs/index.js";
import { assertNoLeak, assertSameOnWasmAndCpu, probe, randn, setupWasm } from "./backends.js";

before(setupWasm);

/** [a shape, b shape, transposeA, transposeB] */
const MATMULS: [number[], number[], boolean, boolean][] = [
  [[5, 3], [3, 4], false, false],
  [[3, 5], [3, 4], true, false],
  [[5, 3], [4, 3], false, true],
  [[3, 5], [4, 3], true, true],
  [[2, 5, 3], [3, 4], false, false], // batch folded into rows
  [[2, 3, 5], [3, 4], true, false],
  [[2, 6, 5, 3], [4, 3], false, true],
  [[2, 5, 3], [1, 3, 4], false, false], // b with a batch of one
  [[5, 3], [1, 4, 3], false, true], // out [1, 5, 4]
  [[1, 0, 3], [3, 4], false, false], // empty
  // 4 × 8 tiles: rows 4 at a time then one, a narrower last panel, B read in place when m < 4 and n % 8 = 0
  [[9, 13], [13, 20], false, false],
  [[13, 9], [13, 20], true, false],
  [[9, 13], [20, 13], false, true],
  [[2, 13], [13, 16], false, false],
  [[1, 13], [13, 24], false, false],
  [[3, 2, 13], [3, 13, 24], false, false],
  [[2, 13, 6], [13, 9], true, false], // a batched and transposed, b one matrix: packed once
  // both batched: attnlab's SIMD kernels (16-, 4- and 1-column blocks, k not a multiple of 4)
  [[2, 5, 3], [2, 3, 4], false, false],
  [[2, 5, 7], [2, 7, 21], false, false],
  [[2, 7, 5], [2, 7, 21], true, false],
  [[2, 5, 7], [2, 21, 7], false, true],
  [[2, 3, 5, 16], [2, 3, 6, 16], false, true], // attention scores Q·Kᵀ
  [[2, 3, 5, 6], [2, 3, 6, 16], false, false], // weights · V
  [[2, 3, 6, 5], [2, 3, 6, 16], true, false], // gradient Aᵀ · dC
  [[5, 3], [2, 3, 4], false, false], // a single, b batched
  [[2, 5, 0], [2, 0, 4], false, false], // k = 0: zeros
  [[0, 5, 3], [0, 3, 4], false, false], // no matrices
  // tfjs's own kernel: both transposed, or batch shapes that broadcast
  [[2, 3, 5], [2, 4, 3], true, true],
  [[2, 1, 5, 3], [1, 3, 3, 4], false, false],
];

test("matMul with the speed kernels equals cpu in every transpose and batch form", async () => {
  assert.equal(wasmSpeedKernelsOn(), true, "initBackend turns them on");
  assert.deepEqual(
    [...WASM_SPEED_KERNELS],
    [
      "BatchMatMul",
      "Sum",
      "UnsortedSegmentSum",
      "SplitV",
      "Concat",
      "Transpose",
      "GatherV2",
      "Add",
      "Identity",
      "Conv2DBackpropInput",
      "Equal",
      "NotEqual",
      "Less",
      "LessEqual",
      "Greater",
      "GreaterEqual",
    ],
  );
  for (const [as, bs, ta, tb] of MATMULS) {
    const f = () => tf.matMul(randn(as, 1), randn(bs, 2), ta, tb);
    await assertSameOnWasmAndCpu(`matMul [${as}]${ta ? "ᵀ" : ""} · [${bs}]${tb ? "ᵀ" : ""}`, f);
    assertNoLeak(`matMul [${as}] · [${bs}]`, f);
  }
});

test("plain and transposed products give XNNPACK's bits (tfjs's stock plain product)", () => {
  const shapes: [number, number, number][] = [
    [5, 3, 4],
    [9, 13, 20],
    [70, 130, 50],
    [1024, 64, 192],
    [33, 512, 65],
  ];
  for (const [m, k, n] of shapes) {
    const [a, b] = [randn([m, k], 5), randn([k, n], 6)];
    const [aT, bT] = [a.transpose(), b.transpose()];
    const fast = [
      tf.matMul(a, b),
      tf.matMul(aT, b, true),
      tf.matMul(a, bT, false, true),
      tf.matMul(aT, bT, true, true),
    ];
    setWasmSpeedKernels(false);
    const stock = tf.matMul(a, b); // XNNPACK
    setWasmSpeedKernels(true);
    const want = stock.dataSync();
    for (const [i, c] of fast.entries()) {
      assert.deepEqual(c.dataSync(), want, `[${m}, ${k}] · [${k}, ${n}], form ${i}`);
    }
    tf.dispose([a, b, aT, bT, stock, ...fast]);
  }
});

test("a dense layer's gradients (dY·Wᵀ and Xᵀ·dY) equal cpu's", async () => {
  const grads = () => {
    const x = randn([4, 6, 8], 3);
    const w = randn([8, 5], 4);
    const g = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => probe(tf.matMul(xx.reshape([24, 8]), ww)));
    return g([x, w]);
  };
  await assertSameOnWasmAndCpu("dense gradients", grads);
  assertNoLeak("dense gradients", grads);
});

test("sum over leading axes equals cpu; other sums fall back", async () => {
  const cases: [string, () => tf.Tensor][] = [
    ["axis 0", () => tf.sum(randn([7, 5], 5), 0)],
    ["axes 0,1", () => tf.sum(randn([3, 4, 5], 6), [0, 1])],
    ["axes 1,0 keepDims", () => tf.sum(randn([3, 4, 5], 7), [1, 0], true)],
    ["axis −3 of rank 3", () => tf.sum(randn([3, 4, 5], 8), -3)],
    ["axis 1 (not leading)", () => tf.sum(randn([3, 4, 5], 9), 1)],
    ["all axes", () => tf.sum(randn([3, 4], 10))],
    ["int32", () => tf.sum(tf.tensor2d([1, 2, 3, 4], [2, 2], "int32"), 0)],
    ["bias gradient", () => tf.grad((b: tf.Tensor) => probe(tf.add(randn([6, 4], 11), b)))(randn([4], 12))],
    [
      "one buffer read under two shapes", // a kernel that cached by buffer id would reuse the first shape
      () => {
        const x = randn([4, 8, 16], 13);
        return tf.stack([tf.sum(x, [0, 1]), tf.sum(x, 0).reshape([8, 16]).sum(0), tf.sum(x, 0).sum(0)]);
      },
    ],
  ];
  for (const [name, f] of cases) {
    await assertSameOnWasmAndCpu(`sum ${name}`, f);
    assertNoLeak(`sum ${name}`, f);
  }
});

test("segment sums as a one-hot product equal cpu: ids out of range dropped, embedding gradient with 2-D ids", async () => {
  const ids = (values: number[], shape?: number[]) =>
    tf.tensor(values, shape as [number], "int32") as tf.Tensor1D;
  const cases: [string, () => tf.Tensor][] = [
    ["1-D ids", () => tf.unsortedSegmentSum(randn([6, 3], 1), ids([0, 2, 0, 1, 2, 2]), 3)],
    ["out of range", () => tf.unsortedSegmentSum(randn([5, 4], 2), ids([0, -1, 3, 7, 1]), 4)],
    ["trailing dims", () => tf.unsortedSegmentSum(randn([4, 2, 3], 3), ids([3, 0, 3, 1]), 4)],
    ["vector x", () => tf.unsortedSegmentSum(randn([5], 5), ids([1, 1, 0, 4, 1]), 5)],
    ["int32 (scatter-add)", () => tf.unsortedSegmentSum(ids([1, 2, 3, 4]), ids([0, 1, 0, 1]), 2)],
    [
      "embedding gradient",
      () =>
        tf.grad((table: tf.Tensor) => probe(tf.gather(table, ids([3, 1, 3, 0, 2, 3], [2, 3]))))(
          randn([5, 4], 4),
        ),
    ],
  ];
  for (const [name, f] of cases) {
    await assertSameOnWasmAndCpu(`segment sum ${name}`, f);
    assertNoLeak(`segment sum ${name}`, f);
  }
});

test("split, concat, last-axis-preserving transposes, row gathers and bias adds give cpu's exact values", async () => {
  const cases: [string, () => tf.Tensor | tf.Tensor[]][] = [
    ["split last axis in 3", () => tf.split(randn([4, 5, 12], 1), 3, 2)],
    ["split middle axis [2, -1]", () => tf.split(randn([3, 6, 4], 2), [2, -1], 1)],
    ["split axis 0", () => tf.split(randn([6, 5], 3), [1, 2, 3], 0)],
    ["split int32", () => tf.split(tf.range(0, 24, 1, "int32").reshape([2, 12]), 4, 1)],
    ["split with an empty piece", () => tf.split(randn([3, 4], 4), [0, 4], 1)],
    ["concat last axis", () => tf.concat([randn([2, 3, 4], 5), randn([2, 3, 1], 6), randn([2, 3, 7], 7)], 2)],
    [
      "concat axis 1 with an empty input",
      () => tf.concat([randn([2, 3, 4], 8), randn([2, 0, 4], 9), randn([2, 2, 4], 10)], 1),
    ],
    ["concat axis 0", () => tf.concat([randn([1, 5], 11), randn([3, 5], 12)], 0)],
    [
      "concat bool",
      () =>
        tf.concat(
          [tf.tensor2d([[true, false]], [1, 2], "bool"), tf.tensor2d([[false, true]], [1, 2], "bool")],
          1,
        ),
    ],
    ["transpose heads [0, 2, 1, 3]", () => tf.transpose(randn([2, 5, 3, 8], 13), [0, 2, 1, 3])],
    ["transpose [2, 0, 1, 3]", () => tf.transpose(randn([2, 3, 4, 6], 14), [2, 0, 1, 3])],
    ["transpose [1, 0, 2]", () => tf.transpose(randn([3, 4, 5], 15), [1, 0, 2])],
    ["transpose 2-D (tfjs's kernel)", () => tf.transpose(randn([3, 5], 16))],
    ["transpose last axis < 4 (tfjs's kernel)", () => tf.transpose(randn([3, 4, 2], 17), [1, 0, 2])],
    ["gather rows", () => tf.gather(randn([5, 4], 19), tf.tensor1d([3, 1, 3, 0], "int32"))],
    [
      "gather with 2-D indices",
      () =>
        tf.gather(
          randn([6, 2, 3], 20),
          tf.tensor2d(
            [
              [5, 0],
              [2, 2],
            ],
            [2, 2],
            "int32",
          ),
        ),
    ],
    [
      "gather int32 rows",
      () => tf.gather(tf.range(0, 12, 1, "int32").reshape([4, 3]), tf.tensor1d([2, 0], "int32")),
    ],
    ["gather on axis 1 (tfjs's kernel)", () => tf.gather(randn([3, 5], 21), tf.tensor1d([4, 0], "int32"), 1)],
    ["bias add [6, 4] + [4]", () => tf.add(randn([6, 4], 22), randn([4], 23))],
    ["bias add [7] + [2, 3, 7]", () => tf.add(randn([7], 24), randn([2, 3, 7], 25))],
    ["bias add [2, 3, 5] + [1, 1, 5]", () => tf.add(randn([2, 3, 5], 26), randn([1, 1, 5], 27))],
    ["add same shapes (tfjs's kernel)", () => tf.add(randn([3, 5], 28), randn([3, 5], 29))],
    ["add a scalar (tfjs's kernel)", () => tf.add(randn([3, 5], 30), 2)],
    [
      "equal to a max over the middle axes (a max-pooling gradient's mask)",
      () => {
        const x = tf.round(randn([2, 3, 3, 4], 32));
        return tf.equal(x, tf.max(x, [1, 2], true));
      },
    ],
    ["less [1, 8] vs [6, 1]: both broadcast", () => tf.less(randn([1, 8], 33), randn([6, 1], 34))],
    ["greaterEqual [3, 1, 5] vs [4, 1]", () => tf.greaterEqual(randn([3, 1, 5], 35), randn([4, 1], 36))],
    [
      "notEqual int32 [2, 3] vs [3]",
      () => tf.notEqual(tf.tensor2d([1, 2, 3, 4, 2, 6], [2, 3], "int32"), tf.tensor1d([1, 2, 0], "int32")),
    ],
    [
      "lessEqual [3, 4, 1] vs [3, 4, 5]: the last axis broadcast",
      () => tf.lessEqual(randn([3, 4, 1], 37), randn([3, 4, 5], 38)),
    ],
    [
      "equal to a max over channels (the last axis broadcast)",
      () => {
        const x = tf.round(randn([2, 3, 3, 4], 43));
        return tf.equal(x, tf.max(x, -1, true));
      },
    ],
    ["greater rank 5, axes merged", () => tf.greater(randn([2, 1, 2, 1, 3], 39), randn([2, 2, 2, 3], 40))],
    [
      "less with alternating broadcast axes (tfjs's kernel: more than three loops)",
      () => tf.less(randn([2, 1, 2, 1, 2, 1], 44), randn([1, 2, 1, 2, 1, 2], 45)),
    ],
    ["equal with an empty side", () => tf.equal(randn([0, 3], 41), randn([1, 3], 42))],
    [
      "gradients through split and concat",
      () => tf.grad((x: tf.Tensor) => probe(tf.concat(tf.split(x, 3, 1).reverse(), 1)))(randn([4, 6], 18)),
    ],
  ];
  for (const [name, f] of cases) {
    await assertSameOnWasmAndCpu(name, f, 0);
    assertNoLeak(name, f);
  }
});

test("Identity shares the buffer: a clone outlives its source, and the last of them frees it", () => {
  const backend = tf.backend();
  const buffers = backend.numDataIds();
  const x = randn([4, 5], 31);
  const want = x.dataSync().slice();
  const y = x.clone();
  const z = tf.engine().runKernel("Identity", { x: y }) as tf.Tensor;
  assert.equal(backend.numDataIds(), buffers + 1, "the clones share x's buffer");
  assert.deepEqual(z.shape, [4, 5]);
  x.dispose();
  y.dispose();
  assert.deepEqual(z.dataSync(), want, "the last clone keeps the values");
  z.dispose();
  assert.equal(backend.numDataIds(), buffers, "freed with the last one");
  const s = tf.tensor1d(["a", "b"], "string").clone(); // strings: tfjs's own kernel
  assert.deepEqual(s.arraySync(), ["a", "b"]);
  s.dispose();
});

test("leadingAxes names how many axes lead, or 0", () => {
  assert.equal(leadingAxes(0, 2), 1);
  assert.equal(leadingAxes([1, 0], 3), 2);
  assert.equal(leadingAxes(-2, 2), 1);
  assert.equal(leadingAxes(1, 2), 0);
  assert.equal(leadingAxes([0, 1], 2), 0, "every axis is a full sum");
  assert.equal(leadingAxes([0, 0], 3), 0, "repeats");
});

test("the kernels free every buffer they make, and give the same bits every run", () => {
  const backend = tf.engine().backend;
  const f = () => [
    tf.matMul(randn([9, 7], 1), randn([9, 4], 2), true, false),
    tf.sum(randn([6, 3], 3), 0),
    tf.matMul(randn([4, 9, 7], 4), randn([4, 5, 7], 5), false, true),
  ];
  tf.dispose(tf.tidy(f));
  const buffers = backend.numDataIds();
  const first = tf.tidy(() => f().map((t) => Array.from(t.dataSync())));
  const second = tf.tidy(() => f().map((t) => Array.from(t.dataSync())));
  assert.equal(backend.numDataIds(), buffers, "backend buffers leaked");
  assert.deepEqual(second, first);
});

test("setWasmSpeedKernels(false) puts tfjs's own kernels back, and true again", async () => {
  assert.equal(setWasmSpeedKernels(false), true);
  assert.equal(wasmSpeedKernelsOn(), false);
  await assertSameOnWasmAndCpu("stock matMul", () =>
    tf.matMul(randn([5, 3], 1), randn([4, 3], 2), false, true),
  );
  assert.equal(setWasmSpeedKernels(false), false, "a second call changes nothing");
  assert.equal(setWasmSpeedKernels(true), false);
  assert.equal(wasmSpeedKernelsOn(), true);
  await assertSameOnWasmAndCpu("fast matMul again", () =>
    tf.matMul(randn([5, 3], 1), randn([4, 3], 2), false, true),
  );
});

test("the SIMD kernels run here, and add each product in k order", () => {
  const [a, b] = [randn([2, 3, 6], 1), randn([2, 6, 5], 2)];
  const info = batchedMatMul(tf.backend(), {
    a,
    b,
    transposeA: false,
    transposeB: false,
    batch: 2,
    outShape: [2, 3, 5],
  });
  assert.ok(info, "WebAssembly SIMD is available and the kernels took the product");
  const out = tf.engine().makeTensorFromTensorInfo(info);
  const [av, bv] = [a.arraySync() as number[][][], b.arraySync() as number[][][]];
  // the same sums in float32, term by term in increasing k
  const want = av.map((ab, i) =>
    ab.map((row) =>
      Array.from({ length: 5 }, (_, j) =>
        row.reduce((s, x, kk) => Math.fround(s + Math.fround(x * bv[i]![kk]![j]!)), 0),
      ),
    ),
  );
  assert.deepEqual(out.arraySync(), want);
  tf.dispose([a, b, out]);
});
