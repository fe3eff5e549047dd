// Command-line arguments of `attnlab kernel install`: every flag known, each value checked, nothing ignored.
import { closest } from "../check/options.js";
import type { InstallOptions } from "./kernelInstall.js";
import { checkKernelName } from "./kernelOwnership.js";

export const KERNEL_USAGE = `usage: attnlab kernel install [--user | --prefix DIR] [--name NAME] [--force]
       attnlab kernel path

install  copies the attnlab kernel spec into Jupyter's per-user kernels folder (--user, the default) or
         DIR/share/jupyter/kernels/NAME, recording where this package lives. NAME (default attnlab) is
         one folder name: letters, digits, ".", "_" and "-", not only dots. An earlier attnlab install
         of that name is replaced (atomically, removing only the files it wrote); any other folder of
         that name is an error unless --force, which moves the old folder to
         <jupyter data>/attnlab-replaced/ (it is never deleted)
path     prints the folder of the committed kernel spec
`;

const WHERE = "attnlab kernel install";
const SWITCHES = ["--user", "--force", "--help", "-h"];
const VALUED = ["--prefix", "--name"];
const ALLOWED = "--user, --prefix DIR, --name NAME, --force, --help";

export interface KernelInstallArgs extends InstallOptions {
  help?: boolean;
}

function unknownFlag(flag: string): Error {
  const hint = closest(flag.split("=")[0]!, [...SWITCHES, ...VALUED]);
  const mean = hint ? ` (did you mean ${hint}?)` : "";
  return new Error(`${WHERE}: unknown option ${JSON.stringify(flag)}${mean}; allowed options: ${ALLOWED}`);
}

/** Splits argv into [flag, value] pairs (`--name x` and `--name=x`), refusing unknown and repeated flags. */
function flagPairs(argv: string[]): Map<string, string | true> {
  const seen = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf("=");
    const flag = a.startsWith("--") && eq > 0 ? a.slice(0, eq) : a;
    let value: string | true = true;
    if (VALUED.includes(flag)) {
      const v = flag === a ? argv[++i] : a.slice(eq + 1);
      if (v === undefined || [...SWITCHES, ...VALUED].includes(v.split("=")[0]!)) {
        throw new Error(`${WHERE}: ${flag} needs a value (${flag === "--name" ? "NAME" : "DIR"})`);
      }
      value = v;
    } else if (!SWITCHES.includes(a)) {
      if (a.startsWith("-")) throw unknownFlag(a);
      throw new Error(`${WHERE}: unexpected argument ${JSON.stringify(a)}; allowed options: ${ALLOWED}`);
    }
    const key = flag === "-h" ? "--help" : flag;
    if (seen.has(key)) throw new Error(`${WHERE}: ${key} is given twice`);
    seen.set(key, value);
  }
  return seen;
}

/**
 * Parses the arguments after `attnlab kernel install`.
 * @example parseKernelInstallArgs(["--prefix", "/tmp/env", "--name", "attnlab-dev"]); // { prefix: "/tmp/env", name: "attnlab-dev" }
 */
export function parseKernelInstallArgs(argv: string[]): KernelInstallArgs {
  const flags = flagPairs(argv);
  const args: KernelInstallArgs = {};
  if (flags.has("--help")) args.help = true;
  if (flags.has("--force")) args.force = true;
  const prefix = flags.get("--prefix");
  if (typeof prefix === "string") {
    if (prefix === "") throw new Error(`${WHERE}: --prefix must be a folder, got ""`);
    if (flags.has("--user")) throw new Error(`${WHERE}: --user and --prefix exclude each other`);
    args.prefix = prefix;
  }
  const name = flags.get("--name");
  if (typeof name === "string") args.name = checkKernelName(WHERE, name);
  return args;
}
