/** The record the store tests race and repeat: experiment `race`, a fixed createdAt (so one file name), `metrics.writer`. */
import { type ExperimentRecord, sealRecord } from "../../lib/records/record.js";

/** A sealed `race` record from writer `writer`, with `epochs` epochs (a large body widens a race's window). */
export function raceRecord(writer: number, epochs = 0): ExperimentRecord {
  return sealRecord({
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
    epochs: Array.from({ length: epochs }, (_, i) => ({
      epoch: i + 1,
      loss: i,
      metrics: { m: i },
      seconds: 0,
    })),
    metrics: { writer },
    targets: [],
    wallSeconds: 0,
  });
}
