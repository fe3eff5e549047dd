/**
 * The generated modules that carry attnlab's WebAssembly kernels (lib/tfjs/kernels/*Wasm.ts) match their .wat
 * sources: `scripts/wasm.mjs --check` assembles each one again and compares.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";

test("every .wat kernel's generated module is up to date", () => {
  const root = join(__dirname, "..", "..");
  const r = spawnSync(process.execPath, [join(root, "scripts", "wasm.mjs"), "--check"], { encoding: "utf8" });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
});
