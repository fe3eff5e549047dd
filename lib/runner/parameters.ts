// Papermill-style parameters: `-p name value` values, checked against the notebook's `parameters` cell, and the
// `injected-parameters` cell that sets them.
//
// Convention: a notebook's cell tagged `parameters` declares each parameter with `let` (e.g.
// `let quick = false;`). A parameter may only be set if that cell declares it (with `let` or `var`), and its
// value must have the declared type: the annotation (`let n: number = 3`) or, without one, the type of a
// literal default (`false` → boolean, `3` → number, `"x"` → string); any other default takes any JSON value
// (TypeScript then checks it). The runner inserts a cell tagged `injected-parameters` right after it that
// re-assigns them (`quick = true;`). Every check runs before a kernel starts.
import { closest } from "../check/options.js";
import { type Cell, codeCell, hasTag, type Notebook, sourceText } from "./notebook.js";

export const PARAMETERS_TAG = "parameters";
export const INJECTED_TAG = "injected-parameters";

/** A `-p` value as typed on the command line: the notebook's declaration decides how it is read. */
export class ParameterText {
  constructor(readonly text: string) {}
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** Names that are identifiers but would reach an object's prototype machinery. */
const REFUSED_NAMES = new Set(["__proto__", "constructor", "prototype"]);

/** Throws unless `name` may name a parameter (an identifier, not `__proto__`/`constructor`/`prototype`). */
export function checkParameterName(where: string, name: string): void {
  if (!IDENTIFIER.test(name))
    throw new TypeError(`${where}: parameter name ${JSON.stringify(name)} is not an identifier`);
  if (REFUSED_NAMES.has(name)) throw new TypeError(`${where}: parameter name "${name}" is not allowed`);
}

/** Throws on a non-finite number or a `__proto__` key anywhere inside a parsed JSON value. */
function checkJsonValue(where: string, value: unknown): void {
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new RangeError(`${where}: ${value} is not a finite number`);
  }
  if (value === null || typeof value !== "object") return;
  for (const [key, item] of Object.entries(value)) {
    if (key === "__proto__") throw new TypeError(`${where}: the key "__proto__" is not allowed`);
    checkJsonValue(where, item);
  }
}

/**
 * A `-p` value: JSON when it parses as JSON (numbers must be finite), otherwise the string itself.
 * @example
 *   parseParameterValue("0.5"); // 0.5
 *   parseParameterValue("hello"); // "hello"
 *   errorOf(() => parseParameterValue("1e999")); // 'RangeError: parameter value "1e999": Infinity is not a finite number'
 */
export function parseParameterValue(raw: string, where = `parameter value ${JSON.stringify(raw)}`): unknown {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return raw;
  }
  checkJsonValue(where, value);
  return value;
}

export type ParameterType = "boolean" | "number" | "string" | "any";

/** One parameter the `parameters` cell declares. */
export interface DeclaredParameter {
  kind: "let" | "var" | "const";
  type: ParameterType;
}

/** Splits `a = 1, b = [1, 2]` at the commas outside brackets and strings. */
function splitDeclarators(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = "";
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
    } else if (c === '"' || c === "'" || c === "`") quote = c;
    else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function typeOf(annotation: string | undefined, init: string | undefined): ParameterType {
  const a = annotation?.trim();
  if (a) return a === "boolean" || a === "number" || a === "string" ? a : "any";
  const v = init?.trim() ?? "";
  if (v === "true" || v === "false") return "boolean";
  if (/^-?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(e[+-]?\d+)?$/i.test(v)) return "number";
  if (/^("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`$]*`)$/.test(v)) return "string";
  return "any";
}

/** The parameters a cell declares (one declaration statement per line), by name. */
export function declaredParameters(cell: Cell): Map<string, DeclaredParameter> {
  const declared = new Map<string, DeclaredParameter>();
  // Line comments start at a line's beginning or after whitespace (so "http://…" in a string stays).
  const source = sourceText(cell)
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|\s)\/\/.*$/gm, "$1");
  for (const m of source.matchAll(/\b(let|var|const)\s+([^;\n]*)/g)) {
    for (const declarator of splitDeclarators(m[2]!)) {
      const d = /^\s*([A-Za-z_$][\w$]*)\s*(?::\s*([^=]+?))?\s*(?:=\s*([\s\S]*))?$/.exec(declarator);
      if (d) declared.set(d[1]!, { kind: m[1] as DeclaredParameter["kind"], type: typeOf(d[2], d[3]) });
    }
  }
  return declared;
}

