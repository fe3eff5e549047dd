/**
 * Solutions are generated from one source (the learner notebook + notebooks/answers/<path>.json): the committed
 * solutions are what the generator writes, and every notebook whose exercises have check cells has a solution.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { test } from "node:test";
import "../../lib/cases/exercises.js"; // registers the case studies' sets, as attnlab/experiments does
import { exerciseIds } from "../../lib/exercises/checkExercise.js";

const root = resolve(__dirname, "..", "..");

test("the committed solutions are exactly what scripts/solutions.mjs generates", () => {
  const r = spawnSync(process.execPath, [join(root, "scripts", "solutions.mjs"), "--check"], {
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
});

test("every registered exercise has an answer cell, a check cell and an answer; each notebook a solution", () => {
  const byNotebook = new Map<string, string[]>();
  for (const id of exerciseIds()) {
    const stem = id.slice(0, id.lastIndexOf("."));
    byNotebook.set(stem, [...(byNotebook.get(stem) ?? []), id]);
  }
  const files = (readdirSync(join(root, "notebooks"), { recursive: true }) as string[]).filter(
    (f) => f.endsWith(".ipynb") && !f.startsWith("solutions"),
  );
  for (const [stem, ids] of byNotebook) {
    const file = files.find((f) => f.replace(/\.ipynb$/, "").endsWith(stem));
    assert.ok(file, `no notebook for exercise set ${stem}`);
    const cells = JSON.parse(readFileSync(join(root, "notebooks", file), "utf8")).cells as {
      metadata?: { nbgrader?: { grade_id?: string } };
      source: string[];
    }[];
    const gradeIds = cells.map((c) => c.metadata?.nbgrader?.grade_id);
    for (const id of ids) {
      assert.ok(gradeIds.includes(`${id}-answer`), `${file}: no answer cell for ${id}`);
      const check = cells.find((c) => c.metadata?.nbgrader?.grade_id === id);
      assert.ok(check?.source.join("").includes(`checkExercise("${id}"`), `${file}: no check cell for ${id}`);
    }
    const answers = JSON.parse(
      readFileSync(join(root, "notebooks", "answers", file.replace(/\.ipynb$/, ".json")), "utf8"),
    );
    assert.deepEqual(Object.keys(answers).sort(), [...ids].sort(), `${file}: answers`);
    assert.ok(existsSync(join(root, "notebooks", "solutions", file)), `no solution for ${file}`);
  }
});

test("every notebook with an Exercises section checks its exercises with checkExercise and has a solution", () => {
  const files = (readdirSync(join(root, "notebooks"), { recursive: true }) as string[]).filter(
    (f) => f.endsWith(".ipynb") && !f.startsWith("solutions") && !f.includes(".ipynb_checkpoints"),
  );
  const unchecked: string[] = [];
  for (const file of files) {
    const cells = JSON.parse(readFileSync(join(root, "notebooks", file), "utf8")).cells as {
      cell_type: string;
      source: string[];
    }[];
    const hasExercises = cells.some(
      (c) => c.cell_type === "markdown" && /^## Exercises/m.test(c.source.join("")),
    );
    if (!hasExercises) continue;
    const checks = cells.filter(
      (c) => c.cell_type === "code" && c.source.join("").includes("checkExercise("),
    );
    if (checks.length === 0 || !existsSync(join(root, "notebooks", "solutions", file))) unchecked.push(file);
  }
  assert.deepEqual(unchecked, [], "notebooks with exercises but no checkExercise cell or no solution");
});
