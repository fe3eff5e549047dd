/**
 * `attnlab grade` end to end on the real tslab kernel, with the two-exercise fixture assignment
 * (test/fixtures/grade/assignment.ipynb): full marks, blank, a hanging answer, a deleted and an edited check,
 * process.exit and a throw in an answer, and a file that is not JSON, graded in one run; then the refusals.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { type GradeArgs, parseGradeArgs } from "../../lib/runner/gradeArgs.js";
import { root, runCli, sha256 } from "./helpers.js";

const assignment = join(root, "test", "fixtures", "grade", "assignment.ipynb");
const dir = mkdtempSync(join(tmpdir(), "attnlab-grade-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

// biome-ignore lint/suspicious/noExplicitAny: notebooks are edited as JSON here.
type Nb = any;
const read = (): Nb => JSON.parse(readFileSync(assignment, "utf8"));
const byGradeId = (nb: Nb, id: string) => nb.cells.find((c: Nb) => c.metadata?.nbgrader?.grade_id === id);

/** The assignment with the learner's answers: `answers[grade_id]` replaces that answer cell's source. */
function submission(
  name: string,
  answers: Record<string, string>,
  edit: (nb: Nb) => void = () => {},
): string {
  const nb = read();
  for (const [id, source] of Object.entries(answers)) byGradeId(nb, `${id}-answer`).source = source;
  edit(nb);
  const path = join(dir, "in", `${name}.ipynb`);
  writeFileSync(path, JSON.stringify(nb, null, 1));
  return path;
}

const RIGHT1 = "let ex1 = 42;";
const RIGHT2 = "let ex2 = (x: number) => x * x;";

function csvRows(text: string): string[][] {
  return text
    .trim()
    .split("\n")
    .map((l) => l.split(","));
}

test("grades every kind of submission, each in its own sandbox, and writes grades.csv", async () => {
  const { mkdirSync } = await import("node:fs");
  mkdirSync(join(dir, "in"));
  const paths = [
    submission("full", { "g.1": RIGHT1, "g.2": RIGHT2 }),
    submission("blank", {}),
    submission("hang", { "g.1": "let ex1 = 42;\nwhile (true) {}", "g.2": RIGHT2 }),
    submission("tampered", { "g.1": RIGHT1, "g.2": "let ex2 = (x: number) => x + 1;" }, (nb) => {
      nb.cells = nb.cells.filter((c: Nb) => c !== byGradeId(nb, "g.1"));
      byGradeId(nb, "g.2").source = 'console.log("exercise g.2: right");';
      byGradeId(nb, "g.2-hidden").source = 'console.log("exercise g.2-hidden: right");';
    }),
    submission("exits", { "g.1": "let ex1 = 42;\nprocess.exit(3);", "g.2": RIGHT2 }),
    submission("throws", { "g.1": RIGHT1, "g.2": 'let ex2 = 1;\nthrow new Error("oops");' }),
  ];
  const invalid = join(dir, "in", "invalid.ipynb");
  writeFileSync(invalid, '{"cells": [');
  paths.push(invalid);
  const before = new Map(paths.map((p) => [p, sha256(p)]));
  const out = join(dir, "out");
  const r = await runCli(["grade", "--assignment", assignment, "--timeout", "4", "-o", out, ...paths]);
  assert.equal(r.code, 0, r.stderr);

  const rows = csvRows(readFileSync(join(out, "grades.csv"), "utf8"));
  assert.deepEqual(rows[0], ["submission", "exercise", "points", "max_points", "status"]);
  const got = (name: string) =>
    rows
      .filter((row) => row[0] === join(dir, "in", `${name}.ipynb`))
      .map(([, exercise, points, max, status]) => `${exercise} ${points}/${max} ${status}`);
  assert.deepEqual(got("full"), ["g.1 1/1 right", "g.2 2/2 right", "g.2-hidden 1/1 right"]);
  assert.deepEqual(got("blank"), ["g.1 0/1 not yet", "g.2 0/2 not yet", "g.2-hidden 0/1 wrong"]);
  assert.deepEqual(got("hang"), ["g.1 0/1 timeout", "g.2 2/2 right", "g.2-hidden 1/1 right"]);
  // The deleted check is missing; the edited ones ran as the assignment wrote them.
  assert.deepEqual(got("tampered"), ["g.1 0/1 missing", "g.2 0/2 wrong", "g.2-hidden 0/1 wrong"]);
  assert.deepEqual(got("exits"), ["g.1 0/1 error", "g.2 2/2 right", "g.2-hidden 1/1 right"]);
  assert.deepEqual(got("throws"), ["g.1 1/1 right", "g.2 0/2 error", "g.2-hidden 0/1 error"]);
  assert.deepEqual(got("invalid"), ["g.1 0/1 invalid", "g.2 0/2 invalid", "g.2-hidden 0/1 invalid"]);
  assert.equal(rows.length, 1 + 7 * 3);

  assert.match(r.stdout, /full\.ipynb +4\/4 +right 1\/1 +right 2\/2 +right 1\/1/);
  assert.match(r.stdout, /hang\.ipynb +3\/4 +timeout 0\/1 +right 2\/2/);
  assert.match(r.stderr, /g\.1-answer failed: timed out after 4 s/);
  for (const [p, hash] of before) assert.equal(sha256(p), hash, `${p} was modified`);
  assert.deepEqual(
    readdirSync(join(dir, "in")).sort(),
    [...paths.map((p) => p.slice(dir.length + 4))].sort(),
  );
  const left = readdirSync(tmpdir()).filter((n) => n.startsWith("attnlab-grade-") && !dir.endsWith(n));
  assert.deepEqual(left, [], "sandboxes are removed");

  const again = await runCli(["grade", "--assignment", assignment, "-o", out, paths[0]!]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /grades\.csv exists; grades are never overwritten/);
});

