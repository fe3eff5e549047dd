/**
 * Dependencies flow one way: the experiments framework imports no case, cases use only the framework's public
 * definition module, and no module re-exports another folder's names (one home per name).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";

const root = resolve(__dirname, "..");
const lib = join(root, "lib");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Every relative module a file imports or re-exports, resolved to a path under lib/ (without extension). */
function edges(file: string): { target: string; reexport: boolean }[] {
  const text = readFileSync(file, "utf8");
  const out: { target: string; reexport: boolean }[] = [];
  for (const m of text.matchAll(/^(import|export)\b[^;]*?from\s+"(\.[^"]+)"/gms)) {
    const target = relative(lib, resolve(dirname(file), m[2]!)).replace(/\.js$/, "");
    out.push({ target, reexport: m[1] === "export" });
  }
  return out;
}

const folderOf = (path: string) => path.split("/")[0]!;

test("lib/experiments (the framework) imports nothing from lib/cases", () => {
  const bad = sources(join(lib, "experiments")).flatMap((f) =>
    edges(f)
      .filter((e) => folderOf(e.target) === "cases")
      .map((e) => `${relative(root, f)} → lib/${e.target}`),
  );
  assert.deepEqual(bad, []);
});

/** The framework modules a case may use: the definition of an experiment and the run scaffold. */
const CASE_FACING = ["experiments/experiment", "experiments/caseRun"];

test("lib/cases uses only the framework's case-facing modules (experiment.ts, caseRun.ts), never its internals", () => {
  const bad = sources(join(lib, "cases")).flatMap((f) =>
    edges(f)
      .filter((e) => folderOf(e.target) === "experiments" && !CASE_FACING.includes(e.target))
      .map((e) => `${relative(root, f)} → lib/${e.target}`),
  );
  assert.deepEqual(bad, []);
});

test("no module re-exports another folder's names, except the barrels and entry points", () => {
  const isBarrel = (f: string) =>
    /(^|\/)index\.ts$/.test(relative(lib, f)) || !relative(lib, f).includes("/");
  const bad = sources(lib)
    .filter((f) => !isBarrel(f))
    .flatMap((f) => {
      const own = folderOf(relative(lib, f));
      return edges(f)
        .filter((e) => e.reexport && folderOf(e.target) !== own)
        .map((e) => `${relative(root, f)} re-exports lib/${e.target}`);
    });
  assert.deepEqual(bad, []);
});
