/**
 * `attnlab kernel install` never loses a file: unsafe names (`..`, `.`, `a/b`) are refused before anything is
 * touched, a folder attnlab did not write is left alone unless `--force` (which keeps it, moved aside), an
 * earlier attnlab install is replaced removing only its own files, and every flag is known or an error.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
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
import { after, before, test } from "node:test";
import { parseKernelInstallArgs } from "../../lib/runner/args.js";
import { type InstallOptions, installKernel } from "../../lib/runner/kernelInstall.js";
import { LOCATION_FILE, notOurs } from "../../lib/runner/kernelOwnership.js";
import { kernelSpecDir } from "../../lib/runner/kernelspec.js";
import { root, runCli } from "./helpers.js";

let scratch: string;
before(() => {
  scratch = mkdtempSync(join(tmpdir(), "attnlab-kernel-install-"));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

let count = 0;
/**
 * A fake Jupyter data folder `<prefix>/share/jupyter` with a user's files beside the kernels and another
 * kernel in it (the per-user folder has the same layout; the CLI test points JUPYTER_DATA_DIR at it).
 */
function fakeJupyter(): { prefix: string; data: string; kernels: string } {
  const prefix = join(scratch, `prefix-${count++}`);
  const data = join(prefix, "share", "jupyter");
  const kernels = join(data, "kernels");
  mkdirSync(join(kernels, "python3"), { recursive: true });
  writeFileSync(join(data, "user-settings.json"), '{"theme": "dark"}\n');
  writeFileSync(join(kernels, "python3", "kernel.json"), '{"argv": ["python3"]}\n');
  writeFileSync(join(kernels, "README-mine.txt"), "my notes\n");
  return { prefix, data, kernels };
}

