/**
 * Error text in the real attnlab kernel reads like the learner's code: a frame in a cell names the cell and its
 * own line (tslab's generated lines are mapped back), attnlab's frames point at lib/**\/*.ts (source maps), and
 * tslab, vm and Node-internal frames and absolute install paths are gone. Needs dist/ (hold the dist lock).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Kernel } from "../../lib/runner/kernel.js";
import { root } from "./helpers.js";
import { type Seen, startKernel, streamText } from "./kernelClient.js";

let kernel: Kernel;
let seen: Seen[];

before(async () => {
  ({ kernel, seen } = await startKernel());
});

after(async () => {
  await kernel?.shutdown();
});

async function failingCell(code: string): Promise<string> {
  let id = "";
  const outcome = await kernel.execute(code, 60_000, (msgId) => {
    id = msgId;
  });
  assert.equal(outcome.status, "error");
  return streamText(seen, id);
}

/** Every way a trace could still show the kernel's insides. */
function assertClean(text: string): void {
  assert.ok(!text.includes(root), `no absolute install path in:\n${text}`);
  for (const inside of [/\(\//, /tslab[\\/]dist/, /node:internal/, /node:vm/, /evalmachine/, /launch\.cjs/]) {
    assert.doesNotMatch(text, inside);
  }
  assert.doesNotMatch(text, /dist[\\/]cjs/, "frames point at lib/**/*.ts, not dist/");
}

test("a throw in a cell names the cell's own line, past type-only lines and exported declarations", async () => {
  const text = await failingCell(
    [
      "// line 1",
      "interface Point {", // type-only: no generated line
      "  x: number;",
      "}",
      "const p: Point = { x: 1 };", // exported: tslab adds `exports.p = p;` after it
      "function explode(point: Point): number {",
      '  throw new RangeError("explode: x is " + point.x);', // line 7
      "}",
      "explode(p);", // line 9
    ].join("\n"),
  );
  assert.match(text, /^RangeError: explode: x is 1\n/);
  assert.match(text, /\n {4}at explode \(<cell \d+>:7:9\)\n/);
  assert.match(text, /\n {4}at <cell \d+>:9:1\n?/);
  assertClean(text);
});

test("an error thrown in attnlab shows a lib/…ts frame, relative to the package, and the cell's line", async () => {
  const text = await failingCell(
    [
      'import { checkOptions, opt } from "attnlab";',
      "",
      'checkOptions("demo", { casual: true }, { causal: opt.boolean() });', // line 3
    ].join("\n"),
  );
  assert.match(text, /demo/);
  assert.match(text, /\n {4}at \S+ \(attnlab\/lib\/check\/options\.ts:\d+:\d+\)/);
  assert.match(text, /\n {4}at <cell \d+>:3:\d+/);
  assertClean(text);
});

test("an error after an await (a rejected top-level promise) is mapped too", async () => {
  const text = await failingCell(
    [
      "await new Promise((r) => setTimeout(r, 10));",
      "const y: number = 2;",
      'throw new TypeError("late " + y);',
    ].join("\n"),
  );
  assert.match(text, /^TypeError: late 2\n {4}at <cell \d+>:3:7/);
  assertClean(text);
});

test("dist's source maps carry the TypeScript sources, so an installed package (no lib/) maps too", () => {
  for (const build of ["cjs", "esm"]) {
    const map = JSON.parse(readFileSync(join(root, "dist", build, "train", "fit.js.map"), "utf8"));
    assert.deepEqual(map.sources, ["../../../lib/train/fit.ts"], build);
    assert.match(map.sourcesContent?.[0] ?? "", /export async function fit</, build);
  }
});
