// `attnlab grade`, the notebook side: the assignment's exercises (its nbgrader check cells), a submission
// with those check cells put back by grade_id, and the verdict each check cell printed.
// Follows: nbgrader's cell metadata (schema_version 3: grade, grade_id, points); the exercise conventions
// of #16.
import {
  type Cell,
  type CodeCell,
  type Notebook,
  readNotebook,
  sourceText,
  toLines,
  upgradeToCellIds,
} from "./notebook.js";

/** One graded cell of the assignment: an exercise's check cell or an instructor's hidden-test cell. */
export interface Exercise {
  /** The cell's nbgrader grade_id, e.g. `03-softmax-and-masks.1` or `03-softmax-and-masks.1-hidden`. */
  id: string;
  points: number;
  /** The assignment's own source of the cell, run in place of the submission's. */
  source: string;
}

/** How one exercise of one submission went; only "right" scores its points. */
export type GradeStatus = "right" | "wrong" | "not yet" | "error" | "timeout" | "missing" | "invalid";

/** The nbgrader grade_id of a cell, or undefined when it has none. */
export function gradeId(cell: Cell): string | undefined {
  const nbgrader = cell.metadata?.nbgrader as { grade_id?: unknown } | undefined;
  return typeof nbgrader?.grade_id === "string" ? nbgrader.grade_id : undefined;
}

function isGraded(cell: Cell): boolean {
  return cell.cell_type === "code" && (cell.metadata?.nbgrader as { grade?: unknown })?.grade === true;
}

/**
 * The graded cells of the assignment notebook at `path`, in order. Throws (an author error) when it has none,
 * when two share a grade_id, or when one has no grade_id or no finite points ≥ 0.
 */
export function readAssignment(path: string): { notebook: Notebook; exercises: Exercise[] } {
  const where = `attnlab grade: --assignment ${path}`;
  const notebook = readNotebook(path);
  const exercises: Exercise[] = [];
  for (const [i, cell] of notebook.cells.entries()) {
    if (!isGraded(cell)) continue;
    const id = gradeId(cell);
    const points = (cell.metadata.nbgrader as { points?: unknown }).points;
    if (id === undefined || id.trim() === "") throw new TypeError(`${where}: cells[${i}] has no grade_id`);
    if (typeof points !== "number" || !Number.isFinite(points) || points < 0) {
      throw new RangeError(`${where}: ${id} has points ${JSON.stringify(points)}; expected a number >= 0`);
    }
    if (exercises.some((e) => e.id === id)) throw new RangeError(`${where}: grade_id ${id} appears twice`);
    exercises.push({ id, points, source: sourceText(cell) });
  }
  if (exercises.length === 0) {
    throw new RangeError(`${where}: has no graded cell (nbgrader metadata grade: true, grade_id, points)`);
  }
  return { notebook, exercises };
}

/** A copy of the assignment's graded cell for `exercise`, with the submission cell's id. */
function trustedCell(exercise: Exercise, assignment: Notebook, id: string): CodeCell {
  const original = assignment.cells.find((c) => gradeId(c) === exercise.id)!;
  return {
    cell_type: "code",
    id,
    metadata: structuredClone(original.metadata),
    source: toLines(exercise.source),
    outputs: [],
    execution_count: null,
  };
}

/**
 * The submission to run: each cell whose grade_id is an exercise's is replaced by the assignment's own cell
 * (a learner's edit of a check does not count); a second cell with the same grade_id is dropped. Every cell
 * gets a unique id (how runs are matched back). Returns the notebook and the exercises it lacks.
 */
export function prepareSubmission(
  submission: Notebook,
  assignment: Notebook,
  exercises: readonly Exercise[],
): { notebook: Notebook; missing: Set<string> } {
  const notebook = structuredClone(submission);
  upgradeToCellIds(notebook);
  const seen = new Set<string>();
  const cells: Cell[] = [];
  for (const cell of notebook.cells) {
    const exercise = exercises.find((e) => e.id === gradeId(cell));
    if (!exercise) cells.push(cell);
    else if (!seen.has(exercise.id)) {
      seen.add(exercise.id);
      cells.push(trustedCell(exercise, assignment, cell.id));
    }
  }
  notebook.cells = cells;
  return { notebook, missing: new Set(exercises.filter((e) => !seen.has(e.id)).map((e) => e.id)) };
}

/**
 * The exercises a failing cell is blamed for: itself when it is a graded cell; for an answer cell
 * (`<id>-answer`), the exercise `<id>` and its hidden tests `<id>-hidden`.
 */
export function exercisesOfCell(cell: Cell, exercises: readonly Exercise[]): string[] {
  const id = gradeId(cell);
  if (id === undefined) return [];
  if (exercises.some((e) => e.id === id)) return [id];
  if (!id.endsWith("-answer")) return [];
  const base = id.slice(0, -"-answer".length);
  return exercises.filter((e) => e.id === base || e.id === `${base}-hidden`).map((e) => e.id);
}

/**
 * What to run instead of a cell that failed: the assignment's cell with the same grade_id (an answer's blank)
 * the first time, an empty cell after that (or at once when the assignment has no such cell).
 */
export function neutralize(cell: Cell, assignment: Notebook): void {
  const id = gradeId(cell);
  const original = id === undefined ? undefined : assignment.cells.find((c) => gradeId(c) === id);
  const blank = original && original.cell_type === "code" ? sourceText(original) : "";
  cell.source = sourceText(cell) === blank ? [] : toLines(blank);
}

/** The verdict `exercise <id>: right|wrong|not yet` that a check cell printed first, if it printed one. */
export function printedVerdict(cell: Cell, id: string): "right" | "wrong" | "not yet" | undefined {
  if (cell.cell_type !== "code") return undefined;
  const prefix = `exercise ${id}: `;
  const stdout = cell.outputs.flatMap((o) =>
    o.output_type === "stream" && o.name === "stdout"
      ? [Array.isArray(o.text) ? o.text.join("") : o.text]
      : [],
  );
  for (const line of stdout.join("").split("\n")) {
    if (!line.startsWith(prefix)) continue;
    const rest = line.slice(prefix.length);
    const status = (["right", "wrong", "not yet"] as const).find(
      (s) => rest === s || rest.startsWith(`${s} `),
    );
    if (status) return status;
  }
  return undefined;
}
