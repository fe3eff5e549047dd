/**
 * `attnlab records`: unknown subcommands and flags are errors listing what is allowed; `verify` and `diff` on a
 * FIFO, a folder, a device or a missing file end at once with a clear error (exit 2), never hang.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { parseRecordsArgs } from "../../lib/records/args.js";
import { tempDir } from "../tempDir.js";

const CLI = ["--import", "tsx", join(__dirname, "..", "..", "lib", "cli.ts")];

test("parseRecordsArgs: subcommands, files and --tolerance", () => {
  assert.deepEqual(parseRecordsArgs([]), { command: "help" });
  assert.deepEqual(parseRecordsArgs(["verify", "--help"]), { command: "help" });
  assert.deepEqual(parseRecordsArgs(["verify", "a.json", "b.json"]), {
    command: "verify",
    files: ["a.json", "b.json"],
  });
  assert.deepEqual(parseRecordsArgs(["verify", "--tolerance", "1e-4", "a.json"]), {
    command: "verify",
    files: ["a.json"],
    tolerance: 1e-4,
  });
  assert.deepEqual(parseRecordsArgs(["verify", "--tolerance=0", "--", "-x.json"]), {
    command: "verify",
    files: ["-x.json"],
    tolerance: 0,
  });
  assert.deepEqual(parseRecordsArgs(["diff", "a", "b"]), { command: "diff", files: ["a", "b"] });
});

test("parseRecordsArgs refuses unknown subcommands, flags and wrong file counts, listing what is allowed", () => {
  const bad: [string[], RegExp][] = [
    [["verfy", "a.json"], /records: subcommand must be one of "verify", "diff", got "verfy"$/],
    [["list"], /records: subcommand must be one of "verify", "diff", got "list"/],
    [["--tolerance"], /records: subcommand must be one of "verify", "diff", got "--tolerance"/],
    [["verify"], /records verify: needs at least one record FILE$/],
    [
      ["verify", "--tol", "1", "a.json"],
      /records verify: unknown option "--tol"; allowed options: --tolerance, --help$/,
    ],
    [["verify", "--quick", "a.json"], /records verify: unknown option "--quick"/],
    [["verify", "--tolerance"], /records verify: --tolerance needs a value \(a number in \[0, 1\]\)/],
    [
      ["verify", "--tolerance", "abc", "a"],
      /records verify: --tolerance must be a finite number ≥ 0 and ≤ 1, got "abc"/,
    ],
    [["verify", "--tolerance", "", "a"], /records verify: --tolerance must be a finite number/],
    [["verify", "--tolerance", "2", "a"], /--tolerance must be a finite number ≥ 0 and ≤ 1, got 2/],
    [["verify", "--tolerance", "-1e-3", "a"], /--tolerance must be a finite number ≥ 0 and ≤ 1, got -0\.001/],
    [
      ["verify", "--tolerance", "Infinity", "a"],
      /--tolerance must be a finite number ≥ 0 and ≤ 1, got Infinity/,
    ],
    [["diff", "a"], /records diff: needs exactly two record files A B, got 1$/],
    [["diff", "a", "b", "c"], /records diff: needs exactly two record files A B, got 3/],
    [
      ["diff", "--tolerance", "a", "b"],
      /records diff: unknown option "--tolerance"; allowed options: --help$/,
    ],
  ];
  for (const [argv, expected] of bad) assert.throws(() => parseRecordsArgs(argv), expected, argv.join(" "));
});

test("the CLI: verify and diff on a FIFO, a folder, /dev/zero or a missing file exit 2 at once with the reason", () => {
  const d = tempDir("attnlab-records-cli-");
  const fifo = join(d, "pipe.json");
  execFileSync("mkfifo", [fifo]);
  const cases: [string[], RegExp][] = [
    [["verify", fifo], /pipe\.json: cannot read the record: it is a FIFO \(named pipe\), not a regular file/],
    [["diff", fifo, fifo], /pipe\.json: cannot read the record: it is a FIFO/],
    [["verify", d], /cannot read the record: it is a directory, not a regular file/],
    [
      ["diff", "/dev/zero", d],
      /\/dev\/zero: cannot read the record: it is a character device, not a regular file/,
    ],
    [["verify", join(d, "none.json")], /none\.json: cannot read the record \(ENOENT\)/],
    [["verfy", fifo], /attnlab: records: subcommand must be one of "verify", "diff", got "verfy"/],
    [
      ["verify", "--tol", "1", fifo],
      /attnlab: records verify: unknown option "--tol"; allowed options: --tolerance, --help/,
    ],
  ];
  for (const [argv, expected] of cases) {
    const r = spawnSync(process.execPath, [...CLI, "records", ...argv], {
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.notEqual(r.signal, "SIGTERM", `${argv.join(" ")} hung`);
    assert.equal(r.status, 2, `${argv.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, expected);
  }
  const help = spawnSync(process.execPath, [...CLI, "records", "--help"], { encoding: "utf8" });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /usage: attnlab records verify \[--tolerance REL\] FILE\.\.\./);
});
