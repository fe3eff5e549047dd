/**
 * A child process of the record-race test: says "ready", waits for a line on stdin (the parent releases every
 * writer at once), then writes one record (experiment `race`, a fixed createdAt, so every writer picks the same
 * file name) whose `metrics.writer` is its index, and prints its path. Usage: node --import tsx raceWriter.ts DIR INDEX
 */
import { readSync } from "node:fs";
import { writeRecord } from "../../lib/records/store.js";
import { raceRecord } from "./raceRecord.js";

const [dir, index] = process.argv.slice(2);
// A large body makes each write take a while, widening the window a check-then-rename scheme loses in.
const record = raceRecord(Number(index), 2000);
process.stderr.write("ready\n");
readSync(0, Buffer.alloc(1)); // blocks until the parent says go
process.stdout.write(`${writeRecord(record, dir!)}\n`);
