/**
 * `attnlab run` end to end on the real tslab kernel: a passing notebook with parameters and display
 * outputs, and every way a notebook can fail. Tests run one after another (each starts kernels; a start
 * costs 2–8 s), so this file is the only one that starts kernels, except the installed-spec check.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { runNotebook } from "../../lib/runner/execute.js";
import { Kernel } from "../../lib/runner/kernel.js";
import { installKernelSpec } from "../../lib/runner/kernelInstall.js";
import { kernelSpecDir } from "../../lib/runner/kernelspec.js";
import { assertNbformat, fixtures, runCli, sha256, validateWithNbformat, waitForFile } from "./helpers.js";

const out = mkdtempSync(join(tmpdir(), "attnlab-run-test-"));
const sources = new Map<string, string>();
const written: string[] = [];
const rel = (name: string) => join("test", "runner", "fixtures", name);
const outPath = (name: string) => join(out, "test", "runner", "fixtures", name);

function allFixtures(dir = fixtures): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? allFixtures(join(dir, e.name)) : e.name.endsWith(".ipynb") ? [join(dir, e.name)] : [],
  );
}

before(() => {
  for (const f of allFixtures()) sources.set(f, sha256(f));
});

after(() => {
  for (const [f, hash] of sources) assert.equal(sha256(f), hash, `${f} was modified`);
  const invalid = validateWithNbformat(written);
  if (invalid) assert.fail(`nbformat rejected an executed notebook:\n${invalid}`);
  rmSync(out, { recursive: true, force: true });
});

test("a good notebook runs with -p parameters, display outputs and an HTML page", async () => {
  const r = await runCli([
    "run",
    rel("good.ipynb"),
    "-o",
    out,
    "--html",
    "-p",
    "quick",
    "true",
    "-p",
    "label",
    "from-cli",
    "-p",
    "steps",
    "4",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /good\.ipynb: cell 1\/6 +[\d.]+ s +ok/);
  assert.match(r.stdout, /good\.ipynb +6\/6 +[\d.]+ +ok/);
  const nb = assertNbformat(outPath("good.ipynb"));
  written.push(outPath("good.ipynb"));
  const injected = nb.cells[2];
  assert.deepEqual(injected.metadata.tags, ["injected-parameters"]);
  assert.deepEqual(nb.cells[1].metadata.tags, ["parameters"]);
  assert.match(injected.source.join(""), /quick = true;\n {2}label = "from-cli";\n {2}steps = 4;/);
  assert.deepEqual(injected.outputs, [], "re-assignments print nothing");
  const text = (i: number) => nb.cells[i].outputs.map((o: { text?: string }) => o.text ?? "").join("");
  assert.equal(text(3), "0.0900 0.2447 0.6652\n");
  assert.equal(text(4), "check ok: quick=true label=from-cli steps=4\n");
  assert.equal(text(6), "12\n");
  const displays = nb.cells[5].outputs;
  assert.deepEqual(
    displays.map((o: { data: object }) => Object.keys(o.data)[0]),
    ["text/html", "image/svg+xml", "text/plain"],
  );
  assert.equal(displays[2].data["text/plain"], "step 4", "update_display_data replaced the display");
  assert.deepEqual(
    nb.cells
      .filter((c: { cell_type: string }) => c.cell_type === "code")
      .map((c: { execution_count: number }) => c.execution_count),
    [1, 2, 3, 4, 5, 6],
  );
  assert.equal(
    resolve(dirname(realpathSync(outPath("good.ipynb"))), nb.metadata.attnlab_run.source),
    realpathSync(join(fixtures, "good.ipynb")),
    "the executed copy records its input",
  );
  assert.deepEqual(nb.metadata.attnlab_run.parameters, { quick: true, label: "from-cli", steps: 4 });
  const html = readFileSync(outPath("good.html"), "utf8");
  assert.match(html, /<meta name="attnlab-source" content="[^"]*good\.ipynb">/);
  assert.match(
    html,
    /<h1 id="runner-fixture-a-notebook-that-passes">Runner fixture: a notebook that passes<\/h1>/,
  );
  assert.match(html, /<img alt="figure" src="data:image\/svg\+xml;base64,/);
  assert.match(html, /<b>attention weights<\/b>/);
  assert.doesNotMatch(html, /(src|href)="https?:/);
  assert.match(
    html,
    /<link rel="stylesheet" href="(\.\.\/)+_attnlab\/katex\.min\.css">/,
    "the folder's KaTeX CSS",
  );
  assert.match(html, /<a href="(\.\.\/)+index\.html">course pages<\/a>/, "a link to the folder's index.html");
});

test("every kind of failure stops its notebook with the real error, a partial output and exit 1", async () => {
  const r = await runCli(["run", rel("bad"), "-o", out, "--timeout", "3"]);
  assert.equal(r.code, 1);
  // [notebook, failing code cell, headline, detail, first code cell that must not have run]
  const expectations: [string, number, RegExp, RegExp, number][] = [
    [
      "01-throw.ipynb",
      2,
      /at cell 2\/3 .*: Error: deliberate failure in cell 2/,
      /at explode \(<cell \d+>:2:9\)/, // the cell's own line (source-mapped), not tslab's evalmachine
      3,
    ],
    [
      "02-type-error.ipynb",
      1,
      /at cell 1\/2 .*: TypeScript error 1:7 - Type 'string' is not assignable/,
      /1:7/,
      2,
    ],
    [
      "03-unawaited-rejection.ipynb",
      2,
      /at cell 2\/2 .*: unhandled promise rejection: Error: deliberate unawaited rejection after the last cell/,
      /UnhandledPromiseRejection: Error: deliberate unawaited rejection\n\s+at later/,
      3,
    ],
    ["04-infinite-loop.ipynb", 2, /at cell 2\/3 .*: timed out after 3 s/, /interrupted by `SIGINT`/, 3],
    ["05-process-exit.ipynb", 1, /at cell 1\/2 .*: kernel died \(exit code 3\)/, /KernelDied/, 2],
    // The rejection may print during cell 1 or cell 2; either way cell 1 (its source) is blamed.
    [
      "06-rejection-seen-later.ipynb",
      1,
      /at cell 1\/3 .*: unhandled promise rejection: Error: deliberate rejection nobody awaits/,
      /UnhandledPromiseRejection/,
      3,
    ],
  ];
  for (const [name, failedAt, headline, detail, untouched] of expectations) {
    const block = r.stderr
      .split("\nFAILED ")
      .slice(1)
      .find((b) => b.startsWith(rel(join("bad", name))));
    assert.ok(block, `no failure report for ${name}:\n${r.stderr}`);
    assert.match(block, headline);
    assert.match(block, detail);
    assert.match(r.stdout, new RegExp(`${name.replace(".", "\\.")} +\\d+/\\d+ +[\\d.]+ +FAILED`));
    const path = outPath(join("bad", name));
    const nb = assertNbformat(path);
    written.push(path);
    assert.equal(nb.metadata.attnlab_run.status, "failed");
    const code = nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code");
    const failed = code[failedAt - 1];
    assert.ok(failed.outputs.length > 0, `${name}: the failing cell keeps its outputs`);
    for (const later of code.slice(untouched - 1)) {
      assert.deepEqual(later.outputs, [], `${name}: later cells not run`);
    }
  }
  const exit = assertNbformat(outPath(join("bad", "05-process-exit.ipynb")));
  assert.equal(exit.cells[0].outputs[0].text, "about to exit\n");
});

test("--jobs 2: two notebooks, each on its own kernel, reported in order, one failure failing the run", async () => {
  const dir = join(out, "jobs");
  const r = await runCli(["run", rel("good.ipynb"), rel("bad/01-throw.ipynb"), "-o", dir, "--jobs", "2"]);
  assert.equal(r.code, 1, "one of the two fails");
  const rows = r.stdout.split("\n").filter((line) => /\.ipynb +\d+\/\d+/.test(line));
  assert.equal(rows.length, 2, r.stdout);
  assert.match(rows[0]!, /good\.ipynb +5\/5 +[\d.]+ +ok/);
  assert.match(rows[1]!, /01-throw\.ipynb +2\/3 +[\d.]+ +FAILED: Error: deliberate failure in cell 2/);
  for (const name of ["good.ipynb", "bad/01-throw.ipynb"]) {
    const executed = join(dir, "test", "runner", "fixtures", name);
    assertNbformat(executed);
    written.push(executed);
  }
});

test("a kernel killed from outside (SIGKILL) is reported as dead", async () => {
  const pidFile = join(out, "killed.pid");
  const r = await runCli(["run", rel("sleeper.ipynb"), "-o", out, "-p", "pidFile", pidFile], async () => {
    const pid = Number(await waitForFile(pidFile, 60_000));
    process.kill(pid, "SIGKILL");
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /FAILED .*sleeper\.ipynb at cell 3\/4 .*: kernel died \(signal SIGKILL\)/);
  const nb = assertNbformat(outPath("sleeper.ipynb"));
  written.push(outPath("sleeper.ipynb"));
  assert.match(nb.cells[2].outputs[0].text, /^kernel pid \d+/);
});

test("SIGINT to the runner shuts the kernel down and writes the partial notebook", async () => {
  const pidFile = join(out, "interrupted.pid");
  const sub = join(out, "sigint");
  let kernelPid = 0;
  const r = await runCli(
    ["run", rel("sleeper.ipynb"), "-o", sub, "-p", "pidFile", pidFile],
    async (child) => {
      kernelPid = Number(await waitForFile(pidFile, 60_000));
      child.kill("SIGINT");
    },
  );
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stdout, /sleeper\.ipynb .*INTERRUPTED/);
  assert.throws(() => process.kill(kernelPid, 0), /ESRCH/, "the kernel process is gone");
  const nb = assertNbformat(join(sub, rel("sleeper.ipynb")));
  assert.equal(nb.metadata.attnlab_run.status, "interrupted");
  assert.match(nb.cells[2].outputs.at(-1).evalue, /interrupted during this cell; later cells did not run/);
});

test("a fault in the runner itself leaves a partial notebook marked failed, with a note in the cell", async () => {
  const output = join(out, "runner-fault.ipynb");
  const result = await runNotebook({
    input: join(fixtures, "good.ipynb"),
    output,
    parameters: {},
    timeoutS: 60,
    kernelStartTimeoutS: 60,
    log: (line) => {
      if (line.includes("cell 2/")) throw new Error("the log went away");
    },
  });
  assert.equal(result.status, "failed");
  assert.match(result.failure!.message, /attnlab run failed: the log went away/);
  const nb = assertNbformat(output);
  written.push(output);
  assert.equal(nb.metadata.attnlab_run.status, "failed", "the notebook does not say ok");
  const code = nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code");
  assert.equal(code[1].outputs.at(-1).ename, "RunnerError");
  assert.deepEqual(code[2].outputs, [], "later cells did not run");
});

test("an installed copy of the spec launches tslab from any working folder", async () => {
  const prefix = mkdtempSync(join(tmpdir(), "attnlab-prefix-"));
  try {
    const dest = installKernelSpec({ prefix, name: "attnlab-test" });
    assert.equal(dest, join(prefix, "share", "jupyter", "kernels", "attnlab-test"));
    const spec = JSON.parse(readFileSync(join(dest, "kernel.json"), "utf8"));
    assert.equal(spec.argv[0], process.execPath);
    assert.equal(spec.argv[1], join(dest, "launch.cjs"));
    const location = JSON.parse(readFileSync(join(dest, "attnlab-location.json"), "utf8"));
    assert.equal(join(location.packageDir, "kernels", "attnlab"), kernelSpecDir());
    assert.ok(
      !existsSync(join(kernelSpecDir(), "attnlab-location.json")),
      "the committed spec stays relocatable",
    );
    const kernel = await Kernel.start({ cwd: tmpdir(), startTimeoutMs: 60_000, specDir: dest });
    try {
      const outputs: string[] = [];
      kernel.onIopub = (m) => {
        if (m.header.msg_type === "stream") outputs.push(String(m.content.text));
      };
      const outcome = await kernel.execute("6 * 7", 30_000);
      assert.equal(outcome.status, "ok");
      assert.deepEqual(outputs, ["42\n"]);
      assert.equal(await kernel.heartbeat(), true);
    } finally {
      await kernel.shutdown();
    }
    assert.ok(kernel.exitInfo, "the kernel process ended");
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
});
