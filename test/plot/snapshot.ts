/**
 * Snapshot helper: compares a value with `test/plot/__snapshots__/<name>.json` (or a text file for strings).
 * A mismatch or a missing snapshot fails; `UPDATE_SNAPSHOTS=1` rewrites the files instead (JSON snapshots are
 * then passed through biome, so that `biome format .` stays clean; comparison parses the JSON, so layout is free).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const SNAPSHOT_DIR = join(__dirname, "__snapshots__");
const update = process.env.UPDATE_SNAPSHOTS === "1";

/** Asserts that `value` (as 2-space JSON) equals the stored snapshot `name.json`. */
export function matchJsonSnapshot(name: string, value: unknown): void {
  const file = join(SNAPSHOT_DIR, `${name}.json`);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (writeIfUpdating(file, text)) {
    const biome = join(__dirname, "..", "..", "node_modules", ".bin", "biome");
    spawnSync(biome, ["format", "--write", file], { stdio: "ignore" });
    return;
  }
  assert.deepStrictEqual(
    JSON.parse(text),
    JSON.parse(readFileSync(file, "utf8")),
    `snapshot ${name}.json differs`,
  );
}

/**
 * Asserts that `text` equals the stored snapshot file `name` byte for byte. Name SVG snapshots `*.svg.snap`:
 * biome lints `.svg` files (vega's aria roles trip its a11y rules) and must not touch generated output.
 */
export function matchTextSnapshot(name: string, text: string): void {
  const file = join(SNAPSHOT_DIR, name);
  if (writeIfUpdating(file, text)) return;
  assert.equal(text, readFileSync(file, "utf8"), `snapshot ${name} differs`);
}

function writeIfUpdating(file: string, text: string): boolean {
  if (update) {
    mkdirSync(SNAPSHOT_DIR, { recursive: true });
    writeFileSync(file, text);
    return true;
  }
  assert.ok(existsSync(file), `missing snapshot ${file}; run the tests with UPDATE_SNAPSHOTS=1 to write it`);
  return false;
}
