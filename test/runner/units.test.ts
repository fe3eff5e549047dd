/** The runner's pure parts, without a kernel: wire signing, parameters, outputs, Markdown/HTML, paths, args. */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { parseRunArgs } from "../../lib/runner/args.js";
import { freePorts, KERNEL_PORT_RANGE } from "../../lib/runner/connection.js";
import { summarizeError } from "../../lib/runner/execute.js";
import { notebookToHtml, renderMimeBundle } from "../../lib/runner/html.js";
import { kernelCommand, kernelSpecDir, readKernelSpec } from "../../lib/runner/kernelspec.js";
import { renderMarkdown } from "../../lib/runner/markdown.js";
import {
  type CodeCell,
  codeCell,
  type Notebook,
  toLines,
  upgradeToCellIds,
  writeNotebook,
} from "../../lib/runner/notebook.js";
import { OutputCollector } from "../../lib/runner/outputs.js";
import {
  injectParameters,
  ParameterText,
  parametersSource,
  parseParameterValue,
} from "../../lib/runner/parameters.js";
import { expandNotebooks, formatTable, outputPathFor } from "../../lib/runner/run.js";
import { type Message, Wire } from "../../lib/runner/wire.js";
import { fixtures, root } from "./helpers.js";

test("the committed kernel spec is relocatable and starts the launcher with node", () => {
  const spec = readKernelSpec();
  assert.equal(spec.display_name, "TypeScript (attnlab)");
  assert.equal(spec.language, "typescript");
  assert.deepEqual(spec.argv, ["node", "{resource_dir}/launch.cjs", "{connection_file}"]);
  const text = readFileSync(join(kernelSpecDir(), "kernel.json"), "utf8");
  assert.doesNotMatch(text, /"\/|[A-Z]:\\\\/, "no absolute paths");
  assert.deepEqual(kernelCommand("/tmp/c.json"), [
    process.execPath,
    join(kernelSpecDir(), "launch.cjs"),
    "/tmp/c.json",
  ]);
  assert.equal(kernelSpecDir(), join(root, "kernels", "attnlab"));
});

test("wire messages are signed with HMAC-SHA256 and tampering is rejected", () => {
  const wire = new Wire("secret");
  const msg = wire.message("execute_request", { code: "1+1" });
  const frames = wire.encode(msg);
  assert.equal(frames[0]!.toString(), "<IDS|MSG>");
  assert.match(frames[1]!.toString(), /^[0-9a-f]{64}$/);
  const routed = [Buffer.from("identity"), ...frames];
  const back = wire.decode(routed);
  assert.deepEqual(back.content, { code: "1+1" });
  assert.equal(back.header.version, "5.3");
  const tampered = [...frames];
  tampered[5] = Buffer.from(JSON.stringify({ code: "2+2" }));
  assert.throws(() => wire.decode(tampered), /invalid HMAC/);
  assert.throws(() => new Wire("other").decode(frames), /invalid HMAC/);
});

test("parameter values parse as JSON, else stay strings", () => {
  assert.equal(parseParameterValue("true"), true);
  assert.equal(parseParameterValue("0.5"), 0.5);
  assert.deepEqual(parseParameterValue('{"a":[1]}'), { a: [1] });
  assert.equal(parseParameterValue("hello"), "hello");
  assert.equal(parseParameterValue('"quoted"'), "quoted");
});

test("injected parameters re-assign let declarations and go right after the parameters cell", () => {
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      codeCell("const a = 1;"),
      codeCell("let quick = false;\nlet n = 1, name = 'x';", ["parameters"]),
      codeCell("n"),
    ],
  };
  const at = injectParameters(nb, { quick: true, name: new ParameterText("y"), n: 2 });
  assert.equal(at, 2);
  assert.deepEqual(nb.cells[2]!.metadata.tags, ["injected-parameters"]);
  assert.equal(
    (nb.cells[2]!.source as string[]).join(""),
    '// Parameters injected by `attnlab run`.\n{\n  quick = true;\n  name = "y";\n  n = 2;\n}\n',
  );
  injectParameters(nb, { quick: false });
  assert.equal(nb.cells.length, 4, "a second injection replaces the first");
  assert.equal(injectParameters(nb, {}), -1);
  assert.equal(nb.cells.length, 3, "a run without parameters drops an earlier injection");
  assert.equal(parametersSource({ k: "a" }), '// Parameters injected by `attnlab run`.\n{\n  k = "a";\n}\n');
});

