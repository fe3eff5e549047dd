#!/usr/bin/env node
// The `attnlab` command: `attnlab run ...` executes notebooks headlessly, `attnlab kernel ...` manages the spec.
import { KERNEL_USAGE, parseKernelInstallArgs, parseRunArgs, RUN_USAGE } from "./runner/args.js";
import { installKernelSpec, kernelSpecDir } from "./runner/kernelspec.js";
import { runNotebooks } from "./runner/run.js";

const USAGE = `usage: attnlab <command> [options]

commands:
  run <notebook|folder>...   execute notebooks on the attnlab kernel (see \`attnlab run --help\`)
  kernel install [...]       register the attnlab Jupyter kernel (see \`attnlab kernel --help\`)
  kernel path                print the committed kernel spec folder
  experiments [name...]      run the case-study notebooks in full mode and print the targets table
                             (--quick: quick mode; -o DIR: executed copies, default out/experiments)
  records verify FILE        re-run a record's experiment and check that its numbers reproduce
  records diff A B           compare two records (config, data, environment, results)
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
    process.stdout.write(`${kernelSpecDir()}\n`);
    return 0;
  }
  if (sub === "install") {
    const dest = installKernelSpec(parseKernelInstallArgs(rest));
    process.stdout.write(`installed the attnlab kernel spec in ${dest}\n`);
    return 0;
  }
  process.stdout.write(KERNEL_USAGE);
  return sub === undefined || sub === "--help" || sub === "-h" ? 0 : 2;
}

async function records(argv: string[]): Promise<number> {
  const [sub, ...files] = argv;
  if (sub === "diff" && files.length === 2) {
    const { readRecord } = await import("./records/store.js");
    const { diffRecords, formatDifferences } = await import("./records/diff.js");
    const diffs = diffRecords(readRecord(files[0]!), readRecord(files[1]!));
    process.stdout.write(formatDifferences(diffs));
    return 0;
  }
  if (sub === "verify" && files.length >= 1) {
    const { verifyRecord, formatVerifyReport } = await import("./experiments/verify.js");
    const { EXPERIMENTS } = await import("./experiments/registry.js");
    let code = 0;
    for (const file of files) {
      const report = await verifyRecord(file, EXPERIMENTS);
      process.stdout.write(formatVerifyReport(report, file));
      if (!report.match) code = 1;
    }
    return code;
  }
  process.stdout.write("usage: attnlab records verify FILE...\n       attnlab records diff A B\n");
  return sub === undefined || sub === "--help" || sub === "-h" ? 0 : 2;
}

async function experiments(argv: string[]): Promise<number> {
  const names: string[] = [];
  let quick = false;
  let outDir = "out/experiments";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--quick") quick = true;
    else if (a === "-o" || a === "--out") {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${a} needs a folder`);
      outDir = value;
    } else if (a.startsWith("-")) throw new Error(`experiments: unknown option ${a}`);
    else names.push(a);
  }
  const { EXPERIMENTS, findExperiment } = await import("./experiments/registry.js");
  const { runCourseExperiments } = await import("./experiments/course.js");
  const chosen = names.length === 0 ? EXPERIMENTS : names.map(findExperiment);
  const { exitCode } = await runCourseExperiments({ experiments: chosen, quick, outDir, timeoutS: 600 });
  return exitCode;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === "run") return await run(rest);
    if (command === "kernel") return kernel(rest);
    if (command === "records") return await records(rest);
    if (command === "experiments") return await experiments(rest);
  } catch (err) {
    process.stderr.write(`attnlab: ${(err as Error).message}\n`);
    return 2;
  }
  process.stdout.write(USAGE);
  return command === undefined || command === "--help" || command === "-h" ? 0 : 2;
}

if (typeof require !== "undefined" && require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
