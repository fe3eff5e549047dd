/**
 * Strict options: one checker that every public function, layer and model config, `fit` and CLI flag runs over
 * its options object, so that a misspelt key (`{ casual: true }`) or an unknown value (`score: "scaled"`) is an
 * error naming the key, the value and what is allowed, never silently something else.
 * Follows: the "strict options everywhere" decision (ARCHITECTURE.md, December).
 */

/** A value an option may take when it is one of a fixed set. */
export type OptionValue = string | number | boolean | null;

/** What one option may be. Every rule accepts `undefined` (the option left out) unless `required`. */
export type OptionRule =
  | { kind: "boolean"; required?: boolean }
  | {
      kind: "number";
      required?: boolean;
      integer?: boolean;
      /** Inclusive bounds. */
      min?: number;
      max?: number;
      /** Exclusive bounds. */
      above?: number;
      below?: number;
      /** `Infinity` allowed (default: finite only). */
      infinite?: boolean;
    }
  | { kind: "oneOf"; values: readonly OptionValue[]; required?: boolean }
  | { kind: "string"; required?: boolean; nonEmpty?: boolean }
  | { kind: "function"; required?: boolean }
  | { kind: "object"; spec: OptionSpec; required?: boolean }
  /** Checked by the caller (matrices, tensors, nested unions): the key is allowed, its value is not checked here. */
  | { kind: "any"; required?: boolean };

/** The allowed keys of an options object and the rule for each. */
export type OptionSpec = Readonly<Record<string, OptionRule>>;

/** Builders for the rules, so specs read as a table: `{ causal: opt.boolean(), window: opt.integer({ min: 0 }) }`. */
export const opt = {
  boolean: (extra: { required?: boolean } = {}): OptionRule => ({ kind: "boolean", ...extra }),
  number: (bounds: Omit<Extract<OptionRule, { kind: "number" }>, "kind"> = {}): OptionRule => ({
    kind: "number",
    ...bounds,
  }),
  integer: (bounds: Omit<Extract<OptionRule, { kind: "number" }>, "kind" | "integer"> = {}): OptionRule => ({
    kind: "number",
    integer: true,
    ...bounds,
  }),
  oneOf: (values: readonly OptionValue[], extra: { required?: boolean } = {}): OptionRule => ({
    kind: "oneOf",
    values,
    ...extra,
  }),
  string: (extra: { required?: boolean; nonEmpty?: boolean } = {}): OptionRule => ({
    kind: "string",
    ...extra,
  }),
  function: (extra: { required?: boolean } = {}): OptionRule => ({ kind: "function", ...extra }),
  object: (spec: OptionSpec, extra: { required?: boolean } = {}): OptionRule => ({
    kind: "object",
    spec,
    ...extra,
  }),
  any: (extra: { required?: boolean } = {}): OptionRule => ({ kind: "any", ...extra }),
} as const;

/**
 * Checks `options` against `spec` and returns it: a plain object (or `undefined`, read as `{}`), with no key
 * outside the spec and every value allowed by its rule. Throws a TypeError or RangeError whose message starts
 * with `where`, names the key (`where: options.score`), shows the value and lists what is allowed.
 * @example
 *   checkOptions("attend", { score: "dot" }, { score: opt.oneOf(["dot", "scaledDot"]) }); // { score: "dot" }
 *   errorOf(() => checkOptions("attend", { casual: true }, { causal: opt.boolean() })); // 'TypeError: attend: unknown option "casual" (did you mean "causal"?); allowed options: causal'
 */
export function checkOptions<T extends object>(where: string, options: T | undefined, spec: OptionSpec): T {
  checkObject(where, "options", options, spec);
  return (options ?? {}) as T;
}

