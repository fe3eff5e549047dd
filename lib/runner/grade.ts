// `attnlab grade`: grades every submission of one assignment (gradeSubmission.ts), writes DIR/grades.csv
// (created exclusively, never replaced) and prints one row per submission.
// Follows: nbgrader's autograde (a check cell scores its points when it passes).
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { checkOptions, opt } from "../check/options.js";
import { writeFileExclusive } from "../io/writeFileExclusive.js";
import { readAssignment } from "./gradeNotebook.js";
import { gradeSubmission, type SubmissionGrade } from "./gradeSubmission.js";
import { RUN_RULES } from "./run.js";

const WHERE = "attnlab grade";

const GRADE_SPEC = {
  assignment: opt.string({ nonEmpty: true, required: true }),
  submissions: opt.any({ required: true }),
  outDir: opt.string({ nonEmpty: true, required: true }),
  ...RUN_RULES,
  cwd: opt.string({ nonEmpty: true }),
  signal: opt.any(),
  log: opt.function(),
  print: opt.function(),
};

export interface GradeOptions {
  /** The assignment notebook: its nbgrader check cells say which exercises exist and hold the checks run. */
  assignment: string;
  /** The learners' notebooks. */
  submissions: string[];
  /** Folder for grades.csv (which must not exist yet). */
  outDir: string;
  timeoutS: number;
  kernelStartTimeoutS: number;
  cwd?: string;
  signal?: AbortSignal;
  /** Progress (default: process.stderr). */
  log?: (line: string) => void;
  /** The summary table (default: process.stdout). */
  print?: (line: string) => void;
}

export interface GradeSummary {
  grades: SubmissionGrade[];
  csv: string;
  /** 0 graded, 1 some submission could not be graded (its kernel did not start), 130 interrupted. */
  exitCode: number;
}

/** RFC 4180: a field with a comma, quote or line break goes in quotes, its quotes doubled. */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The grades.csv text: one row per submission and exercise. */
export function gradesCsv(grades: readonly SubmissionGrade[]): string {
  const rows = [["submission", "exercise", "points", "max_points", "status"]];
  for (const g of grades) {
    for (const e of g.grades)
      rows.push([g.submission, e.exercise, String(e.points), String(e.maxPoints), e.status]);
  }
  return `${rows.map((r) => r.map(csvField).join(",")).join("\n")}\n`;
}

function total(g: SubmissionGrade): string {
  const sum = (key: "points" | "maxPoints") => g.grades.reduce((s, e) => s + e[key], 0);
  return `${sum("points")}/${sum("maxPoints")}`;
}

/** The summary: a row per submission with its total and each exercise's status and points. */
export function formatGrades(grades: readonly SubmissionGrade[], exerciseIds: readonly string[]): string {
  const rows = [
    ["submission", "total", ...exerciseIds],
    ...grades.map((g) => [
      g.complete ? g.submission : `${g.submission} (incomplete)`,
      total(g),
      ...g.grades.map((e) => `${e.status} ${e.points}/${e.maxPoints}`),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/**
 * Grades `options.submissions` against `options.assignment`, one sandboxed kernel run (or more) each, writes
 * `outDir/grades.csv` and prints the summary. The assignment, the submissions' existence and the absence of
 * grades.csv are checked before anything runs.
 */
export async function gradeSubmissions(options: GradeOptions): Promise<GradeSummary> {
  checkOptions(WHERE, options, GRADE_SPEC);
  const cwd = options.cwd ?? process.cwd();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { notebook, exercises } = readAssignment(resolve(cwd, options.assignment));
  const csvPath = resolve(cwd, options.outDir, "grades.csv");
  checkInputs(options.submissions, cwd, csvPath);
  const grades: SubmissionGrade[] = [];
  for (const [i, submission] of options.submissions.entries()) {
    if (options.signal?.aborted) break;
    log(`${WHERE}: ${i + 1}/${options.submissions.length} ${submission}`);
    const grade = await gradeSubmission(resolve(cwd, submission), {
      assignment: notebook,
      exercises,
      timeoutS: options.timeoutS,
      kernelStartTimeoutS: options.kernelStartTimeoutS,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    grade.submission = submission;
    for (const note of grade.notes) log(`  ${note}`);
    grades.push(grade);
  }
  const csv = gradesCsv(grades);
  print("");
  print(
    formatGrades(
      grades,
      exercises.map((e) => e.id),
    ),
  );
  writeCsv(csvPath, csv);
  print(`\ngrades: ${csvPath}`);
  const interrupted = options.signal?.aborted || grades.length < options.submissions.length;
  return { grades, csv, exitCode: interrupted ? 130 : grades.every((g) => g.complete) ? 0 : 1 };
}

function checkInputs(submissions: unknown, cwd: string, csvPath: string): void {
  if (
    !Array.isArray(submissions) ||
    submissions.length === 0 ||
    submissions.some((s) => typeof s !== "string")
  ) {
    throw new TypeError(`${WHERE}: submissions must be a non-empty list of notebook paths`);
  }
  const seen = new Set<string>();
  for (const s of submissions as string[]) {
    const abs = resolve(cwd, s);
    if (!existsSync(abs)) throw new Error(`${WHERE}: no such submission: ${s}`);
    if (seen.has(abs)) throw new RangeError(`${WHERE}: submission ${s} is given more than once`);
    seen.add(abs);
  }
  if (existsSync(csvPath)) throw refuseCsv(csvPath);
}

function refuseCsv(csvPath: string): Error {
  return new Error(
    `${WHERE}: ${csvPath} exists; grades are never overwritten: move it away or choose another -o folder`,
  );
}

function writeCsv(csvPath: string, csv: string): void {
  try {
    writeFileExclusive(csvPath, csv);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") throw refuseCsv(csvPath);
    throw err;
  }
}