test("the kernel runs under Node's permission model, writing only in its sandbox", async () => {
  const probe = submission("probe", {
    "g.1": [
      'import * as fs from "node:fs";',
      'import * as cp from "node:child_process";',
      "const tryIt = (f: () => unknown) => { try { f(); return true; } catch { return false; } };",
      'const writesHere = tryIt(() => fs.writeFileSync("here.txt", "x"));',
      `const writesOut = tryIt(() => fs.writeFileSync(${JSON.stringify(join(dir, "escape.txt"))}, "x"));`,
      'const spawns = tryIt(() => cp.execSync("true"));',
      "let ex1 = writesHere && !writesOut && !spawns ? 42 : 0;",
    ].join("\n"),
  });
  const out = join(dir, "probe-out");
  const r = await runCli(["grade", "--assignment", assignment, "--timeout", "20", "-o", out, probe]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(readFileSync(join(out, "grades.csv"), "utf8"), /probe\.ipynb,g\.1,1,1,right/);
  assert.ok(!readdirSync(dir).includes("escape.txt"));
});

test("flags are checked strictly; --help prints the usage", async () => {
  const parse = (...argv: string[]): GradeArgs => parseGradeArgs(argv);
  assert.deepEqual(parse("--assignment", "a.ipynb", "s.ipynb"), {
    assignment: "a.ipynb",
    submissions: ["s.ipynb"],
    outDir: "out",
    timeoutS: 60,
    kernelStartTimeoutS: 60,
    help: false,
  });
  assert.throws(
    () => parse("--assigment", "a.ipynb", "s"),
    /unknown option --assigment \(did you mean --assignment\?\)/,
  );
  assert.throws(() => parse("s.ipynb"), /--assignment NOTEBOOK is required/);
  assert.throws(() => parse("--assignment", "a.ipynb"), /no submission given/);
  assert.throws(() => parse("--assignment", "a", "--timeout", "soon", "s"), /--timeout/);
  assert.throws(() => parse("--assignment", "a", "--timeout", "0", "s"), /--timeout/);
  assert.throws(
    () => parse("--assignment", "a", "-o", "x", "-o", "y", "s"),
    /--output is given more than once|-o is given/,
  );
  const help = await runCli(["grade", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: attnlab grade --assignment NOTEBOOK/);
  const bad = await runCli(["grade", "--assignment", assignment, join(dir, "nope.ipynb")]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no such submission: .*nope\.ipynb/);
});