function checkObject(where: string, path: string, value: unknown, spec: OptionSpec): void {
  if (value === undefined) {
    // Left out: fine unless the spec requires a key, which is then named as missing.
    for (const [key, rule] of Object.entries(spec)) checkValue(where, `${path}.${key}`, undefined, rule);
    return;
  }
  if (!isPlainObject(value)) {
    throw new TypeError(
      `${where}: ${path} must be an object with keys ${listKeys(spec)}, got ${describeValue(value)}`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(spec, key)) {
      const hint = closest(key, Object.keys(spec));
      throw new TypeError(
        `${where}: unknown option "${path === "options" ? "" : `${path.replace(/^options\./, "")}.`}${key}"${hint ? ` (did you mean "${hint}"?)` : ""}; allowed options: ${listKeys(spec)}`,
      );
    }
  }
  for (const [key, rule] of Object.entries(spec)) {
    checkValue(where, `${path}.${key}`, (value as Record<string, unknown>)[key], rule);
  }
}

/**
 * Checks one value against one rule (the same messages as {@link checkOptions}); `name` is how the message
 * names it, e.g. `"options.numHeads"` or `"--timeout"`.
 */
export function checkValue(where: string, name: string, value: unknown, rule: OptionRule): void {
  if (value === undefined) {
    if (rule.required) {
      const what = rule.kind === "any" ? "" : ` (${describeRule(rule)})`; // "any" has nothing more to say
      throw new TypeError(`${where}: ${name} is required${what}`);
    }
    return;
  }
  const bad = (error: typeof TypeError | typeof RangeError = RangeError): never => {
    throw new error(`${where}: ${name} must be ${describeRule(rule)}, got ${describeValue(value)}`);
  };
  switch (rule.kind) {
    case "boolean":
      if (typeof value !== "boolean") bad(TypeError);
      return;
    case "string":
      if (typeof value !== "string") bad(TypeError);
      if (rule.nonEmpty && value === "") bad();
      return;
    case "function":
      if (typeof value !== "function") bad(TypeError);
      return;
    case "oneOf":
      if (!rule.values.some((v) => Object.is(v, value))) bad();
      return;
    case "object":
      checkObject(where, name, value, rule.spec);
      return;
    case "any":
      return;
    case "number":
      if (typeof value !== "number") bad(TypeError);
      if (!inRange(value as number, rule)) bad();
      return;
  }
}

function inRange(x: number, rule: Extract<OptionRule, { kind: "number" }>): boolean {
  if (Number.isNaN(x) || (!rule.infinite && !Number.isFinite(x))) return false;
  if (rule.integer && !Number.isInteger(x)) return false;
  if (rule.min !== undefined && x < rule.min) return false;
  if (rule.max !== undefined && x > rule.max) return false;
  if (rule.above !== undefined && !(x > rule.above)) return false;
  if (rule.below !== undefined && !(x < rule.below)) return false;
  return true;
}

/** The rule in words: "an integer in [1, 64]", "one of "max", "min"", "a boolean". */
export function describeRule(rule: OptionRule): string {
  switch (rule.kind) {
    case "boolean":
      return "a boolean (true or false)";
    case "string":
      return rule.nonEmpty ? "a non-empty string" : "a string";
    case "function":
      return "a function";
    case "oneOf":
      return `one of ${rule.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "object":
      return `an object with keys ${listKeys(rule.spec)}`;
    case "any":
      return "given";
    case "number": {
      const what = rule.integer ? "an integer" : rule.infinite ? "a number" : "a finite number";
      const low =
        rule.min !== undefined ? `≥ ${rule.min}` : rule.above !== undefined ? `> ${rule.above}` : undefined;
      const high =
        rule.max !== undefined ? `≤ ${rule.max}` : rule.below !== undefined ? `< ${rule.below}` : undefined;
      const bounds = [low, high].filter((b) => b !== undefined).join(" and ");
      return bounds ? `${what} ${bounds}` : what;
    }
  }
}

/** How error messages show a value: strings quoted, arrays by length, objects by constructor. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined)
    return String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  const name = (value as object).constructor?.name;
  return name && name !== "Object" ? `a ${name}` : "an object";
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function listKeys(spec: OptionSpec): string {
  const keys = Object.keys(spec);
  return keys.length > 0 ? keys.join(", ") : "(none)";
}

/** The allowed key nearest to a misspelt one (edit distance ≤ 2, or a case-only difference). */
export function closest(key: string, allowed: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const d = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/** Levenshtein distance with adjacent transpositions ("casual" → "causal" is 1). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
