/**
 * Runs the `@example` blocks of the documented library folders, so the docs cannot drift from the code
 * (as mathjs runs its doc examples). In an example, `expr; // expected` asserts that expr ≈ expected
 * (numbers to 1e-4 absolute + 1e-3 relative, as docs round); a trailing "(…)" after expected is prose.
 * Examples may `await`, and see every export of attnlab, of lib/train and lib/records, `tf`, and tanh, exp,
 * sqrt and log.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { mock, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as attnlab from "../lib/index.js";
import * as records from "../lib/records/index.js";
import * as train from "../lib/train/index.js";

const DOCUMENTED = [
  "lib/math",
  "lib/random",
  "lib/check",
  "lib/plot",
  "lib/display",
  "lib/metrics",
  "lib/train",
  "lib/records",
];

interface Example {
  file: string;
  line: number;
  lines: string[];
}

function examples(file: string): Example[] {
  const out: Example[] = [];
  const lines = readFileSync(file, "utf8").split("\n");
  lines.forEach((text, i) => {
    const at = text.match(/^\s*\*\s*@example\s*(.*)$/);
    if (!at) return;
    const body = at[1] ? [at[1]] : [];
    for (let j = i + 1; j < lines.length; j++) {
      const m = lines[j]!.match(/^\s*\*\s?(.*)$/);
      if (!m || /^\s*\*\//.test(lines[j]!) || m[1]!.trimStart().startsWith("@")) break;
      body.push(m[1]!.trim());
    }
    out.push({ file, line: i + 1, lines: body.filter((l) => l.length > 0) });
  });
  return out;
}

function close(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === "number") {
    assert.equal(typeof actual, "number", `${where}: got ${JSON.stringify(actual)}`);
    const ok =
      actual === expected || Math.abs((actual as number) - expected) <= 1e-4 + 1e-3 * Math.abs(expected);
    assert.ok(ok, `${where}: got ${actual}, documented ${expected}`);
  } else if (Array.isArray(expected)) {
    assert.ok(
      Array.isArray(actual) && actual.length === expected.length,
      `${where}: got ${JSON.stringify(actual)}`,
    );
    expected.forEach((e, i) => {
      close((actual as unknown[])[i], e, `${where}[${i}]`);
    });
  } else {
    assert.deepEqual(actual, expected, where);
  }
}

const scope = {
  ...attnlab,
  ...train,
  ...records,
  tf,
  tanh: Math.tanh,
  exp: Math.exp,
  sqrt: Math.sqrt,
  log: Math.log,
};
const files = DOCUMENTED.flatMap((dir) => readdirSync(dir).map((f) => join(dir, f))).filter((f) =>
  f.endsWith(".ts"),
);
const all = files.flatMap(examples);

test("the documented folders have examples", () => {
  assert.ok(all.length >= 40, `found only ${all.length} @example blocks`);
});

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...args: unknown[]) => Promise<void>;
const names = Object.keys(scope);

for (const ex of all) {
  test(`doc example ${ex.file}:${ex.line}`, async () => {
    const code = ex.lines
      .map((l) => {
        const m = l.match(/^(.*?);\s*\/\/\s*(.+?)(\s+\(.*\))?$/);
        return m ? `__check(${m[1]}, (${m[2]}), ${JSON.stringify(l)});` : l;
      })
      .join("\n");
    const run = new AsyncFunction("__check", ...names, code);
    const log = mock.method(console, "log", () => {}); // show() outside a kernel prints text/plain
    try {
      await run(close, ...names.map((n) => scope[n as keyof typeof scope]));
    } finally {
      log.mock.restore();
    }
  });
}
