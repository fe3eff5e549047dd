/**
 * `records verify` trusts the re-run, not the checksum: a real record (the time-series case, quick and tiny) is
 * forged as a forger would — targets, the quick flag, emptied, deleted or extra metrics, the seed — and
 * re-sealed with a valid checksum; verify must report a mismatch naming exactly what differs. The quick flag is
 * derived from the config, so a re-run reproduces it.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { timeSeriesExperiment } from "../../lib/cases/timeSeries/experiment.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { formatVerifyReport, verifyRecord } from "../../lib/experiments/verify.js";
import { type ExperimentRecord, sealRecord } from "../../lib/records/record.js";
import { readRecord } from "../../lib/records/store.js";
import { tiny } from "../records/tinyExperiment.js";
import { tempDir } from "../tempDir.js";

const dir = tempDir("attnlab-verify-");
const registry = [timeSeriesExperiment as never];
const TINY = { trainSize: 128, testSize: 32, epochs: 2 };

/** A genuine quick record of the time-series case (about a tenth of a second of training). */
async function realRecord(): Promise<{ path: string; record: ExperimentRecord }> {
  const run = await runExperiment(timeSeriesExperiment, {
    quick: true,
    config: TINY,
    record: dir,
    progress: "none",
    log: false,
  });
  run.artifacts.model.dispose();
  return { path: run.recordPath!, record: readRecord(run.recordPath!) };
}

/** Writes `record` re-sealed (a valid checksum, as a forger would compute it) and returns its path. */
function forge(name: string, record: ExperimentRecord): string {
  const { checksum: _c, ...rest } = record;
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(sealRecord(rest)));
  return path;
}

const clone = (r: ExperimentRecord): ExperimentRecord => JSON.parse(JSON.stringify(r));

test("a genuine record verifies: every value reproduces, targets and the quick flag included", async () => {
  const { path, record } = await realRecord();
  assert.equal(record.quick, true);
  const report = await verifyRecord(path, registry);
  assert.equal(report.match, true, JSON.stringify(report.rows.filter((r) => !r.match)));
  const paths = report.rows.map((r) => r.path);
  for (const p of [
    "quick",
    "seed",
    "dataset.hash",
    "metrics.r2",
    "targets[0]",
    "targets[2].achieved",
    "targets[1].pass",
  ])
    assert.ok(paths.includes(p), `compares ${p}`);
  assert.match(
    formatVerifyReport(report, path),
    /✓ targets\[0\]\.pass: recorded false, re-run false\n[\s\S]*\nmatch: \d+ values reproduced exactly/,
  );
});

test("forged records with a valid checksum are mismatches naming what differs", async () => {
  const { record } = await realRecord();
  const forgeries: [string, (r: ExperimentRecord) => void, string[]][] = [
    [
      "target achieved",
      (r) => {
        r.targets[0]!.achieved = 0.99;
      },
      ["targets[0].achieved"],
    ],
    [
      "target pass",
      (r) => {
        r.targets[0]!.pass = true;
      },
      ["targets[0].pass"],
    ],
    [
      "target value",
      (r) => {
        r.targets[0]!.value = 0;
      },
      ["targets[0]"],
    ],
    [
      "target op",
      (r) => {
        r.targets[1]!.op = "<=";
      },
      ["targets[1]"],
    ],
    [
      "targets emptied",
      (r) => {
        r.targets = [];
      },
      ["targets[0]", "targets[1]", "targets[2]"],
    ],
    [
      "quick flipped",
      (r) => {
        r.quick = false;
      },
      ["quick"],
    ],
    [
      "metrics emptied",
      (r) => {
        r.metrics = {};
      },
      ["metrics.r2", "metrics.attn.argmaxIsLag", "metrics.attn.massAtLag", "metrics.persistence.r2"],
    ],
    [
      "metric deleted",
      (r) => {
        delete r.metrics["persistence.r2"];
      },
      ["metrics.persistence.r2"],
    ],
    [
      "metric extra",
      (r) => {
        r.metrics.bogus = 1;
      },
      ["metrics.bogus"],
    ],
    [
      "metric as a string",
      (r) => {
        (r.metrics as Record<string, unknown>).r2 = String(r.metrics.r2);
      },
      ["metrics.r2"],
    ],
    [
      "epoch metrics emptied",
      (r) => {
        r.epochs[0]!.metrics = {};
      },
      ["epochs[1].r2", "epochs[1].attn.argmaxIsLag", "epochs[1].attn.massAtLag"],
    ],
    [
      "epoch deleted",
      (r) => {
        r.epochs.pop();
      },
      ["epochs.length"],
    ],
    [
      "seed differs from config.seed",
      (r) => {
        r.seed = 7;
      },
      ["seed"],
    ],
    [
      "dataset sizes",
      (r) => {
        r.dataset.sizes.train = 4000;
      },
      ["dataset.sizes.train"],
    ],
  ];
  for (const [name, edit, expected] of forgeries) {
    const forged = clone(record);
    edit(forged);
    const path = forge(name.replace(/ /g, "-"), forged);
    const report = await verifyRecord(path, registry);
    const differ = report.rows.filter((r) => !r.match).map((r) => r.path);
    assert.equal(report.match, false, name);
    for (const p of expected)
      assert.ok(differ.includes(p), `${name}: ${p} is named (differ: ${differ.join(", ")})`);
    if (name !== "epoch deleted")
      assert.deepEqual(differ.sort(), [...expected].sort(), `${name}: only what was forged differs`);
    assert.match(formatVerifyReport(report, path), /MISMATCH: \d+ of \d+ values differ/, name);
  }
});

