/** Runner test helpers: run the `attnlab` CLI from source, hash files, check nbformat 4.5 structure. */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const root = resolve(__dirname, "..", "..");
export const fixtures = join(root, "test", "runner", "fixtures");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `attnlab <args>` (lib/cli.ts through tsx) in the repo root; `onSpawn` gets the child. */
export function runCli(args: string[], onSpawn?: (child: ChildProcess) => void): Promise<CliResult> {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "lib", "cli.ts"), ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  onSpawn?.(child);
  return new Promise((res) => child.on("close", (code, signal) => res({ code, signal, stdout, stderr })));
}

export function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** Polls until `path` exists with content, or fails after `ms`. */
export async function waitForFile(path: string, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (existsSync(path)) {
      const text = readFileSync(path, "utf8");
      if (text !== "") return text;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${path} did not appear within ${ms} ms`);
}

const OUTPUT_TYPES = new Set(["stream", "display_data", "execute_result", "error"]);

/** A structural nbformat 4.5 check (the parts the runner writes); returns the parsed notebook. */
// biome-ignore lint/suspicious/noExplicitAny: the notebook is checked field by field.
export function assertNbformat(path: string): any {
  assert.ok(existsSync(path), `${path} was not written`);
  const nb = JSON.parse(readFileSync(path, "utf8"));
  assert.equal(nb.nbformat, 4);
  assert.ok(nb.nbformat_minor >= 5, "nbformat_minor >= 5 (cell ids)");
  assert.equal(nb.metadata.kernelspec?.name, "attnlab");
  assert.ok(Array.isArray(nb.cells));
  const ids = new Set<string>();
  for (const cell of nb.cells) {
    assert.match(cell.id, /^[a-zA-Z0-9-_]{1,64}$/);
    assert.ok(!ids.has(cell.id), `duplicate cell id ${cell.id}`);
    ids.add(cell.id);
    assert.ok(["code", "markdown", "raw"].includes(cell.cell_type));
    assert.equal(typeof cell.metadata, "object");
    assert.ok(typeof cell.source === "string" || Array.isArray(cell.source));
    if (cell.cell_type !== "code") continue;
    assert.ok(cell.execution_count === null || Number.isInteger(cell.execution_count));
    assert.ok(Array.isArray(cell.outputs));
    for (const o of cell.outputs) {
      assert.ok(OUTPUT_TYPES.has(o.output_type), `output type ${o.output_type}`);
      if (o.output_type === "stream") assert.ok(["stdout", "stderr"].includes(o.name));
      if (o.output_type === "error") assert.ok(Array.isArray(o.traceback) && typeof o.ename === "string");
      if (o.output_type === "display_data") assert.equal(typeof o.data, "object");
    }
  }
  return nb;
}

/** Validates notebooks with Python's nbformat when Debian's python3-nbformat is installed, else null. */
export function validateWithNbformat(paths: string[]): string | null {
  const python = "/usr/bin/python3";
  if (!existsSync(python)) return null;
  const code =
    "import sys, nbformat\nfor p in sys.argv[1:]: nbformat.validate(nbformat.read(p, as_version=4))\n";
  const probe = spawnSync(python, ["-c", "import nbformat"], { encoding: "utf8" });
  if (probe.status !== 0) return null;
  const r = spawnSync(python, ["-c", code, ...paths], { encoding: "utf8" });
  return r.status === 0 ? "" : r.stderr;
}
