/**
 * ATTNLAB_SPEED_KERNELS=0 starts wasm with tfjs's stock kernels, and says so in the label that experiment records
 * store. Its own file: the first successful initBackend call in a process decides.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { initBackend, wasmSpeedKernelsOn } from "../../lib/tfjs/index.js";

test("ATTNLAB_SPEED_KERNELS=0: wasm with tfjs's stock kernels, labelled as such", async () => {
  delete process.env.ATTNLAB_BACKEND;
  process.env.ATTNLAB_SPEED_KERNELS = "0";
  const info = await initBackend();
  assert.equal(info.name, "wasm");
  assert.equal(info.label, "wasm (tfjs stock kernels)");
  assert.equal(wasmSpeedKernelsOn(), false);
  assert.ok(tf.getKernel("UnsortedSegmentSum", "wasm"), "the training kernels are there all the same");
});