test("a record whose config the experiment does not accept is refused before anything trains", async () => {
  const { record } = await realRecord();
  const bad: [string, Record<string, unknown>, RegExp][] = [
    [
      "unknown key",
      { epoch: 2 },
      /\(experiment time-series\): unknown option "config\.epoch" \(did you mean "epochs"\?\); allowed options: seed, trainSize/,
    ],
    [
      "a string count",
      { epochs: "2" },
      /\(experiment time-series\): config\.epochs must be an integer ≥ 1, got "2"/,
    ],
    ["a fractional count", { trainSize: 100.5 }, /config\.trainSize must be an integer ≥ 1, got 100\.5/],
    ["a null rate", { learningRate: null }, /config\.learningRate must be a finite number > 0, got null/],
    ["__proto__", JSON.parse('{"__proto__": 1}'), /unknown option "config\.__proto__"/],
  ];
  for (const [name, extra, expected] of bad) {
    const forged = clone(record);
    forged.config = { ...forged.config, ...extra };
    await assert.rejects(
      verifyRecord(forge(`config-${name.replace(/ /g, "-")}`, forged), registry),
      expected,
      name,
    );
  }
  await assert.rejects(
    verifyRecord(forge("ok", record), registry, { tolerance: -1 } as never),
    /verifyRecord: options\.tolerance must be a finite number ≥ 0 and ≤ 1, got -1/,
  );
  await assert.rejects(
    verifyRecord(forge("ok2", record), registry, { tolerence: 1e-3 } as never),
    /verifyRecord: unknown option "tolerence" \(did you mean "tolerance"\?\)/,
  );
});

test("the quick flag is derived from the config: only the full-mode config records quick: false", async () => {
  const d = tempDir("attnlab-quick-");
  const cases: [Parameters<typeof runExperiment>[1], boolean][] = [
    [{}, false],
    [{ quick: true }, true],
    [{ config: { epochs: 3 } }, true],
    [{ config: { seed: 5 } }, false],
    [{ quick: true, config: { epochs: 4 } }, false],
  ];
  for (const [options, quick] of cases) {
    const run = await runExperiment(tiny, { ...options, record: d, progress: "none", log: false });
    run.artifacts.w.dispose();
    assert.equal(run.record.quick, quick, JSON.stringify(options));
    if (quick) continue;
    // A full run flipped to quick (hiding a missed target as "not required") is caught.
    const forged = forge(`tiny-quick-${run.record.seed}`, { ...clone(run.record), quick: true });
    const report = await verifyRecord(forged, [tiny as never]);
    assert.deepEqual(
      report.rows.filter((r) => !r.match).map((r) => r.path),
      ["quick"],
    );
  }
});
