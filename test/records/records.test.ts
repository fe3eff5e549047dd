/**
 * Experiment records: a run writes one sealed record atomically and never overwrites one; reading rejects a
 * corrupt, edited or foreign-version file with a clear error; `verifyRecord` re-runs and reproduces every
 * number exactly; `diffRecords` shows config and metric changes but not timings. Uses a tiny regression
 * experiment (`tinyExperiment.ts`), so it does not depend on any case study.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { defineExperiment } from "../../lib/experiments/experiment.js";
import { experimentConfig, runExperiment } from "../../lib/experiments/run.js";
import { verifyRecord } from "../../lib/experiments/verify.js";
import { diffRecords, formatDifferences } from "../../lib/records/diff.js";
import { canonicalJson, parseRecord, sealRecord } from "../../lib/records/record.js";
import { listRecords, readRecord, recordFileName, writeRecord } from "../../lib/records/store.js";
import { tiny } from "./tinyExperiment.js";
import { tempDir } from "../tempDir.js";

const dir = () => tempDir("attnlab-records-");

test("runExperiment writes one sealed record under <dir>/<experiment>/<timestamp>-<hash>.json", async () => {
  const d = dir();
  const run = await runExperiment(tiny, { record: d, progress: "none", log: false });
  run.artifacts.w.dispose();
  assert.ok(run.recordPath?.startsWith(join(d, "tiny-regression")));
  assert.match(run.recordPath!, /\/\d{8}T\d{6}Z-[0-9a-f]{8}\.json$/);
  const rec = readRecord(run.recordPath!);
  assert.equal(rec.experiment, "tiny-regression");
  assert.equal(rec.epochs.length, 4);
  assert.equal(rec.quick, false);
  assert.equal(rec.seed, 1);
  assert.deepEqual(rec.config, { seed: 1, size: 48, epochs: 4, learningRate: 0.05 });
  assert.ok(rec.versions.attnlab && rec.versions["@tensorflow/tfjs"] === tf.version.tfjs);
  assert.equal(rec.targets[0]!.pass, rec.metrics.mse! <= 10);
  assert.deepEqual(
    readdirSync(join(d, "tiny-regression")).filter((f) => f.endsWith(".tmp")),
    [],
    "no temp file left",
  );
});

test("a second record of the same run gets a new name: nothing is overwritten", () => {
  const d = dir();
  const base = sealRecord({ ...JSON.parse(readFileSync(writeSample(d), "utf8")), checksum: undefined });
  const first = writeRecord(base, d);
  const second = writeRecord(base, d);
  assert.notEqual(first, second);
  assert.equal(listRecords("tiny-regression", d).length, 3);
});

function writeSample(d: string): string {
  const rec = sealRecord({
    format: "attnlab.experiment-record",
    version: 1,
    experiment: "tiny-regression",
    title: "t",
    createdAt: "2026-01-02T03:04:05.678Z",
    git: { commit: null, dirty: null },
    versions: { attnlab: "0.1.0" },
    backend: "cpu",
    seed: 1,
    quick: false,
    config: { seed: 1 },
    dataset: { name: "tiny", hash: "abc", sizes: {} },
    epochs: [],
    metrics: { mse: 1 },
    targets: [],
    wallSeconds: 1,
  });
  assert.equal(recordFileName(rec).slice(0, 17), "20260102T030405Z-");
  return writeRecord(rec, d);
}

test("reading rejects bad JSON, a foreign file, another format version, a missing field and an edited value", () => {
  const d = dir();
  const good = readFileSync(writeSample(d), "utf8");
  const bad = (text: string, re: RegExp) => assert.throws(() => parseRecord(text, "r.json"), re);
  bad("{ not json", /r\.json: not a valid record: the JSON does not parse/);
  bad("[1]", /expected a JSON object/);
  bad(JSON.stringify({ hello: 1 }), /not an attnlab experiment record \(format is undefined/);
  bad(
    good.replace('"version": 1', '"version": 2'),
    /record format version 2; this attnlab .* reads version 1 only/,
  );
  const { seed: _s, ...noSeed } = JSON.parse(good);
  bad(JSON.stringify(noSeed), /corrupt record: field "seed" should be a number, found undefined/);
  bad(good.replace('"mse": 1', '"mse": 0.5'), /corrupt record: checksum .* does not match its content/);
  assert.throws(
    () => readRecord(join(d, "missing.json")),
    /missing\.json: cannot read the record \(ENOENT\)/,
  );
  assert.equal(canonicalJson({ b: 1, a: { d: 1, c: 2 } }), '{"a":{"c":2,"d":1},"b":1}');
});

test("verifyRecord re-runs the experiment and reproduces every number bit for bit", async () => {
  const d = dir();
  const run = await runExperiment(tiny, { quick: true, record: d, progress: "none", log: false });
  run.artifacts.w.dispose();
  const before = tf.memory().numTensors;
  const report = await verifyRecord(run.recordPath!, [tiny as never]);
  assert.equal(report.match, true, JSON.stringify(report.rows.filter((r) => !r.match)));
  assert.equal(report.comparison, "exact");
  assert.ok(report.rows.length >= 1 + 2 * 2 + 1, "hash, loss and mse per epoch, final mse");
  assert.ok(tf.memory().numTensors <= before + 1, "verify leaves only the re-run's weight variable");
  // An edited result is caught by the checksum, a re-sealed one by the re-run.
  const rec = readRecord(run.recordPath!);
  const forged = sealRecord({
    ...rec,
    metrics: { mse: rec.metrics.mse! + 1e-9 },
    checksum: undefined,
  } as never);
  const forgedPath = join(d, "forged.json");
  writeFileSync(forgedPath, JSON.stringify(forged));
  const forgedReport = await verifyRecord(forgedPath, [tiny as never]);
  assert.equal(forgedReport.match, false);
  assert.deepEqual(
    forgedReport.rows.filter((r) => !r.match).map((r) => r.path),
    ["metrics.mse"],
  );
  // Another attnlab version or an unknown experiment: clear errors.
  const other = join(d, "other.json");
  writeFileSync(
    other,
    JSON.stringify(
      sealRecord({ ...rec, versions: { ...rec.versions, attnlab: "0.0.1" }, checksum: undefined } as never),
    ),
  );
  await assert.rejects(
    verifyRecord(other, [tiny as never]),
    /recorded with attnlab 0\.0\.1, but attnlab .* is installed/,
  );
  await assert.rejects(verifyRecord(run.recordPath!, []), /unknown experiment "tiny-regression"/);
});

test("diffRecords shows config and metric changes, never timings", async () => {
  const d = dir();
  const a = await runExperiment(tiny, { quick: true, record: d, progress: "none", log: false });
  const b = await runExperiment(tiny, {
    quick: true,
    config: { learningRate: 0.1 },
    record: d,
    progress: "none",
    log: false,
  });
  tf.dispose([a.artifacts.w, b.artifacts.w]);
  assert.deepEqual(diffRecords(a.record, a.record), []);
  const paths = diffRecords(a.record, b.record).map((x) => x.path);
  assert.ok(paths.includes("config.learningRate") && paths.includes("metrics.mse"), paths.join(", "));
  assert.ok(!paths.some((p) => /seconds|createdAt|wallSeconds|checksum/i.test(p)), paths.join(", "));
  assert.match(formatDifferences(diffRecords(a.record, b.record)), /config\.learningRate\s+0\.05\s+0\.1/);
  assert.throws(
    () => experimentConfig(tiny, false, { lr: 1 } as never),
    /experimentConfig\(tiny-regression\): unknown option "config\.lr"; allowed options: seed, size, epochs, learningRate/,
  );
  assert.throws(
    () => defineExperiment({ ...tiny, name: "Bad Name" }),
    /must be lower-case letters, digits and dashes/,
  );
});

test("the CLI: `records diff` prints the differences, a corrupt record exits 2 with the reason", () => {
  const d = dir();
  const path = writeSample(d);
  const cli = ["--import", "tsx", join(__dirname, "..", "..", "lib", "cli.ts")];
  const same = spawnSync(process.execPath, [...cli, "records", "diff", path, path], { encoding: "utf8" });
  assert.equal(same.status, 0, same.stderr);
  assert.match(same.stdout, /no differences \(timings aside\)/);
  const broken = join(d, "broken.json");
  writeFileSync(broken, readFileSync(path, "utf8").replace('"mse": 1', '"mse": 2'));
  const bad = spawnSync(process.execPath, [...cli, "records", "verify", broken], { encoding: "utf8" });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /broken\.json: corrupt record: checksum/);
});
