/**
 * A child process of the record-race test: says "ready", waits for a line on stdin (the parent releases every
 * writer at once), then writes one record (experiment `race`, a fixed createdAt, so every writer picks the same
 * file name) whose `metrics.writer` is its index, and prints its path. Usage: node --import tsx raceWriter.ts DIR INDEX
 */
import { readSync } from "node:fs";
import { sealRecord } from "../../lib/records/record.js";
import { writeRecord } from "../../lib/records/store.js";

const [dir, index] = process.argv.slice(2);
const record = sealRecord({
  format: "attnlab.experiment-record",
  version: 1,
  experiment: "race",
  title: "race",
  createdAt: "2026-01-02T03:04:05.678Z",
  git: { commit: null, dirty: null },
  versions: { attnlab: "0.0.0" },
  backend: "cpu",
  seed: 1,
  quick: true,
  config: { seed: 1 },
  dataset: { name: "race", hash: "abc", sizes: {} },
  // A large body makes each write take a while, widening the window a check-then-rename scheme loses in.
  epochs: Array.from({ length: 2000 }, (_, i) => ({ epoch: i + 1, loss: i, metrics: { m: i }, seconds: 0 })),
  metrics: { writer: Number(index) },
  targets: [],
  wallSeconds: 0,
});
process.stderr.write("ready\n");
readSync(0, Buffer.alloc(1)); // blocks until the parent says go
process.stdout.write(`${writeRecord(record, dir!)}\n`);