test("cell ids are added and de-duplicated; notebooks are written atomically", () => {
  const nb = {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: {},
    cells: [codeCell("1"), codeCell("2"), { ...codeCell("3"), id: "" }],
  } as Notebook;
  nb.cells[1]!.id = nb.cells[0]!.id;
  upgradeToCellIds(nb);
  assert.equal(nb.nbformat_minor, 5);
  assert.equal(new Set(nb.cells.map((c) => c.id)).size, 3);
  assert.deepEqual(toLines("a\nb\n\nc"), ["a\n", "b\n", "\n", "c"]);
  const dir = mkdtempSync(join(tmpdir(), "attnlab-nb-"));
  try {
    writeNotebook(join(dir, "sub", "x.ipynb"), nb);
    assert.deepEqual(readdirSync(join(dir, "sub")), ["x.ipynb"], "no temp file left behind");
    assert.deepEqual(JSON.parse(readFileSync(join(dir, "sub", "x.ipynb"), "utf8")), nb);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function iopub(parent: string, type: string, content: Record<string, unknown>): Message {
  const msg = new Wire("").message(type, content) as Message;
  msg.parent_header = { msg_id: parent };
  return msg;
}

test("iopub messages become nbformat outputs: streams merge, displays update by id, clear_output", () => {
  const cell = codeCell("x") as CodeCell;
  const other = codeCell("y") as CodeCell;
  const c = new OutputCollector();
  c.bind("m1", cell);
  c.bind("m2", other);
  c.handle(iopub("m1", "stream", { name: "stdout", text: "a" }));
  c.handle(iopub("m1", "stream", { name: "stdout", text: "b\n" }));
  c.handle(
    iopub("m1", "display_data", {
      data: { "text/plain": "0%" },
      metadata: {},
      transient: { display_id: "d" },
    }),
  );
  c.handle(iopub("m1", "execute_result", { data: { "text/plain": "42" }, metadata: {}, execution_count: 3 }));
  c.handle(
    iopub("m2", "update_display_data", {
      data: { "text/plain": "100%" },
      metadata: {},
      transient: { display_id: "d" },
    }),
  );
  c.handle(iopub("zz", "stream", { name: "stdout", text: "unbound" }));
  assert.deepEqual(cell.outputs, [
    { output_type: "stream", name: "stdout", text: "ab\n" },
    { output_type: "display_data", data: { "text/plain": "100%" }, metadata: {} },
    { output_type: "execute_result", execution_count: 3, data: { "text/plain": "42" }, metadata: {} },
  ]);
  c.handle(iopub("m2", "stream", { name: "stderr", text: "e" }));
  c.handle(iopub("m2", "clear_output", { wait: true }));
  assert.equal(other.outputs.length, 1, "clear_output(wait) waits for the next output");
  c.handle(iopub("m2", "error", { ename: "E", evalue: "v", traceback: ["t"] }));
  assert.deepEqual(other.outputs, [{ output_type: "error", ename: "E", evalue: "v", traceback: ["t"] }]);
  c.handle(iopub("m2", "clear_output", { wait: false }));
  assert.deepEqual(other.outputs, []);
});

test("failure summaries name the TypeScript diagnostic or the thrown error", () => {
  assert.equal(
    summarizeError("1:7 - Type 'string' is not assignable"),
    "TypeScript error 1:7 - Type 'string' is not assignable",
  );
  assert.equal(
    summarizeError("evalmachine.<anonymous>:4\nthrow x;\n^\n\nTypeError: nope\n    at f"),
    "TypeError: nope",
  );
  assert.equal(summarizeError("Error: plain"), "Error: plain");
  assert.equal(summarizeError(""), "cell failed (no error text)");
});

test("markdown renders safely: raw HTML and javascript: links are neutralised", () => {
  const html = renderMarkdown(
    "# Title *x*\n\nText with **bold**, `a<b`, [ok](https://example.org) and [bad](javascript:alert(1)).\n\n<script>alert(1)</script>\n\n- one\n- two\n  - nested\n\n1. first\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n```ts\nconst x = 1 < 2;\n```\n\n> quote\n\n$$\nQ K^T\n$$\n",
  );
  assert.match(html, /<h1 id="title-x">Title <em>x<\/em><\/h1>/);
  assert.match(html, /<strong>bold<\/strong>/);
  assert.match(html, /<code>a&lt;b<\/code>/);
  assert.match(html, /<a href="https:\/\/example.org">ok<\/a>/);
  assert.doesNotMatch(html, /javascript:alert\(1\)"|<script>/);
  assert.match(html, /&lt;script&gt;/);
  assert.match(html, /<ul>\n<li>one<\/li>\n<li>two\n?<ul>\n<li>nested<\/li>/);
  assert.match(html, /<ol>\n<li>first<\/li>/);
  assert.match(html, /<td align="right">2<\/td>/);
  assert.match(html, /<pre><code class="language-ts">const x = 1 &lt; 2;\n?<\/code><\/pre>/);
  assert.match(html, /<blockquote>\n<p>quote<\/p>/);
  // display math is rendered by KaTeX when the page is written: no TeX source left as text
  assert.match(html, /<div class="math display"><span class="katex-display"><span class="katex">/);
  assert.doesNotMatch(html.replace(/<annotation[\s\S]*?<\/annotation>/g, ""), /\$\$|Q K\^T/);
});

test("HTML pages prefer SVG, then HTML, then text, and load nothing external", () => {
  assert.match(
    renderMimeBundle({ "image/svg+xml": "<svg/>", "text/plain": "x" }),
    /^<img alt="figure" src="data:image\/svg\+xml;base64,/,
  );
  assert.equal(
    renderMimeBundle({ "text/html": "<b>b</b>", "text/plain": "x" }),
    '<div class="html"><b>b</b></div>',
  );
  assert.equal(renderMimeBundle({ "text/plain": "<x>" }), "<pre>&lt;x&gt;</pre>");
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: "markdown", id: "m", metadata: {}, source: "![pic](https://example.org/a.png)" },
      codeCell("1 < 2"),
    ],
  };
  const page = notebookToHtml(nb, "t");
  assert.match(page, /<code>1 &lt; 2<\/code>/);
  assert.doesNotMatch(page, /src="https?:/);
});

test("folders expand to sorted notebooks; outputs mirror paths and never overwrite sources", () => {
  const found = expandNotebooks([join(fixtures, "bad")]).map((p) => p.slice(fixtures.length + 1));
  assert.deepEqual(found, [
    "bad/01-throw.ipynb",
    "bad/02-type-error.ipynb",
    "bad/03-unawaited-rejection.ipynb",
    "bad/04-infinite-loop.ipynb",
    "bad/05-process-exit.ipynb",
    "bad/06-rejection-seen-later.ipynb",
  ]);
  assert.equal(outputPathFor("nb/a.ipynb", "out", false, "/r"), resolve("/r/out/nb/a.ipynb"));
  assert.equal(outputPathFor("/elsewhere/a.ipynb", "out", false, "/r"), resolve("/r/out/a.ipynb"));
  assert.equal(outputPathFor("nb/a.ipynb", "out", true, "/r"), "/r/nb/a.ipynb");
  const table = formatTable([
    {
      input: "a.ipynb",
      output: "",
      codeCells: 3,
      executed: 3,
      seconds: 1.25,
      kernelStartSeconds: 1,
      status: "ok",
    },
  ]);
  assert.match(table, /^notebook +cells +seconds +status\na\.ipynb +3\/3 +1\.3 +ok$/);
});

test("run arguments: -p pairs, timeouts, --inplace excludes -o", () => {
  const a = parseRunArgs(["nb", "-p", "quick", "true", "--timeout", "3", "--html", "-o", "x"]);
  assert.deepEqual(a.parameters, { quick: new ParameterText("true") });
  assert.equal(a.timeoutS, 3);
  assert.equal(a.outDir, "x");
  assert.equal(a.html, true);
  assert.equal(parseRunArgs(["nb"]).timeoutS, 300);
  assert.throws(() => parseRunArgs(["nb", "--inplace", "-o", "x"]), /exclude/);
  assert.throws(() => parseRunArgs(["nb", "--timeout", "soon"]), /--timeout must be a finite number/);
  assert.throws(() => parseRunArgs(["nb", "-p", "x"]), /-p needs NAME VALUE/);
  assert.throws(() => parseRunArgs([]), /no notebook/);
});

test("freePorts: distinct free ports below the ephemeral range, so outgoing connections cannot take them first", async () => {
  const ports = await freePorts(5);
  assert.equal(new Set(ports).size, 5);
  for (const p of ports) assert.ok(p >= KERNEL_PORT_RANGE.min && p <= KERNEL_PORT_RANGE.max, `port ${p}`);
  // each is free again once returned: the kernel can bind it
  for (const p of ports) {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(p, "127.0.0.1", () => resolve());
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
