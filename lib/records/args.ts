/**
 * Command-line arguments of `attnlab records`: the subcommand (`verify`, `diff`), its files and flags. Anything
 * else is an error naming it and listing what is allowed, never silently ignored.
 */
import { checkValue, opt } from "../check/options.js";

export const RECORDS_USAGE = `usage: attnlab records verify [--tolerance REL] FILE...
       attnlab records diff A B

verify  re-runs each record's experiment from its config and compares every recorded value (quick flag,
        config, dataset, epochs, metrics, targets); exits 1 on a mismatch. --tolerance: relative tolerance
        for numbers when the backend differs from the recorded one (default 1e-3)
diff    lists every field that differs between two records, timings aside
`;

/** What `attnlab records …` was asked to do. */
export type RecordsArgs =
  | { command: "help" }
  | { command: "verify"; files: string[]; tolerance?: number }
  | { command: "diff"; files: [string, string] };

const SUBCOMMANDS = ["verify", "diff"];
const HELP = new Set(["-h", "--help"]);

/**
 * Parses the arguments after `records`.
 * @example parseRecordsArgs(["verify", "--tolerance", "1e-4", "a.json"]); // { command: "verify", files: ["a.json"], tolerance: 0.0001 }
 */
export function parseRecordsArgs(argv: readonly string[]): RecordsArgs {
  const [sub, ...rest] = argv;
  if (sub === undefined || HELP.has(sub) || rest.some((a) => HELP.has(a))) return { command: "help" };
  checkValue("records", "subcommand", sub, opt.oneOf(SUBCOMMANDS));
  return sub === "verify" ? parseVerify(rest) : parseDiff(rest);
}

function parseVerify(argv: readonly string[]): RecordsArgs {
  const files: string[] = [];
  let tolerance: number | undefined;
  let onlyFiles = false; // after "--"
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (onlyFiles || !a.startsWith("-") || a === "-") files.push(a);
    else if (a === "--") onlyFiles = true;
    else if (a === "--tolerance" || a.startsWith("--tolerance=")) {
      const raw = a === "--tolerance" ? argv[++i] : a.slice("--tolerance=".length);
      tolerance = toleranceValue(raw);
    } else unknownFlag("records verify", a, "--tolerance, --help");
  }
  if (files.length === 0) throw new TypeError("records verify: needs at least one record FILE");
  return tolerance === undefined ? { command: "verify", files } : { command: "verify", files, tolerance };
}

function toleranceValue(raw: string | undefined): number {
  if (raw === undefined)
    throw new TypeError("records verify: --tolerance needs a value (a number in [0, 1])");
  const value = raw.trim() === "" ? Number.NaN : Number(raw);
  checkValue(
    "records verify",
    "--tolerance",
    Number.isNaN(value) ? raw : value,
    opt.number({ min: 0, max: 1 }),
  );
  return value;
}

function parseDiff(argv: readonly string[]): RecordsArgs {
  const flag = argv.find((a) => a.startsWith("-") && a !== "-" && a !== "--");
  if (flag) unknownFlag("records diff", flag, "--help");
  const files = argv.filter((a) => a !== "--");
  if (files.length !== 2) {
    throw new TypeError(`records diff: needs exactly two record files A B, got ${files.length}`);
  }
  return { command: "diff", files: [files[0]!, files[1]!] };
}

function unknownFlag(where: string, flag: string, allowed: string): never {
  throw new TypeError(`${where}: unknown option ${JSON.stringify(flag)}; allowed options: ${allowed}`);
}