/** Every file and folder under `dir` with a hash of each file, to compare before and after. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    const rel = path.slice(dir.length);
    out[rel] = entry.isFile() ? createHash("sha256").update(readFileSync(path)).digest("hex") : "dir";
  }
  return out;
}

const BAD_NAMES: [unknown, RegExp][] = [
  ["..", /--name must be one path segment .* got "\.\."/],
  [".", /--name must be one path segment .* got "\."/],
  ["...", /not only dots\), got "\.\.\."/],
  ["a/b", /got "a\/b"/],
  ["../x", /got "\.\.\/x"/],
  ["/etc", /got "\/etc"/],
  ["a\\b", /got "a\\\\b"/],
  ["", /got ""/],
  ["a b", /got "a b"/],
  ["café", /got "café"/],
  ["a\u0000b", /got "a\\u0000b"/],
  ["x".repeat(256), /1–255 characters/],
  [3, /^TypeError .*--name must be a string, got 3/],
  [null, /--name must be a string, got null/],
];

test("unsafe kernel names are refused and nothing in the Jupyter data folder changes", () => {
  const { prefix, data } = fakeJupyter();
  const before = snapshot(data);
  for (const [name, message] of BAD_NAMES) {
    assert.throws(
      () => installKernel({ prefix, name } as InstallOptions),
      (err: Error) =>
        /^attnlab kernel install: /.test(err.message) && message.test(`${err.name} ${err.message}`),
      `name ${JSON.stringify(name)}`,
    );
    assert.deepEqual(snapshot(data), before, `name ${JSON.stringify(name)} changed the data folder`);
  }
});

test("`attnlab kernel install --user --name ..` (and `.`, `a/b`) exits 2 and leaves the user's Jupyter folder", async () => {
  const { data } = fakeJupyter();
  const before = snapshot(data);
  const saved = process.env.JUPYTER_DATA_DIR;
  process.env.JUPYTER_DATA_DIR = data; // inherited by the CLI child
  try {
    for (const name of ["..", ".", "a/b"]) {
      const r = await runCli(["kernel", "install", "--user", "--name", name]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /attnlab kernel install: --name must be one path segment/);
      assert.deepEqual(snapshot(data), before, `--name ${name} changed the data folder`);
    }
  } finally {
    if (saved === undefined) delete process.env.JUPYTER_DATA_DIR;
    else process.env.JUPYTER_DATA_DIR = saved;
  }
  assert.ok(existsSync(join(data, "user-settings.json")));
});

test("a kernel folder attnlab did not write is left alone, with its user file, unless --force", () => {
  const { prefix, data, kernels } = fakeJupyter();
  const mine = join(kernels, "attnlab");
  mkdirSync(mine);
  writeFileSync(join(mine, "kernel.json"), '{"argv": ["my-own-kernel"], "display_name": "mine"}\n');
  writeFileSync(join(mine, "notes.txt"), "do not lose me\n");
  const before = snapshot(data);
  assert.throws(
    () => installKernel({ prefix }),
    /kernels\/attnlab already exists and was not installed by attnlab \(it has no valid attnlab-location\.json marker\); nothing was changed\. .*--force/,
  );
  assert.deepEqual(snapshot(data), before);
});

test("a user file added inside our own installed kernel survives a refused re-install", () => {
  const { prefix, data, kernels } = fakeJupyter();
  const dest = installKernel({ prefix }).dir;
  assert.equal(dest, join(prefix, "share", "jupyter", "kernels", "attnlab"));
  writeFileSync(join(dest, "notes.txt"), "mine\n");
  const before = snapshot(data);
  assert.throws(() => installKernel({ prefix }), /it holds "notes\.txt", not written by attnlab/);
  assert.deepEqual(snapshot(data), before);
  assert.equal(readFileSync(join(kernels, "attnlab", "notes.txt"), "utf8"), "mine\n");
});

test("--force replaces a foreign folder by moving it to attnlab-replaced/, never deleting it", () => {
  const { prefix, data, kernels } = fakeJupyter();
  const mine = join(kernels, "attnlab");
  mkdirSync(join(mine, "sub"), { recursive: true });
  writeFileSync(join(mine, "kernel.json"), '{"argv": ["mine"]}\n');
  writeFileSync(join(mine, "sub", "notes.txt"), "keep\n");
  const old = snapshot(mine);
  const result = installKernel({ prefix, force: true });
  assert.equal(result.replaced, "kept");
  assert.ok(result.keptAt?.startsWith(join(data, "attnlab-replaced")), result.keptAt);
  assert.deepEqual(snapshot(result.keptAt!), old, "the old folder is kept byte for byte");
  assert.equal(notOurs(result.dir), undefined, "the new folder is an attnlab install");
  assert.ok(existsSync(join(data, "user-settings.json")));
  assert.deepEqual(
    readdirSync(kernels).sort(),
    ["README-mine.txt", "attnlab", "python3"],
    "no temp folder is left",
  );
});

test("re-installing over our own kernel replaces it and removes only the files it wrote", () => {
  const { prefix, data, kernels } = fakeJupyter();
  const first = installKernel({ prefix, name: "AttnLab-Dev" });
  assert.equal(first.replaced, "none");
  assert.equal(first.dir, join(prefix, "share", "jupyter", "kernels", "attnlab-dev"));
  const files = readdirSync(first.dir).sort();
  assert.deepEqual(
    files,
    [...readdirSync(kernelSpecDir()), LOCATION_FILE].sort(),
    "the spec's files and the marker",
  );
  const location = JSON.parse(readFileSync(join(first.dir, LOCATION_FILE), "utf8"));
  assert.deepEqual(location.files, files);
  assert.equal(location.installedBy, "attnlab kernel install");
  const second = installKernel({ prefix, name: "attnlab-dev" });
  assert.equal(second.replaced, "ours");
  assert.deepEqual(readdirSync(second.dir).sort(), files);
  const spec = JSON.parse(readFileSync(join(second.dir, "kernel.json"), "utf8"));
  assert.equal(spec.argv[1], join(second.dir, "launch.cjs"));
  assert.deepEqual(readdirSync(kernels).sort(), ["README-mine.txt", "attnlab-dev", "python3"]);
  assert.ok(!existsSync(join(data, "attnlab-replaced")), "nothing was kept aside");
});

test("an install from before the marker listed its files (legacy marker) still counts as ours", () => {
  const { prefix, kernels } = fakeJupyter();
  const legacy = join(kernels, "attnlab");
  mkdirSync(legacy);
  writeFileSync(join(legacy, "kernel.json"), readFileSync(join(kernelSpecDir(), "kernel.json")));
  writeFileSync(join(legacy, "launch.cjs"), "// an old launcher\n");
  writeFileSync(join(legacy, LOCATION_FILE), `${JSON.stringify({ packageDir: "/old/place" })}\n`);
  assert.equal(installKernel({ prefix }).replaced, "ours");
  assert.deepEqual(readdirSync(kernels).sort(), ["README-mine.txt", "attnlab", "python3"]);
  writeFileSync(join(legacy, LOCATION_FILE), `${JSON.stringify({ packageDir: "/old/place" })}\n`);
  writeFileSync(join(legacy, "notes.txt"), "mine\n");
  assert.throws(() => installKernel({ prefix }), /it holds "notes\.txt", not written by attnlab/);
});

test("a kernel folder that is a symbolic link is refused; --force moves the link, not its target", () => {
  const { prefix, kernels } = fakeJupyter();
  const elsewhere = join(scratch, `dev-kernel-${count++}`);
  mkdirSync(elsewhere);
  writeFileSync(join(elsewhere, "kernel.json"), '{"argv": ["dev"]}\n');
  symlinkSync(elsewhere, join(kernels, "attnlab"));
  const target = snapshot(elsewhere);
  assert.throws(() => installKernel({ prefix }), /it is a symbolic link/);
  const result = installKernel({ prefix, force: true });
  assert.equal(result.replaced, "kept");
  assert.deepEqual(snapshot(elsewhere), target);
  assert.equal(notOurs(result.dir), undefined);
});

test("a write that fails part way (file-size limit) leaves the old kernel as it was and no temp folder", () => {
  const { prefix, data, kernels } = fakeJupyter();
  installKernel({ prefix });
  const before = snapshot(data);
  const cli = join(root, "lib", "cli.ts");
  const r = spawnSync(
    "prlimit",
    ["--fsize=1024", process.execPath, "--import", "tsx", cli, "kernel", "install", "--prefix", prefix],
    { cwd: root, encoding: "utf8", env: { ...process.env, TSX_DISABLE_CACHE: "1" } },
  );
  assert.equal(r.status, 2, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /EFBIG/);
  assert.deepEqual(snapshot(data), before, "the old kernel and everything around it are unchanged");
  assert.deepEqual(readdirSync(kernels).sort(), ["README-mine.txt", "attnlab", "python3"]);
});

const BAD_OPTIONS: [unknown, RegExp][] = [
  [{ nmae: "x" }, /attnlab kernel install: unknown option "nmae" \(did you mean "name"\?\)/],
  [{ force: "yes" }, /options\.force must be a boolean/],
  [{ prefix: "" }, /options\.prefix must be a non-empty string/],
  [{ prefix: 5 }, /options\.prefix must be a non-empty string, got 5/],
  ["attnlab", /options must be an object/],
];

test("installKernel options are checked", () => {
  for (const [options, message] of BAD_OPTIONS) {
    assert.throws(() => installKernel(options as InstallOptions), message, JSON.stringify(options));
  }
});

const ALLOWED = /allowed options: --user, --prefix DIR, --name NAME, --force, --help/;
const BAD_ARGS: [string[], RegExp][] = [
  [["--nmae", "x"], /unknown option "--nmae" \(did you mean --name\?\); allowed options: --user/],
  [["--froce"], /unknown option "--froce" \(did you mean --force\?\)/],
  [["--force=yes"], /unknown option "--force=yes"/],
  [["-u"], ALLOWED],
  [["--system"], ALLOWED],
  [["extra"], /unexpected argument "extra"; allowed options/],
  [["--prefix"], /--prefix needs a value \(DIR\)/],
  [["--name"], /--name needs a value \(NAME\)/],
  [["--name", "--force"], /--name needs a value/],
  [["--prefix="], /--prefix must be a folder, got ""/],
  [["--user", "--prefix", "/p"], /--user and --prefix exclude each other/],
  [["--name", "a", "--name", "b"], /--name is given twice/],
  [["--force", "--force"], /--force is given twice/],
  [["--name=.."], /--name must be one path segment/],
  [["--name", "a/b"], /--name must be one path segment/],
];

test("kernel install flags: unknown, missing, repeated and conflicting ones are errors naming the flag", () => {
  for (const [argv, message] of BAD_ARGS) {
    assert.throws(
      () => parseKernelInstallArgs(argv),
      (err: Error) => /^attnlab kernel install: /.test(err.message) && message.test(err.message),
      argv.join(" "),
    );
  }
  assert.deepEqual(parseKernelInstallArgs(["--name=x", "--prefix", "/p", "--force"]), {
    name: "x",
    prefix: "/p",
    force: true,
  });
  assert.deepEqual(parseKernelInstallArgs(["--user"]), {});
  assert.deepEqual(parseKernelInstallArgs(["-h"]), { help: true });
});

test("`attnlab kernel install --bogus` exits 2 naming the flag; --help prints the usage", async () => {
  const bad = await runCli(["kernel", "install", "--bogus"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown option "--bogus"; allowed options: --user, --prefix DIR/);
  const help = await runCli(["kernel", "install", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--force, which moves the old folder/);
});
