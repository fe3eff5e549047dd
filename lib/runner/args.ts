// Command-line arguments of `attnlab run` and `attnlab kernel install`, parsed strictly (lib/runner/flags.ts).
import { describeFlags, type FlagSpec, numberFlag, parseFlags } from "./flags.js";
import { checkParameterName, ParameterText, parseParameterValue } from "./parameters.js";
import { JOBS_RULE, RUN_RULES, type RunOptions } from "./run.js";

export const RUN_USAGE = `usage: attnlab run <notebook|folder>... [options]

Executes notebooks on the attnlab TypeScript kernel (tslab), one fresh kernel per notebook.
Folders expand to their *.ipynb files (recursively, sorted by path, skipping the output folder).

  -o, --output DIR              folder for executed copies (default: out/), mirroring paths relative to
                                the working folder; a notebook outside it goes to DIR/<its file name>
  --inplace                     overwrite the source notebooks instead
  -p, --parameter NAME VALUE    set a parameter; the notebook's cell tagged "parameters" must declare NAME
                                with let, and VALUE must have its type: true/false for a boolean default,
                                a finite number for a number, any text for a string (else JSON)
  --timeout SECONDS             per-cell limit, 0 = none (default: 300; at most 86400 = 24 h)
  --kernel-start-timeout SECONDS  (default: 60; more than 0, at most 3600)
  -j, --jobs N                  run N notebooks at once, each on its own kernel (default 1; at most 16);
                                the summary keeps the notebooks' order
  --html                        also write an HTML page next to each executed copy (math rendered,
                                live charts over their static SVG, contents, previous/next links), and
                                DIR/index.html (the course map and every page's status) with DIR/_attnlab/
                                (KaTeX's stylesheet and fonts, the chart scripts); offline, opens from file://
  -h, --help                    this text

Outputs: the runner writes only its own files. Before any kernel starts it resolves real paths (symbolic
links followed) and stops with an error if an executed copy or HTML page would land on an input notebook,
on another notebook's output, or on an existing file that is not a previous output of the same notebook
(recorded in metadata.attnlab_run.source / <meta name="attnlab-source">). A previous output of the same
notebook is replaced atomically. Only --inplace writes over a source notebook. DIR/index.html and
DIR/_attnlab/ are likewise refused when they are not the runner's own (its <meta name="attnlab-index">, its
_attnlab/MANIFEST.json); in _attnlab/ only the files its manifest lists are written, nothing is deleted.
`;

/** The flags of `attnlab run`. */
export const RUN_FLAGS: readonly FlagSpec[] = [
  { name: "--output", aliases: ["-o"], values: ["DIR"] },
  { name: "--inplace" },
  { name: "--parameter", aliases: ["-p"], values: ["NAME", "VALUE"], repeat: true },
  { name: "--timeout", values: ["SECONDS"] },
  { name: "--kernel-start-timeout", values: ["SECONDS"] },
  { name: "--jobs", aliases: ["-j"], values: ["N"] },
  { name: "--html" },
  { name: "--help", aliases: ["-h"] },
];

export type RunArgs = Omit<RunOptions, "cwd" | "signal" | "log" | "print"> & { help: boolean };

const WHERE = "attnlab run";

/** `-p` pairs: names checked, values kept as typed ({@link ParameterText}) after a JSON check. */
function runParameters(pairs: string[][]): Record<string, unknown> {
  const parameters: Record<string, unknown> = Object.create(null);
  for (const [name, value] of pairs) {
    checkParameterName(`${WHERE}: -p`, name!);
    if (Object.hasOwn(parameters, name!))
      throw new RangeError(`${WHERE}: -p ${name} is given more than once`);
    parseParameterValue(value!, `${WHERE}: -p ${name} ${value}`);
    parameters[name!] = new ParameterText(value!);
  }
  return { ...parameters };
}

/**
 * Parses `attnlab run` arguments. Throws naming the flag for an unknown flag, a missing value, a repeated
 * flag or parameter, a bad number, or a bad parameter name or value.
 */
export function parseRunArgs(argv: string[]): RunArgs {
  const { flags, positional } = parseFlags(WHERE, argv, RUN_FLAGS);
  const one = (name: string) => flags.get(name)?.[0]?.[0];
  const seconds = (name: string, rule: (typeof RUN_RULES)[keyof typeof RUN_RULES], fallback: number) => {
    const raw = one(name);
    return raw === undefined ? fallback : numberFlag(WHERE, name, raw, rule);
  };
  const args: RunArgs = {
    paths: positional,
    outDir: one("--output") ?? "out",
    inplace: flags.has("--inplace"),
    parameters: runParameters(flags.get("--parameter") ?? []),
    timeoutS: seconds("--timeout", RUN_RULES.timeoutS, 300),
    kernelStartTimeoutS: seconds("--kernel-start-timeout", RUN_RULES.kernelStartTimeoutS, 60),
    html: flags.has("--html"),
    help: flags.has("--help"),
  };
  const jobs = one("--jobs");
  if (jobs !== undefined) args.jobs = numberFlag(WHERE, "--jobs", jobs, JOBS_RULE);
  if (args.outDir.trim() === "") throw new TypeError(`${WHERE}: --output needs a folder, got ""`);
  if (args.inplace && flags.has("--output"))
    throw new TypeError(`${WHERE}: --inplace and --output exclude each other`);
  if (!args.help && args.paths.length === 0) {
    throw new TypeError(`${WHERE}: no notebook or folder given; options: ${describeFlags(RUN_FLAGS)}`);
  }
  return args;
}

export { KERNEL_USAGE, type KernelInstallArgs, parseKernelInstallArgs } from "./kernelArgs.js";
