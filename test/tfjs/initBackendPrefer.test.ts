/**
 * `prefer` is tried first and falls back along the default order, saying what it skipped. Its own file: the
 * first successful call decides.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { initBackend } from "../../lib/tfjs/index.js";

delete process.env.ATTNLAB_BACKEND;

test("prefer: a bad name is a RangeError; webgl in Node falls back to wasm and says so", async () => {
  await assert.rejects(initBackend({ prefer: "gpu" }), {
    name: "RangeError",
    message: /prefer must be one of/,
  });
  const info = await initBackend({ prefer: "webgl", log: false });
  assert.equal(info.name, "wasm");
  assert.equal(
    info.reason,
    "default in Node; skipped webgl: WebGL needs a browser; tensorflow: @tensorflow/tfjs-node is not installed",
  );
});
