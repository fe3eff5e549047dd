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

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === "run") return await run(rest);
    if (command === "kernel") return kernel(rest);
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
