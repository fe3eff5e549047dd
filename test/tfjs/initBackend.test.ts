/**
 * initBackend in Node without tfjs-node: picks wasm (with the training kernels), says why, is idempotent,
 * finds the .wasm files from any working directory. Also the pure choice policy and the optional loader.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { defaultReason } from "../../lib/tfjs/chooseBackend.js";
import {
  initBackend,
  isSoftwareRenderer,
  planBackends,
  registerWasmTrainingKernels,
  WASM_TRAINING_KERNELS,
} from "../../lib/tfjs/index.js";
import { loadOptional, nodeRequires, wasmFilesDir } from "../../lib/tfjs/nodeRequire.js";

delete process.env.ATTNLAB_BACKEND;

test("in Node without tfjs-node, initBackend picks wasm and says why", async () => {
  const info = await initBackend();
  assert.equal(info.name, "wasm");
  assert.equal(info.label, "wasm", "speed kernels on: records say plain wasm");
  assert.equal(info.version, "4.22.0");
  assert.match(info.reason, /^default in Node; skipped tensorflow: @tensorflow\/tfjs-node is not installed$/);
  assert.equal(tf.getBackend(), "wasm");
});

test("a second call returns the same info and does not switch, whatever its options", async () => {
  const first = await initBackend();
  const second = await initBackend({ prefer: "cpu" });
  assert.equal(second, first);
  assert.equal(tf.getBackend(), "wasm");
});

test("wasm gets every training kernel, once", async () => {
  await initBackend();
  for (const name of WASM_TRAINING_KERNELS) assert.ok(tf.getKernel(name, "wasm"), `${name} registered`);
  assert.deepEqual(registerWasmTrainingKernels(), [], "a second registration adds nothing");
});

test("the .wasm files are found from attnlab's own location", () => {
  assert.ok(
    nodeRequires().some((r) => r.from === "attnlab"),
    "CommonJS build resolves from its own file",
  );
  const dir = wasmFilesDir();
  assert.ok(dir !== undefined);
  for (const file of ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm"]) {
    assert.ok(existsSync(join(dir, file)), `${file} in ${dir}`);
  }
});

test("from another working directory the backend still starts (child process in the temp folder)", () => {
  const tsx = pathToFileURL(require.resolve("tsx")).href;
  const out = execFileSync(
    process.execPath,
    ["--import", tsx, join(__dirname, "fixtures", "printBackend.ts")],
    {
      cwd: tmpdir(),
      env: { ...process.env, ATTNLAB_BACKEND: "" },
      encoding: "utf8",
    },
  );
  assert.equal(JSON.parse(out.trim().split("\n").pop()!).name, "wasm");
});

test("planBackends: env forces, prefer goes first, defaults per platform", () => {
  assert.deepEqual(planBackends({ isNode: true }), { order: ["tensorflow", "wasm", "cpu"], forced: false });
  assert.deepEqual(planBackends({ isNode: true, prefer: "cpu" }), {
    order: ["cpu", "tensorflow", "wasm"],
    forced: false,
  });
  assert.deepEqual(planBackends({ isNode: true, forced: "cpu", prefer: "wasm" }), {
    order: ["cpu"],
    forced: true,
  });
  const gpu = "ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0)";
  const soft = "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)";
  assert.deepEqual(planBackends({ isNode: false, renderer: gpu }).order, ["webgl", "wasm", "cpu"]);
  assert.deepEqual(planBackends({ isNode: false, renderer: soft }).order, ["wasm", "webgl", "cpu"]);
  assert.deepEqual(planBackends({ isNode: false }).order, ["wasm", "cpu"]);
  assert.match(defaultReason("wasm", { isNode: false, renderer: soft }), /software; wasm is faster/);
});

test("isSoftwareRenderer knows SwiftShader, llvmpipe and Microsoft Basic Render", () => {
  for (const r of [
    "Google SwiftShader",
    "llvmpipe (LLVM 15.0.7, 256 bits)",
    "Microsoft Basic Render Driver",
  ]) {
    assert.equal(isSoftwareRenderer(r), true, r);
  }
  for (const r of ["Apple M2", "Mesa Intel(R) UHD Graphics 620 (KBL GT2)", "AMD Radeon RX 6800"]) {
    assert.equal(isSoftwareRenderer(r), false, r);
  }
});

/** A stand-in for Node's `require`: `resolve` and loading each succeed or throw as told. */
function fakeRequire(resolve: string | Error, load: unknown): NodeJS.Require {
  const req = ((_id: string) => {
    if (load instanceof Error) throw load;
    return load;
  }) as unknown as NodeJS.Require;
  req.resolve = ((_id: string) => {
    if (resolve instanceof Error) throw resolve;
    return resolve;
  }) as NodeJS.RequireResolve;
  return req;
}

test("loadOptional tells missing, failed-to-load and loaded apart, trying each require in turn", () => {
  const missing = fakeRequire(new Error("Cannot find module"), undefined);
  const broken = fakeRequire(
    "/x/tfjs-node/index.js",
    new Error("libtensorflow.so: cannot open shared object\nmore"),
  );
  const good = fakeRequire("/x/tfjs-node/index.js", { version: "4.22.0" });
  assert.deepEqual(loadOptional("pkg", [{ from: "a", require: missing }]), { status: "missing" });
  assert.deepEqual(loadOptional("pkg", [{ from: "a", require: broken }]), {
    status: "failed",
    error: "libtensorflow.so: cannot open shared object",
  });
  assert.deepEqual(
    loadOptional("pkg", [
      { from: "a", require: missing },
      { from: "b", require: good },
    ]),
    { status: "loaded", module: { version: "4.22.0" }, from: "b" },
  );
  assert.deepEqual(loadOptional("@tensorflow/tfjs-node"), { status: "missing" }, "not installed here");
});
