/**
 * The notebooks are tests (d2l): every notebook under notebooks/ runs through `attnlab run` on the bundled
 * kernel in quick mode; any failing cell or false self-check fails the run. The executed copies must hold
 * vega-lite charts with SVG fallbacks and end with a passing self-check.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { test } from "node:test";

const root = resolve(__dirname, "..");
const outDir = join(root, "out", "test-notebooks");
const recordsDir = join(root, "out", "test-records");
/** Every notebook under notebooks/, as paths relative to it (the runner expands folders the same way). */
const notebooks = (readdirSync(join(root, "notebooks"), { recursive: true }) as string[])
  .filter((f) => f.endsWith(".ipynb") && !f.includes(".ipynb_checkpoints"))
  .sort();

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  text?: string | string[];
}
const text = (o: Output) => (Array.isArray(o.text) ? o.text.join("") : (o.text ?? ""));

test(`every notebook runs green in quick mode (${notebooks.length} notebooks)`, {
  timeout: 1_800_000,
}, () => {
  assert.ok(notebooks.length >= 5, "the course has at least five notebooks");
  rmSync(outDir, { recursive: true, force: true });
  rmSync(recordsDir, { recursive: true, force: true }); // the test's own folder: only this run's records
  const r = spawnSync(
    process.execPath,
    [
      join(root, "dist/cjs/cli.js"),
      "run",
      "notebooks",
      "-o",
      outDir,
      "-p",
      "quick",
      "true",
      "--html",
      "--timeout",
      "300",
      "--jobs",
      "2", // two kernels at once: CI's two cores (no two notebooks share a file they write)
    ],
    {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, ATTNLAB_RECORDS_DIR: recordsDir },
    },
  );
  assert.equal(r.status, 0, `attnlab run failed:\n${r.stdout}\n${r.stderr}`);
  for (const name of notebooks) {
    const nb = JSON.parse(readFileSync(join(outDir, "notebooks", name), "utf8"));
    const outputs: Output[] = nb.cells.flatMap((c: { outputs?: Output[] }) => c.outputs ?? []);
    const charts = outputs.filter((o) => o.data?.["application/vnd.vegalite.v5+json"] !== undefined);
    assert.ok(charts.length > 0, `${name}: no vega-lite chart`);
    for (const c of charts) {
      assert.match(String(c.data?.["image/svg+xml"]), /^<svg/, `${name}: chart without SVG fallback`);
      assert.match(String(c.data?.["image/png"]), /^iVBORw0KGgo/, `${name}: chart without PNG fallback`);
    }
    assert.ok(
      outputs.some((o) => o.output_type === "stream" && /match: true/.test(text(o))),
      `${name}: the self-check did not report match: true`,
    );
    // exercises: a solution's checks all say right; a learner's blank notebook's all say "not yet"
    const checkIds: string[] = nb.cells
      .filter((c: { metadata?: { nbgrader?: { grade?: boolean } } }) => c.metadata?.nbgrader?.grade === true)
      .map((c: { metadata: { nbgrader: { grade_id: string } } }) => c.metadata.nbgrader.grade_id);
    const expected = name.startsWith("solutions/") ? "right" : "not yet";
    for (const id of checkIds) {
      const line = outputs
        .map(text)
        .join("")
        .match(new RegExp(`^exercise ${id.replace(/\./g, "\\.")}: ([a-z ]+?) [✓✗…]`, "m"));
      assert.equal(
        line?.[1],
        expected,
        `${name}: exercise ${id} says ${line?.[1] ?? "nothing"}, not ${expected}`,
      );
    }
    const html = readFileSync(join(outDir, "notebooks", name.replace(/\.ipynb$/, ".html")), "utf8");
    assert.ok(html.includes("data:image/svg+xml"), `${name}: the HTML page has no chart`);
  }
});

// The glass-box notebooks build and train in their own cells, then record through finishExperiment: each
// record must be what `experiment.run` gives for its config, exactly (same machine, same backend).
test("every record the notebooks wrote re-runs exactly (attnlab records verify)", {
  timeout: 1_800_000,
}, async () => {
  const { EXPERIMENTS } = await import("../lib/cases/registry.js");
  const records = (readdirSync(recordsDir, { recursive: true }) as string[])
    .filter((f) => f.endsWith(".json"))
    .sort();
  const experiments = records.map((f) => f.split(/[\\/]/)[0]);
  // a case notebook and its solution (if it has one) each write a record: every experiment has at least one
  assert.deepEqual(
    [...new Set(experiments)].sort(),
    EXPERIMENTS.map((e) => e.name).sort(),
    "a record for every experiment",
  );
  const solutions = notebooks.filter((n) => n.startsWith("solutions/cases/")).length;
  assert.ok(records.length >= EXPERIMENTS.length + solutions, `${records.length} records`);
  const r = spawnSync(
    process.execPath,
    [join(root, "dist/cjs/cli.js"), "records", "verify", ...records.map((f) => join(recordsDir, f))],
    { cwd: root, encoding: "utf8" },
  );
  assert.equal(r.status, 0, `records verify failed:\n${r.stdout}\n${r.stderr}`);
});

// The executed copies must validate against nbformat 4's JSON schema (with Jupyter's own nbformat, which CI
// installs with nbconvert; elsewhere the test says it is skipped).
const python = "/usr/bin/python3";
const hasNbformat = spawnSync(python, ["-c", "import nbformat"]).status === 0;
test("the executed copies are valid nbformat 4", {
  skip: hasNbformat ? false : `${python} has no nbformat module (apt-get install python3-nbformat)`,
}, () => {
  const check = spawnSync(
    python,
    [
      "-c",
      [
        "import pathlib, sys, nbformat",
        "files = sorted(pathlib.Path(sys.argv[1]).rglob('*.ipynb'))",
        "assert files, 'no executed notebooks'",
        "for f in files:",
        "    nb = nbformat.read(str(f), as_version=nbformat.NO_CONVERT); nbformat.validate(nb); assert nb.nbformat == 4",
        "print(len(files), 'valid')",
      ].join("\n"),
      outDir,
    ],
    { encoding: "utf8" },
  );
  assert.equal(check.status, 0, check.stderr);
  assert.match(check.stdout, /\d+ valid/);
});