function typed(where: string, value: unknown, type: ParameterType): unknown {
  if (value instanceof ParameterText) {
    const text = value.text;
    if (type === "string") {
      const json = parseParameterValue(text, where);
      return typeof json === "string" && text.trim().startsWith('"') ? json : text;
    }
    value = parseParameterValue(text, where);
  } else {
    checkJsonValue(where, value);
  }
  if (type !== "any" && typeof value !== type) {
    const shown = JSON.stringify(value) ?? String(value);
    throw new TypeError(
      `${where} must be a ${type}${type === "boolean" ? " (true or false)" : ""}, got ${shown}`,
    );
  }
  return value;
}

/**
 * Checks `params` against what `nb`'s `parameters` cell declares and returns the values to inject: each
 * {@link ParameterText} read as its declared type. Throws (message starting with `where`) for a notebook without
 * a `parameters` cell, an undeclared name (listing the declared ones), a `const`, or a value of the wrong type.
 */
export function resolveParameters(
  where: string,
  nb: Notebook,
  params: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const names = Object.keys(params);
  const resolved: Record<string, unknown> = {};
  if (names.length === 0) return resolved;
  const cell = nb.cells.find((c) => c.cell_type === "code" && hasTag(c, PARAMETERS_TAG));
  if (!cell) {
    throw new TypeError(
      `${where}: has no cell tagged "parameters", so it takes no parameters (got ${names.join(", ")})`,
    );
  }
  const declared = declaredParameters(cell);
  for (const name of names) {
    checkParameterName(where, name);
    const d = declared.get(name);
    if (!d) {
      const hint = closest(name, [...declared.keys()]);
      throw new TypeError(
        `${where}: the parameters cell declares no parameter "${name}"${hint ? ` (did you mean "${hint}"?)` : ""}; declared parameters: ${[...declared.keys()].join(", ") || "(none)"}`,
      );
    }
    if (d.kind === "const") {
      throw new TypeError(
        `${where}: parameter ${name} is declared with const in the parameters cell; declare parameters with let`,
      );
    }
    resolved[name] = typed(`${where}: parameter ${name}`, params[name], d.type);
  }
  return resolved;
}

/**
 * The TypeScript source of the injected cell. Re-assignments go in a block so that the cell's last
 * statement is not an expression (tslab would print its value).
 */
export function parametersSource(params: Readonly<Record<string, unknown>>): string {
  const assignments = Object.entries(params).map(([name, value]) => `  ${name} = ${JSON.stringify(value)};`);
  return `${["// Parameters injected by `attnlab run`.", "{", ...assignments, "}"].join("\n")}\n`;
}

/**
 * Checks `params` ({@link resolveParameters}) and inserts the `injected-parameters` cell (replacing one left by
 * an earlier run) after the `parameters` cell. Returns the new cell's index, or -1 when `params` is empty.
 */
export function injectParameters(
  nb: Notebook,
  params: Readonly<Record<string, unknown>>,
  where = "notebook",
): number {
  nb.cells = nb.cells.filter((c) => !hasTag(c, INJECTED_TAG));
  const values = resolveParameters(where, nb, params);
  if (Object.keys(values).length === 0) return -1;
  const at = nb.cells.findIndex((c) => c.cell_type === "code" && hasTag(c, PARAMETERS_TAG));
  nb.cells.splice(at + 1, 0, codeCell(parametersSource(values), [INJECTED_TAG]));
  return at + 1;
}
