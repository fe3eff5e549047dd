// `attnlab grade` on the command line: its usage, its flags (parsed strictly, lib/runner/flags.ts) and the
// command itself (SIGINT/SIGTERM stop the run and shut the kernel down).
import { describeFlags, type FlagSpec, numberFlag, parseFlags } from "./flags.js";
import { type GradeOptions, gradeSubmissions } from "./grade.js";
import { RUN_RULES } from "./run.js";

export const GRADE_USAGE = `usage: attnlab grade --assignment NOTEBOOK [options] SUBMISSION...

Grades learners' notebooks against an assignment. The assignment's cells with nbgrader metadata
(grade: true, grade_id, points) are its exercises; in each submission, the cell with the same grade_id
is replaced by the assignment's own before it runs (a learner cannot edit a check). An exercise scores
its points iff its check cell printed "exercise <grade_id>: right"; otherwise 0 with status wrong,
not yet, error, timeout, missing (no cell with that grade_id) or invalid (the file is not a notebook).

Each submission is copied into its own temp folder and runs on a fresh kernel there, under Node's
permission model; a cell that fails (throws, times out, ends the kernel) counts against its exercise
and the notebook runs again with that cell blanked, so the other exercises are still graded.
What this does and does not isolate: docs/grading.md.

  --assignment NOTEBOOK         the assignment notebook (with its check and hidden-test cells)
  -o, --output DIR              folder for grades.csv (default: out/); an existing grades.csv is refused
  --timeout SECONDS             per-cell limit (default: 60; more than 0, at most 86400)
  --kernel-start-timeout SECONDS  (default: 60; more than 0, at most 3600)
  -h, --help                    this text

Exit status: 0 when every submission was graded (zeros included), 1 when one could not be (its kernel
did not start), 2 for bad usage, 130 when interrupted.
`;

export const GRADE_FLAGS: readonly FlagSpec[] = [
  { name: "--assignment", values: ["NOTEBOOK"] },
  { name: "--output", aliases: ["-o"], values: ["DIR"] },
  { name: "--timeout", values: ["SECONDS"] },
  { name: "--kernel-start-timeout", values: ["SECONDS"] },
  { name: "--help", aliases: ["-h"] },
];

const WHERE = "attnlab grade";

export type GradeArgs = Omit<GradeOptions, "cwd" | "signal" | "log" | "print"> & { help: boolean };

/** Parses `attnlab grade` arguments; throws naming the flag for anything not in {@link GRADE_USAGE}. */
export function parseGradeArgs(argv: readonly string[]): GradeArgs {
  const { flags, positional } = parseFlags(WHERE, argv, GRADE_FLAGS);
  const one = (name: string) => flags.get(name)?.[0]?.[0];
  const seconds = (name: string, fallback: number) => {
    const raw = one(name);
    const rule = name === "--timeout" ? { ...RUN_RULES.timeoutS, above: 0 } : RUN_RULES.kernelStartTimeoutS;
    return raw === undefined ? fallback : numberFlag(WHERE, name, raw, rule);
  };
  const help = flags.has("--help");
  const args: GradeArgs = {
    assignment: one("--assignment") ?? "",
    submissions: positional,
    outDir: one("--output") ?? "out",
    timeoutS: seconds("--timeout", 60),
    kernelStartTimeoutS: seconds("--kernel-start-timeout", 60),
    help,
  };
  if (help) return args;
  if (args.outDir.trim() === "") throw new TypeError(`${WHERE}: --output needs a folder, got ""`);
  if (args.assignment.trim() === "") {
    throw new TypeError(
      `${WHERE}: --assignment NOTEBOOK is required; options: ${describeFlags(GRADE_FLAGS)}`,
    );
  }
  if (args.submissions.length === 0) {
    throw new TypeError(`${WHERE}: no submission given; options: ${describeFlags(GRADE_FLAGS)}`);
  }
  return args;
}

/** `attnlab grade <argv>`: returns the exit status (see {@link GRADE_USAGE}). */
export async function gradeCommand(argv: readonly string[]): Promise<number> {
  const { help, ...options } = parseGradeArgs(argv);
  if (help) {
    process.stdout.write(GRADE_USAGE);
    return 0;
  }
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    process.stderr.write(
      `\n${WHERE}: ${signal}, shutting the kernel down${signals > 1 ? " (forced)" : ""}\n`,
    );
    if (signals > 1) process.exit(130);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return (await gradeSubmissions({ ...options, signal: controller.signal })).exitCode;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
