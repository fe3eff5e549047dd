/**
 * Record files are created exclusively: ten processes racing to write the same record name in the same second
 * keep ten complete, valid, distinct records; repeated writes in one process never replace a file; and reading
 * refuses what is not a regular file or is too large, without hanging.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { MAX_RECORD_BYTES, readRecord, recordFileName, writeRecord } from "../../lib/records/store.js";
import { raceRecord } from "./raceRecord.js";
import { tempDir } from "../tempDir.js";

const dir = () => tempDir("attnlab-store-");

/** Every record file of experiment `race` under `d`: all parse (checksum included), none is a temp file. */
function recordsIn(d: string) {
  const files = readdirSync(join(d, "race"));
  assert.deepEqual(
    files.filter((f) => f.startsWith(".")),
    [],
    "no temp file left behind",
  );
  return files.map((f) => readRecord(join(d, "race", f)));
}

/** Starts `count` writers, waits until every one is loaded and ready, then releases them at the same moment. */
async function race(d: string, count: number): Promise<{ code: number | null; out: string; err: string }[]> {
  const children = Array.from({ length: count }, (_, i) =>
    spawn(process.execPath, ["--import", "tsx", join(__dirname, "raceWriter.ts"), d, String(i)], {
      stdio: ["pipe", "pipe", "pipe"],
    }),
  );
  const results = children.map((child) => {
    const r = { code: null as number | null, out: "", err: "" };
    child.stdout.on("data", (b) => (r.out += b));
    const ready = new Promise<void>((resolve) =>
      child.stderr.on("data", (b) => {
        r.err += b;
        if (r.err.includes("ready")) resolve();
      }),
    );
    const closed = new Promise<void>((resolve) =>
      child.on("close", (code) => {
        r.code = code;
        resolve();
      }),
    );
    return { r, ready, closed };
  });
  await Promise.race([Promise.all(results.map((x) => x.ready)), Promise.all(results.map((x) => x.closed))]);
  for (const child of children) child.stdin.end("go\n");
  await Promise.all(results.map((x) => x.closed));
  return results.map((x) => x.r);
}

test("10 processes writing the same record name in the same second keep 10 distinct, complete records", async () => {
  const d = dir();
  const results = await race(d, 10);
  for (const r of results) assert.equal(r.code, 0, r.err);
  const paths = results.map((r) => r.out.trim());
  assert.equal(new Set(paths).size, 10, `each writer reports its own file: ${paths.join(", ")}`);
  const records = recordsIn(d);
  assert.equal(records.length, 10);
  assert.deepEqual(records.map((r) => r.metrics.writer).sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.ok(
    records.every((r) => r.epochs.length === 2000),
    "every record is complete",
  );
  paths.forEach((path, i) => assert.equal(readRecord(path).metrics.writer, i, path));
});

test("repeated writes of one record in one process: each gets a new name, nothing is replaced", () => {
  const d = dir();
  const first = raceRecord(0);
  const name = recordFileName(first);
  mkdirSync(join(d, "race"), { recursive: true });
  const mine = join(d, "race", name.replace(/\.json$/, "-3.json"));
  writeFileSync(mine, "a file the user put there\n");
  const paths = Array.from({ length: 20 }, (_, i) => writeRecord(raceRecord(i), d));
  assert.equal(new Set(paths).size, 20);
  assert.equal(paths[0], join(d, "race", name));
  assert.ok(!paths.includes(mine), "the taken name -3 is skipped");
  assert.equal(readFileSync(mine, "utf8"), "a file the user put there\n", "an existing file is untouched");
  paths.forEach((p, i) => assert.equal(readRecord(p).metrics.writer, i));
  assert.equal(readdirSync(join(d, "race")).length, 21, "20 records and the user's file, no temp files");
});

test("readRecord refuses a FIFO, a folder, a device and a huge file, naming the path and the reason", () => {
  const d = dir();
  const fifo = join(d, "pipe.json");
  execFileSync("mkfifo", [fifo]);
  const huge = join(d, "huge.json");
  writeFileSync(huge, "");
  truncateSync(huge, MAX_RECORD_BYTES + 1); // sparse: no disk used
  const cases: [string, RegExp][] = [
    [fifo, /pipe\.json: cannot read the record: it is a FIFO \(named pipe\), not a regular file/],
    [d, /cannot read the record: it is a directory, not a regular file/],
    ["/dev/zero", /\/dev\/zero: cannot read the record: it is a character device, not a regular file/],
    ["/dev/null", /\/dev\/null: cannot read the record: it is a character device, not a regular file/],
    [
      huge,
      /huge\.json: cannot read the record: it is 67108865 bytes or more, over the limit of 67108864 bytes/,
    ],
    [join(d, "missing.json"), /missing\.json: cannot read the record \(ENOENT\)/],
  ];
  for (const [path, expected] of cases) assert.throws(() => readRecord(path), expected, path);
});

test("writeRecord refuses an experiment name that is not a safe folder name", () => {
  const d = dir();
  const bad: [unknown, RegExp][] = [
    ["..", /writeRecord: experiment name "\.\." must be lower-case letters, digits and dashes/],
    ["a/b", /experiment name "a\/b" must be/],
    ["", /experiment name "" must be/],
    [7, /experiment name 7 must be/],
  ];
  for (const [experiment, expected] of bad) {
    assert.throws(() => writeRecord({ ...raceRecord(0), experiment } as never, d), expected);
  }
  assert.deepEqual(readdirSync(d), [], "nothing was created");
});
