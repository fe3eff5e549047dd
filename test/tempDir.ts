/**
 * Temporary folders for a test file: `tempDir(prefix)` makes a fresh one under the OS temp folder (mkdtemp), and
 * every one it made is removed after the file's tests — only those, each created by this process.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A new empty folder `<tmp>/<prefix>XXXXXX`, removed after the test file's tests. */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}
