/**
 * Runs the `@example` blocks of lib/plot and lib/display (which may `await`), so their docs cannot drift.
 * As in test/docExamples.test.ts: a line `expr; // expected` asserts that expr deep-equals expected; a trailing
 * "(…)" after expected is prose. Examples see every export of lib/plot and lib/display.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { mock, test } from "node:test";
import * as display from "../../lib/display/index.js";
import * as plot from "../../lib/plot/index.js";

const root = join(__dirname, "..", "..");
const DOCUMENTED = ["lib/plot", "lib/display"];

interface Example {
  file: string;
  line: number;
  lines: string[];
}

function examples(file: string): Example[] {
  const out: Example[] = [];
  const lines = readFileSync(join(root, file), "utf8").split("\n");
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

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...args: unknown[]) => Promise<void>;
const scope = { ...plot, ...display };
const all = DOCUMENTED.flatMap((dir) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith(".ts"))
    .flatMap((f) => examples(join(dir, f))),
);

test("lib/plot and lib/display have examples", () => {
  assert.ok(all.length >= 15, `found only ${all.length} @example blocks`);
});

for (const ex of all) {
  test(`doc example ${ex.file}:${ex.line}`, async () => {
    const code = ex.lines
      .map((l) => {
        const m = l.match(/^(.*?);\s*\/\/\s*(.+?)(\s+\(.*\))?$/);
        return m ? `__check(${m[1]}, (${m[2]}), ${JSON.stringify(l)});` : l;
      })
      .join("\n");
    const names = Object.keys(scope);
    const run = new AsyncFunction("__check", ...names, code);
    const log = mock.method(console, "log", () => {}); // show() outside a kernel prints text/plain
    try {
      await run(
        (actual: unknown, expected: unknown, where: string) => assert.deepEqual(actual, expected, where),
        ...names.map((n) => scope[n as keyof typeof scope]),
      );
    } finally {
      log.mock.restore();
    }
  });
}
