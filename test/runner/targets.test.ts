/**
 * Where `attnlab run` writes (targets.ts), on real folders with symbolic links: collisions are errors naming both
 * files, raised by `runNotebooks` before any kernel starts (no kernel is needed to see them, nothing is written).
 */
import assert from "node:assert/strict";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { notebookToHtml } from "../../lib/runner/html.js";
import { codeCell, type Notebook } from "../../lib/runner/notebook.js";
import { runNotebooks } from "../../lib/runner/run.js";
import { planTargets } from "../../lib/runner/targets.js";

const root = mkdtempSync(join(tmpdir(), "attnlab-targets-"));
after(() => rmSync(root, { recursive: true, force: true }));

const nbText = (extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { ...extra }, cells: [] })}\n`;

/** A fresh tree: work/nb.ipynb, work/a/nb.ipynb (someone's file), x/nb.ipynb, y/nb.ipynb, work/link -> . */
function tree(): string {
  const dir = mkdtempSync(join(root, "t-"));
  for (const p of ["work/nb.ipynb", "work/a/nb.ipynb", "x/nb.ipynb", "y/nb.ipynb", "work/sub/deep.ipynb"]) {
    mkdirSync(join(dir, p, ".."), { recursive: true });
    writeFileSync(join(dir, p), nbText());
  }
  symlinkSync(".", join(dir, "work", "link"));
  symlinkSync(join(dir, "work", "nb.ipynb"), join(dir, "work", "alias.ipynb"));
  return dir;
}

/** Every file under `dir` with its content, to show that nothing changed. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    try {
      out[f] = readFileSync(join(dir, f), "utf8");
    } catch {
      out[f] = "(folder)";
    }
  }
  return out;
}

const base = { inplace: false, parameters: {}, timeoutS: 5, kernelStartTimeoutS: 5, html: false };

// [what, inputs (relative to work/), -o, extra options, expected error]
const COLLISIONS: [string, string[], string, Partial<typeof base>, RegExp][] = [
  [
    "outside input over an unrelated file",
    ["../x/nb.ipynb"],
    "a",
    {},
    /a\/nb\.ipynb exists and is not an earlier output of \.\.\/x\/nb\.ipynb \(it was not written by attnlab run\)/,
  ],
  [
    "outside input onto an input",
    ["../x/nb.ipynb", "a/nb.ipynb"],
    "a",
    {},
    /the executed copy of \.\.\/x\/nb\.ipynb .* and the input a\/nb\.ipynb are the same file/,
  ],
  [
    "two inputs with one basename",
    ["../x/nb.ipynb", "../y/nb.ipynb"],
    "out",
    {},
    /the executed copy of \.\.\/y\/nb\.ipynb .* and the executed copy of \.\.\/x\/nb\.ipynb .* are the same file/,
  ],
  [
    "-o through a symlink to .",
    ["nb.ipynb"],
    "link",
    {},
    /the executed copy of nb\.ipynb .*link\/nb\.ipynb\) and the input nb\.ipynb are the same file/,
  ],
  [
    "-o .",
    ["nb.ipynb"],
    ".",
    {},
    /the executed copy of nb\.ipynb .* and the input nb\.ipynb are the same file/,
  ],
  [
    "one notebook twice through a symlink",
    ["nb.ipynb", "alias.ipynb"],
    "out",
    {},
    /the input alias\.ipynb and the input nb\.ipynb are the same file/,
  ],
  [
    "one notebook twice",
    ["nb.ipynb", "nb.ipynb"],
    "out",
    {},
    /the input nb\.ipynb and the input nb\.ipynb are the same file/,
  ],
  [
    "a folder and a file in it",
    ["sub", "sub/deep.ipynb"],
    "out",
    {},
    /the input sub\/deep\.ipynb and the input sub\/deep\.ipynb/,
  ],
  [
    "the HTML page on someone's file",
    ["nb.ipynb"],
    "out",
    { html: true },
    /out\/nb\.html exists and is not an earlier output of nb\.ipynb/,
  ],
  [
    "a folder in the way of the output",
    ["nb.ipynb"],
    "out",
    {},
    /out\/nb\.ipynb exists and is not a regular file/,
  ],
  [
    "a symlink in the way of the output",
    ["nb.ipynb"],
    "out",
    {},
    /out\/nb\.ipynb exists and is not a regular file/,
  ],
  ["a missing notebook", ["nope.ipynb"], "out", {}, /no such notebook or folder: nope\.ipynb/],
  ["not a notebook", ["notes.txt"], "out", {}, /notes\.txt is not a notebook \(\.ipynb\)/],
];

test(`colliding outputs are refused before any kernel starts, naming both files (${COLLISIONS.length} cases)`, async () => {
  for (const [what, paths, outDir, extra, expected] of COLLISIONS) {
    const dir = tree();
    const work = join(dir, "work");
    mkdirSync(join(work, "out"));
    writeFileSync(join(work, "out", "nb.html"), "<p>my own page</p>");
    writeFileSync(join(work, "notes.txt"), "x");
    if (what.startsWith("a folder in the way")) mkdirSync(join(work, "out", "nb.ipynb"));
    if (what.startsWith("a symlink in the way"))
      symlinkSync(join(dir, "x", "nb.ipynb"), join(work, "out", "nb.ipynb"));
    const before = snapshot(dir);
    const started = Date.now();
    await assert.rejects(
      runNotebooks({ ...base, ...extra, paths, outDir, cwd: work, log: () => {}, print: () => {} }),
      expected,
      what,
    );
    assert.ok(Date.now() - started < 2000, `${what}: refused at once, no kernel started`);
    assert.deepEqual(snapshot(dir), before, `${what}: nothing was written`);
  }
});

test("an earlier output of the same input may be replaced; one written for another input may not", () => {
  const dir = tree();
  const work = join(dir, "work");
  const opts = { outDir: "out", inplace: false, html: true, cwd: work };
  const [t] = planTargets(["nb.ipynb"], opts);
  assert.equal(t!.output, join(work, "out", "nb.ipynb"));
  assert.equal(t!.source, "../nb.ipynb");
  mkdirSync(join(work, "out"));
  writeFileSync(t!.output, nbText({ attnlab_run: { status: "ok", source: t!.source } }));
  const nb: Notebook = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [codeCell("1")] };
  writeFileSync(t!.html!, notebookToHtml(nb, "nb", { source: t!.source }));
  assert.equal(planTargets(["nb.ipynb"], opts).length, 1, "its own earlier outputs are fine");
  writeFileSync(t!.output, nbText({ attnlab_run: { status: "ok", source: "../a/nb.ipynb" } }));
  assert.throws(
    () => planTargets(["nb.ipynb"], opts),
    /not an earlier output of nb\.ipynb \(it was written for \.\.\/a\/nb\.ipynb\)/,
  );
  const inplace = planTargets(["link/nb.ipynb"], { ...opts, inplace: true, html: false });
  assert.equal(
    inplace[0]!.output,
    join(dir, "work", "nb.ipynb"),
    "--inplace writes the real file, not through the link",
  );
});

test("a folder argument skips the output folder inside it", () => {
  const dir = tree();
  const work = join(dir, "work");
  mkdirSync(join(work, "out"));
  writeFileSync(join(work, "out", "old.ipynb"), nbText());
  const inputs = planTargets(["."], { outDir: "out", inplace: false, html: false, cwd: work }).map(
    (t) => t.input,
  );
  assert.deepEqual(inputs, ["a/nb.ipynb", "nb.ipynb", "sub/deep.ipynb"]);
});
