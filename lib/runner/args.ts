// Command-line arguments of `attnlab run` and `attnlab kernel install`, parsed without dependencies.
import { parseParameterValue } from "./parameters.js";
import type { RunOptions } from "./run.js";

export const RUN_USAGE = `usage: attnlab run <notebook|folder>... [options]

Executes notebooks on the attnlab TypeScript kernel (tslab), one fresh kernel per notebook.
Folders expand to their *.ipynb files (recursively, sorted by path).

  -o, --output DIR              folder for executed copies (default: out/), mirroring relative paths
  --inplace                     overwrite the source notebooks instead
  -p, --parameter NAME VALUE    set a parameter (VALUE is JSON when it parses, else a string);
                                the notebook's cell tagged "parameters" must declare it with let
  --timeout SECONDS             per-cell limit (default: 300; 0 = none)
  --kernel-start-timeout SECONDS  (default: 60)
  --html                        also write a standalone HTML page next to each executed copy
`;

export const KERNEL_USAGE = `usage: attnlab kernel install [--user | --prefix DIR] [--name NAME]
       attnlab kernel path

install  copies the attnlab kernel spec into Jupyter's per-user kernels folder (default) or
         DIR/share/jupyter/kernels/NAME, recording where this package lives
path     prints the folder of the committed kernel spec
`;

function seconds(flag: string, raw: string | undefined): number {
  const n = Number(raw);
  if (raw === undefined || raw.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new Error(`${flag} needs a number of seconds, got ${JSON.stringify(raw)}`);
  }
  return n;
}

export type RunArgs = Omit<RunOptions, "cwd" | "signal" | "log" | "print"> & { help: boolean };

export function parseRunArgs(argv: string[]): RunArgs {
  const args: RunArgs = {
    paths: [],
    outDir: "out",
    inplace: false,
    parameters: {},
    timeoutS: 300,
    kernelStartTimeoutS: 60,
    html: false,
    help: false,
  };
  let outGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i]!;
    };
    if (a === "-h" || a === "--help") args.help = true;
    else if (a === "-o" || a === "--output") {
      args.outDir = value();
      outGiven = true;
    } else if (a === "--inplace") args.inplace = true;
    else if (a === "--html") args.html = true;
    else if (a === "-p" || a === "--parameter") {
      const name = value();
      args.parameters[name] = parseParameterValue(value());
    } else if (a === "--timeout") args.timeoutS = seconds(a, value());
    else if (a === "--kernel-start-timeout") args.kernelStartTimeoutS = seconds(a, value());
    else if (a.startsWith("-") && a !== "-") throw new Error(`unknown option ${a}`);
    else args.paths.push(a);
  }
  if (args.inplace && outGiven) throw new Error("--inplace and --output exclude each other");
  if (!args.help && args.paths.length === 0) throw new Error("no notebook or folder given");
  return args;
}

export interface KernelInstallArgs {
  prefix?: string;
  name?: string;
}

export function parseKernelInstallArgs(argv: string[]): KernelInstallArgs {
  const args: KernelInstallArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--user") continue;
    if (a === "--prefix" || a === "--name") {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      if (a === "--prefix") args.prefix = v;
      else args.name = v;
    } else throw new Error(`unknown option ${a}`);
  }
  return args;
}
