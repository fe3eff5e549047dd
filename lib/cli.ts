#!/usr/bin/env node
// The `attnlab` command: `attnlab run ...` executes notebooks headlessly, `attnlab kernel ...` manages the spec.
import { KERNEL_USAGE, parseKernelInstallArgs, parseRunArgs, RUN_USAGE } from "./runner/args.js";
import { installKernel } from "./runner/kernelInstall.js";
import { kernelSpecDir } from "./runner/kernelspec.js";
import { closest } from "./check/options.js";
import { describeFlags, type FlagSpec, parseFlags } from "./runner/flags.js";
import { runNotebooks } from "./runner/run.js";
import type { ExperimentRecord } from "./records/record.js";

const USAGE = `usage: attnlab <command> [options]

commands:
  run <notebook|folder>...   execute notebooks on the attnlab kernel (see \`attnlab run --help\`)
  kernel install [...]       register the attnlab Jupyter kernel (see \`attnlab kernel --help\`)
  kernel path                print the committed kernel spec folder
  experiments [name...]      run the case-study notebooks in full mode and print the targets table
                             (see \`attnlab experiments --help\`)
  records verify FILE...     re-run a record's experiment and check that every recorded value reproduces
  records diff A B           compare two records (config, data, environment, results)
                             (see \`attnlab records --help\`)
  grade --assignment NB S... grade learners' notebooks, write grades.csv (see \`attnlab grade --help\`)
`;

async function run(argv: string[]): Promise<number> {
  const args = parseRunArgs(argv);
  if (args.help) {
    process.stdout.write(RUN_USAGE);
    return 0;
  }
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    process.stderr.write(`\nattnlab: ${signal}, shutting the kernel down${signals > 1 ? " (forced)" : ""}\n`);
    if (signals > 1) process.exit(130);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const { help: _help, ...options } = args;
    const summary = await runNotebooks({ ...options, signal: controller.signal });
    return summary.exitCode;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

function kernel(argv: string[]): number {
  const [sub, ...rest] = argv;
  if (sub === "path") {
    if (rest.length > 0)
      throw new Error(`attnlab kernel path: takes no arguments, got ${JSON.stringify(rest[0])}`);
    process.stdout.write(`${kernelSpecDir()}\n`);
    return 0;
  }
  if (sub === "install") {
    const { help, ...options } = parseKernelInstallArgs(rest);
    if (help) {
      process.stdout.write(KERNEL_USAGE);
      return 0;
    }
    const result = installKernel(options);
    process.stdout.write(`installed the attnlab kernel spec in ${result.dir}\n`);
    if (result.keptAt) process.stdout.write(`the folder that was there is kept in ${result.keptAt}\n`);
    return 0;
  }
  process.stdout.write(KERNEL_USAGE);
  return sub === undefined || sub === "--help" || sub === "-h" ? 0 : 2;
}

async function records(argv: string[]): Promise<number> {
  const { parseRecordsArgs, RECORDS_USAGE } = await import("./records/args.js");
  const args = parseRecordsArgs(argv);
  if (args.command === "help") {
    process.stdout.write(RECORDS_USAGE);
    return 0;
  }
  if (args.command === "diff") {
    const { readRecord } = await import("./records/store.js");
    const { diffRecords, formatDifferences } = await import("./records/diff.js");
    const [a, b] = args.files.map(readRecord) as [ExperimentRecord, ExperimentRecord];
    process.stdout.write(formatDifferences(diffRecords(a, b)));
    return 0;
  }
  const { verifyRecord, formatVerifyReport } = await import("./experiments/verify.js");
  const { EXPERIMENTS } = await import("./cases/registry.js");
  const { readRecord } = await import("./records/store.js");
  args.files.forEach(readRecord); // every file readable and sealed before anything trains
  let code = 0;
  for (const file of args.files) {
    const options = args.tolerance === undefined ? {} : { tolerance: args.tolerance };
    const report = await verifyRecord(file, EXPERIMENTS, options);
    process.stdout.write(formatVerifyReport(report, file));
    if (!report.match) code = 1;
  }
  return code;
}

const EXPERIMENTS_USAGE = `usage: attnlab experiments [name...] [--quick] [-o DIR]

Runs the case-study notebooks (all, or the named experiments) through \`attnlab run\` in full mode and prints
one row per target.

  --quick                 quick mode (targets are reported, not required)
  -o, --out, --output DIR folder for the executed copies (default: out/experiments)
  -h, --help              this text
`;

const EXPERIMENTS_FLAGS: readonly FlagSpec[] = [
  { name: "--quick" },
  { name: "--out", aliases: ["-o", "--output"], values: ["DIR"] },
  { name: "--help", aliases: ["-h"] },
];

async function experiments(argv: string[]): Promise<number> {
  const where = "attnlab experiments";
  const { flags, positional: names } = parseFlags(where, argv, EXPERIMENTS_FLAGS);
  if (flags.has("--help")) {
    process.stdout.write(EXPERIMENTS_USAGE);
    return 0;
  }
  const outDir = flags.get("--out")?.[0]?.[0] ?? "out/experiments";
  if (outDir === "") throw new TypeError(`${where}: --out needs a folder, got ""`);
  const { EXPERIMENTS } = await import("./cases/registry.js");
  const known = EXPERIMENTS.map((e) => e.name);
  for (const [i, name] of names.entries()) {
    if (names.indexOf(name) !== i)
      throw new RangeError(`${where}: experiment "${name}" is given more than once`);
    if (!known.includes(name)) {
      const hint = closest(name, known);
      throw new RangeError(
        `${where}: unknown experiment "${name}"${hint ? ` (did you mean "${hint}"?)` : ""}; known experiments: ${known.join(", ")}; options: ${describeFlags(EXPERIMENTS_FLAGS)}`,
      );
    }
  }
  const { runCourseExperiments } = await import("./experiments/course.js");
  const chosen = names.length === 0 ? EXPERIMENTS : EXPERIMENTS.filter((e) => names.includes(e.name));
  const quick = flags.has("--quick");
  const { exitCode } = await runCourseExperiments({ experiments: chosen, quick, outDir, timeoutS: 600 });
  return exitCode;
}

const COMMANDS = ["run", "kernel", "experiments", "records", "grade"];

/** Runs `attnlab <argv>` and returns the exit code: 0 ok, 1 a notebook or check failed, 2 bad usage or error. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === "run") return await run(rest);
    if (command === "kernel") return kernel(rest);
    if (command === "records") return await records(rest);
    if (command === "experiments") return await experiments(rest);
    if (command === "grade") return await (await import("./runner/gradeArgs.js")).gradeCommand(rest);
  } catch (err) {
    const message = (err as Error).message;
    process.stderr.write(`${message.startsWith("attnlab") ? message : `attnlab: ${message}`}\n`);
    return 2;
  }
  if (command === undefined || command === "--help" || command === "-h") {
    process.stdout.write(USAGE);
    return 0;
  }
  const hint = closest(command, COMMANDS);
  const what = command.startsWith("-") ? "option" : "command";
  process.stderr.write(
    `attnlab: unknown ${what} ${JSON.stringify(command)}${hint ? ` (did you mean "${hint}"?)` : ""}; commands: ${COMMANDS.join(", ")}; options: -h/--help\n\n${USAGE}`,
  );
  return 2;
}

if (typeof require !== "undefined" && require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
