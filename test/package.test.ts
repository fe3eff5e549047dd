/**
 * The built package works as a user installs it: a separate folder runs `npm install <this repo>` and then
 * `require("attnlab")` (CommonJS) and `import … from "attnlab"` (ESM). Needs `npm run build` (npm test does it).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";

const root = resolve(__dirname, "..");
const consumer = mkdtempSync(join(tmpdir(), "attnlab-consumer-"));
const names = "attend, multiHeadAttend, softmax, maskedSoftmax, sinusoidalPositionalEncoding";
const program = `
const t = attend([[1, 0]], [[1, 0], [0, 1]], [[10, 0], [0, 10]], { score: "dot" });
const mh = multiHeadAttend([[1, 0]], [[1, 0]], [[3, 4]], { numHeads: 2, wq: [[1, 0], [0, 1]], wk: [[1, 0], [0, 1]], wv: [[1, 0], [0, 1]], wo: [[1, 0], [0, 1]] });
console.log(JSON.stringify({
  weights: t.weights, mh: mh.output, softmax: softmax([0, 0]),
  masked: maskedSoftmax([[1, 1]], { validLens: 1 }), pe: sinusoidalPositionalEncoding(1, 2),
}));`;
const expected = {
  weights: [[Math.E / (Math.E + 1), 1 / (Math.E + 1)]],
  mh: [[3, 4]],
  softmax: [0.5, 0.5],
  masked: [[1, 0]],
  pe: [[0, 1]],
};

before(() => {
  assert.ok(existsSync(join(root, "dist/cjs/index.js")), "dist/ is missing: run `npm run build` first");
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }));
  // --ignore-scripts: the repo's `prepare` would rebuild dist/ while other tests read it
  execFileSync(
    "npm",
    ["install", "--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--no-package-lock", root],
    {
      cwd: consumer,
      stdio: "pipe",
    },
  );
});
after(() => rmSync(consumer, { recursive: true, force: true }));

test("CommonJS: require('attnlab') from a folder that installed it by path", () => {
  writeFileSync(join(consumer, "main.cjs"), `const { ${names} } = require("attnlab");\n${program}`);
  const out = execFileSync(process.execPath, ["main.cjs"], { cwd: consumer, encoding: "utf8" });
  assert.deepEqual(JSON.parse(out), expected);
});

test("ESM: import { … } from 'attnlab' from a folder that installed it by path", () => {
  writeFileSync(join(consumer, "main.mjs"), `import { ${names} } from "attnlab";\n${program}`);
  const out = execFileSync(process.execPath, ["main.mjs"], { cwd: consumer, encoding: "utf8" });
  assert.deepEqual(JSON.parse(out), expected);
});
