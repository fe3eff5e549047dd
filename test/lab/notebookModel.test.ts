/**
 * Notebook 06 saves the model the lab serves (out/models/copy-task/, loaded as models/copy-task/model.json): a
 * quick (CI) run must save elsewhere, so it never replaces a fully trained model. Evaluates the save cell's own
 * folder expression for quick = true and false, without running the kernel.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

const ROOT = join(__dirname, "..", "..");
const NOTEBOOK = join(ROOT, "notebooks", "06-transformer-copy-task.ipynb");

/** The source of the code cell that saves the model with modelFiles. */
function saveCell(): string {
  const nb = JSON.parse(readFileSync(NOTEBOOK, "utf8")) as {
    cells: { cell_type: string; source: string[] }[];
  };
  const cells = nb.cells.filter(
    (c) => c.cell_type === "code" && c.source.join("").includes("modelFiles(modelDir"),
  );
  assert.equal(cells.length, 1, "one cell saves the model");
  return cells[0]!.source.join("");
}

/** The folder the save cell's `const modelDir = …;` picks for `quick`. */
function modelDirFor(quick: boolean): string {
  const line = /^const modelDir = .*;$/m.exec(saveCell())?.[0];
  assert.ok(line, "the save cell declares modelDir on one line");
  const pick = new Function("quick", "join", "packageRoot", `${line}\nreturn modelDir;`);
  return pick(quick, join, () => ROOT) as string;
}

test("a quick run of notebook 06 saves beside the served model, never over it", () => {
  const full = modelDirFor(false);
  const quick = modelDirFor(true);
  assert.equal(full, join(ROOT, "out", "models", "copy-task"), "the lab loads models/copy-task/model.json");
  assert.notEqual(quick, full);
  assert.ok(quick.startsWith(join(ROOT, "out", "models")), quick);
  assert.equal(saveCell().match(/modelFiles\(/g)?.length, 1, "no second save to a hard-coded folder");
});
