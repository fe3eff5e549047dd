// Strict command-line flags for the `attnlab` commands: one table per command; an unknown flag, a missing or
// repeated value, or a bad number is an error that names the flag and lists the allowed ones.
import { checkValue, closest, type OptionRule } from "../check/options.js";

/** One flag of a command. */
export interface FlagSpec {
  /** The long name, e.g. `"--timeout"`. */
  name: string;
  /** Other spellings, e.g. `["-o"]`. */
  aliases?: readonly string[];
  /** What follows it: nothing (a switch), one value, or a NAME VALUE pair. */
  values?: readonly string[];
  /** May be given more than once (each occurrence is kept); otherwise a second one is an error. */
  repeat?: boolean;
}

/** The flags given, by long name, each occurrence's values in order, and the other (positional) arguments. */
export interface ParsedFlags {
  flags: Map<string, string[][]>;
  positional: string[];
}

/** `-o/--output DIR, --inplace, …`: how messages list a command's flags. */
export function describeFlags(specs: readonly FlagSpec[]): string {
  return specs
    .map((s) => [...(s.aliases ?? []), s.name].join("/") + (s.values?.length ? ` ${s.values.join(" ")}` : ""))
    .join(", ");
}

/**
 * Parses `argv` against `specs`: `--name value`, `--name=value` (one-value flags), `--` ends the flags.
 * Throws a TypeError starting with `command` for an unknown flag (with a did-you-mean) or a missing value,
 * and a RangeError for a flag given twice that may be given once.
 */
export function parseFlags(
  command: string,
  argv: readonly string[],
  specs: readonly FlagSpec[],
): ParsedFlags {
  const byName = new Map<string, FlagSpec>();
  for (const s of specs) for (const n of [s.name, ...(s.aliases ?? [])]) byName.set(n, s);
  const parsed: ParsedFlags = { flags: new Map(), positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      parsed.positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      parsed.positional.push(arg);
      continue;
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = byName.get(flag);
    if (!spec) throw unknownFlag(command, flag, specs, byName);
    const arity = spec.values?.length ?? 0;
    let values: string[];
    if (eq > 0) {
      if (arity !== 1)
        throw new TypeError(`${command}: ${flag} takes ${arity === 0 ? "no value" : "two values"}`);
      values = [arg.slice(eq + 1)];
    } else {
      values = argv.slice(i + 1, i + 1 + arity) as string[];
      i += arity;
    }
    const missing = values.length < arity || values.some((v) => byName.has(v));
    if (missing) {
      throw new TypeError(`${command}: ${flag} needs ${spec.values!.join(" ")}, got ${describeGot(values)}`);
    }
    const seen = parsed.flags.get(spec.name) ?? [];
    if (seen.length > 0 && !spec.repeat) throw new RangeError(`${command}: ${flag} is given more than once`);
    seen.push(values);
    parsed.flags.set(spec.name, seen);
  }
  return parsed;
}

function describeGot(values: string[]): string {
  return values.length === 0 ? "nothing" : values.map((v) => JSON.stringify(v)).join(" ");
}

function unknownFlag(
  command: string,
  flag: string,
  specs: readonly FlagSpec[],
  byName: Map<string, FlagSpec>,
): TypeError {
  const hint = closest(flag, [...byName.keys()]);
  return new TypeError(
    `${command}: unknown option ${flag}${hint ? ` (did you mean ${hint}?)` : ""}; allowed options: ${describeFlags(specs)}`,
  );
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * A flag's number, checked by `rule` (the strict-options messages). Only plain decimal text is a number:
 * `"soon"`, `"0x10"`, `""` are errors naming the flag.
 * @example
 *   numberFlag("attnlab run", "--timeout", "30", opt.number({ min: 0, max: 86400 })); // 30
 */
export function numberFlag(command: string, flag: string, raw: string, rule: OptionRule): number {
  const value = DECIMAL.test(raw.trim()) ? Number(raw) : raw;
  checkValue(command, flag, value, { ...rule, required: true });
  return value as number;
}
