/**
 * ATTNLAB_BACKEND overrides the choice (and the caller's `prefer`) and never falls back; a bad value is an
 * error that names it, and a failed call is not remembered. Its own file: the first successful call decides.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/tfjs/index.js";

test("ATTNLAB_BACKEND: unknown → RangeError; unavailable → Error; cpu → cpu even when wasm is preferred", async () => {
  process.env.ATTNLAB_BACKEND = "tpu";
  await assert.rejects(initBackend(), {
    name: "RangeError",
    message: /ATTNLAB_BACKEND must be one of .*"tpu"/,
  });
  process.env.ATTNLAB_BACKEND = "tensorflow";
  await assert.rejects(initBackend(), /ATTNLAB_BACKEND=tensorflow, but .*tfjs-node is not installed/);
  process.env.ATTNLAB_BACKEND = "cpu";
  tf.env().set("IS_TEST", true); // silences the cpu backend's banner
  const info = await initBackend({ prefer: "wasm" });
  assert.deepEqual(info, { name: "cpu", reason: "ATTNLAB_BACKEND=cpu", version: "4.22.0", label: "cpu" });
  assert.equal(tf.getBackend(), "cpu");
  assert.equal(
    tf.getKernel("UnsortedSegmentSum", "wasm"),
    undefined,
    "wasm kernels only when wasm is chosen",
  );
  assert.equal(await initBackend(), info);
});
