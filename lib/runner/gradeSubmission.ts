// `attnlab grade`, one submission: run it in its sandbox through `runNotebooks`; when a cell fails (throws,
// times out, ends the kernel), blame its exercise, neutralize the cell and run the notebook again on a fresh
// kernel, until a run gets to the end; then read each check cell's verdict.
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  type Exercise,
  exercisesOfCell,
  type GradeStatus,
  gradeId,
  neutralize,
  prepareSubmission,
  printedVerdict,
} from "./gradeNotebook.js";
import { kernelNodeOptions, makeSandbox, removeSandbox, withKernelEnv } from "./gradeSandbox.js";
import { type Notebook, readNotebook, sourceText, writeNotebook } from "./notebook.js";
import { runNotebooks } from "./run.js";

export interface ExerciseGrade {
  exercise: string;
  points: number;
  maxPoints: number;
  status: GradeStatus;
}

export interface SubmissionGrade {
  submission: string;
  grades: ExerciseGrade[];
  /** False when the last run did not get through every cell (its kernel did not start, or interrupted). */
  complete: boolean;
  /** What happened on the way, e.g. `cell 4 (g.1-answer): timed out after 5 s (kernel killed)`. */
  notes: string[];
  /** How many times the notebook ran. */
  runs: number;
}

export interface GradeOneOptions {
  assignment: Notebook;
  exercises: readonly Exercise[];
  timeoutS: number;
  kernelStartTimeoutS: number;
  signal?: AbortSignal;
}

const FILE = "submission.ipynb";

function allAs(exercises: readonly Exercise[], status: GradeStatus): ExerciseGrade[] {
  return exercises.map((e) => ({ exercise: e.id, points: 0, maxPoints: e.points, status }));
}

/** Grades the submission at `path` (the path as the user gave it is how the result names it). */
export async function gradeSubmission(path: string, options: GradeOneOptions): Promise<SubmissionGrade> {
  let submitted: Notebook;
  try {
    submitted = readNotebook(path);
  } catch (err) {
    const notes = [(err as Error).message];
    return {
      submission: path,
      grades: allAs(options.exercises, "invalid"),
      complete: true,
      notes,
      runs: 0,
    };
  }
  const { notebook, missing } = prepareSubmission(submitted, options.assignment, options.exercises);
  const sandbox = makeSandbox();
  try {
    return await withKernelEnv(sandbox, kernelNodeOptions(sandbox), () =>
      runUntilDone(path, notebook, missing, join(sandbox.work, FILE), sandbox.work, options),
    );
  } finally {
    removeSandbox(sandbox);
  }
}

async function runUntilDone(
  path: string,
  notebook: Notebook,
  missing: Set<string>,
  file: string,
  cwd: string,
  options: GradeOneOptions,
): Promise<SubmissionGrade> {
  const blamed = new Map<string, GradeStatus>();
  const notes: string[] = [];
  const maxRuns = 2 * notebook.cells.length + 1; // each failed run changes a cell (a blank, then empty)
  let executed: Notebook | null = null;
  let complete = false;
  let runs = 0;
  while (runs < maxRuns && !options.signal?.aborted) {
    runs++;
    writeNotebook(file, notebook);
    const { results } = await runNotebooks({
      paths: [FILE],
      outDir: "out",
      inplace: true,
      parameters: {},
      timeoutS: options.timeoutS,
      kernelStartTimeoutS: options.kernelStartTimeoutS,
      html: false,
      cwd,
      log: () => {},
      print: () => {},
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const result = results[0];
    executed = existsSync(file) ? readNotebook(file) : null;
    // Every cell ran (a late error after the last one included): each check had its say.
    complete =
      result !== undefined && result.status !== "interrupted" && result.executed === result.codeCells;
    if (result?.status === "ok") break;
    const failure = result?.failure;
    const cell = failure && executed ? executed.cells[failure.cellIndex] : undefined;
    if (!failure || !cell || result?.status !== "failed") {
      notes.push(failure ? failure.message : "the run was interrupted");
      break;
    }
    const timedOut =
      cell.cell_type === "code" &&
      cell.outputs.some((o) => o.output_type === "error" && o.ename === "Timeout");
    const name = gradeId(cell) ?? `cell id ${cell.id}`;
    notes.push(`run ${runs}: ${name} failed: ${failure.message}`);
    for (const id of exercisesOfCell(cell, options.exercises))
      if (!blamed.has(id)) blamed.set(id, timedOut ? "timeout" : "error");
    const own = notebook.cells.find((c) => c.id === cell.id);
    const before = own ? sourceText(own) : "";
    if (own) neutralize(own, options.assignment);
    if (!own || sourceText(own) === before) break; // nothing left to change: the failure is not this cell's
  }
  if (!complete) notes.push("grading did not complete: some cells never ran");
  const grades = options.exercises.map((e): ExerciseGrade => {
    const status = missing.has(e.id) ? "missing" : (blamed.get(e.id) ?? verdictOf(executed, e.id));
    return { exercise: e.id, points: status === "right" ? e.points : 0, maxPoints: e.points, status };
  });
  return { submission: path, grades, complete, notes, runs };
}

function verdictOf(executed: Notebook | null, id: string): GradeStatus {
  const cell = executed?.cells.find((c) => gradeId(c) === id);
  return (cell && printedVerdict(cell, id)) ?? "error";
}
