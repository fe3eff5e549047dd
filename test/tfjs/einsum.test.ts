/**
 * Einsum on wasm (attnlab's kernel) against cpu over the equations attention uses and the edge cases of the
 * grouping (outer products, full sums, labels summed in one operand only, int32). tfjs 4.22 registers no
 * gradient for Einsum on any backend, so there is no gradient to compare.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { einsum } from "../../lib/tfjs/kernels/einsum.js";
import { assertNoLeak, assertSameOnWasmAndCpu, randn, setupWasm } from "./backends.js";

before(setupWasm);

const CASES: [string, number[][]][] = [
  [
    "ij,jk->ik",
    [
      [3, 4],
      [4, 5],
    ],
  ],
  [
    "ij,jk->ki",
    [
      [3, 4],
      [4, 5],
    ],
  ],
  [
    "bij,bjk->bik",
    [
      [2, 3, 4],
      [2, 4, 5],
    ],
  ],
  [
    "bnth,bnsh->bnts",
    [
      [2, 3, 4, 5],
      [2, 3, 6, 5],
    ],
  ], // attention scores Q Kᵀ per head
  [
    "bnts,bnsh->bnth",
    [
      [2, 3, 4, 6],
      [2, 3, 6, 5],
    ],
  ], // weights × values
  [
    "btd,dnh->btnh",
    [
      [2, 4, 6],
      [6, 3, 2],
    ],
  ], // per-head projection
  ["i,j->ij", [[3], [4]]],
  ["i,i->", [[5], [5]]],
  [
    "ij,ij->ij",
    [
      [3, 4],
      [3, 4],
    ],
  ],
  [
    "ijk,ik->ji",
    [
      [3, 4, 2],
      [3, 2],
    ],
  ],
  [
    "ij,jk->i",
    [
      [3, 4],
      [4, 5],
    ],
  ],
  ["ij->ji", [[3, 4]]],
  ["ijk->k", [[2, 3, 4]]],
  ["ij->", [[3, 4]]],
];

test("doc examples", () => {
  const [a, b] = [
    einsum("ij,jk->ik", tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])),
    einsum(
      "ij->j",
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
    ),
  ];
  assert.deepEqual(a.arraySync(), [[11]]);
  assert.deepEqual(b.arraySync(), [4, 6]);
  tf.dispose([a, b]);
});

test("tf.einsum on wasm matches cpu", async () => {
  for (const [k, [equation, shapes]] of CASES.entries()) {
    await assertSameOnWasmAndCpu(equation, () =>
      tf.einsum(equation, ...shapes.map((s, n) => randn(s, 10 * k + n))),
    );
  }
  await assertSameOnWasmAndCpu("int32", () =>
    tf.einsum(
      "ij,jk->ik",
      tf.tensor2d(
        [
          [1, 2],
          [3, 4],
        ],
        [2, 2],
        "int32",
      ),
      tf.tensor2d([[5], [6]], [2, 1], "int32"),
    ),
  );
});

test("tfjs's limits and errors are kept", async () => {
  await tf.setBackend("wasm");
  assert.throws(() => tf.einsum("ii->i", tf.zeros([2, 2])), /duplicate axes/);
  assert.throws(() => tf.einsum("i,j,k->ijk", tf.zeros([1]), tf.zeros([1]), tf.zeros([1])), /more than 2/);
  assert.throws(() => tf.einsum("ij,jk->ik", tf.zeros([2, 3]), tf.zeros([4, 2])), /Expected dimension 3/);
});

test("no tensors leak across repeated calls, including an identity equation", () => {
  assertNoLeak("einsum", () => tf.einsum("bnth,bnsh->bnts", randn([1, 2, 3, 4], 1), randn([1, 2, 5, 4], 2)));
  assertNoLeak("einsum identity", () => tf.einsum("ij->ij", randn([2, 3], 1)));
});
