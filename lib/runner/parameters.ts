// Papermill-style parameters: `-p name value` values and the `injected-parameters` cell that sets them.
//
// Convention: a notebook's cell tagged `parameters` declares each parameter with `let` (e.g.
// `let quick = false;`). The runner inserts a cell tagged `injected-parameters` right after it that
// re-assigns them (`quick = true;`), so TypeScript checks each value against the declared type. A
// parameter the cell does not declare, or any parameter when there is no such cell (then the new cell
// goes first), is declared with `let`. A parameter declared with `const` is an error.
import { type Cell, codeCell, hasTag, type Notebook, sourceText } from "./notebook.js";

export const PARAMETERS_TAG = "parameters";
export const INJECTED_TAG = "injected-parameters";

/** A `-p` value: JSON when it parses as JSON, otherwise the string itself. */
export function parseParameterValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function declarationKind(source: string, name: string): "let" | "var" | "const" | null {
  const escaped = name.replace(/\$/g, "\\$");
  const direct = new RegExp(`\\b(let|var|const)\\s+${escaped}(?![\\w$])`).exec(source);
  if (direct) return direct[1] as "let" | "var" | "const";
  // `let a = 1, b = 2;` declares b with the statement's keyword.
  const statements = source.matchAll(/\b(let|var|const)\s+([^;]*)/g);
  for (const m of statements) {
    if (new RegExp(`,\\s*${escaped}\\s*[:=,]`).test(m[2] ?? "")) return m[1] as "let" | "var" | "const";
  }
  return null;
}

/**
 * The TypeScript source of the injected cell. Re-assignments go in a block so that the cell's last
 * statement is not an expression (tslab would print its value).
 */
export function parametersSource(params: Record<string, unknown>, declared: Cell | undefined): string {
  const declarations: string[] = [];
  const assignments: string[] = [];
  const src = declared ? sourceText(declared) : "";
  for (const [name, value] of Object.entries(params)) {
    if (!IDENTIFIER.test(name))
      throw new Error(`parameter name ${JSON.stringify(name)} is not an identifier`);
    const literal = value === undefined ? "undefined" : JSON.stringify(value);
    const kind = src === "" ? null : declarationKind(src, name);
    if (kind === "const") {
      throw new Error(
        `parameter ${name} is declared with const in the parameters cell; declare parameters with let`,
      );
    }
    if (kind) assignments.push(`  ${name} = ${literal};`);
    else declarations.push(`let ${name} = ${literal};`);
  }
  const block = assignments.length > 0 ? ["{", ...assignments, "}"] : [];
  return `${["// Parameters injected by `attnlab run`.", ...declarations, ...block].join("\n")}\n`;
}

/**
 * Inserts the `injected-parameters` cell (replacing one left by an earlier run) after the `parameters`
 * cell, or first when there is none. Returns the new cell's index, or -1 when `params` is empty.
 */
export function injectParameters(nb: Notebook, params: Record<string, unknown>): number {
  if (Object.keys(params).length === 0) return -1;
  nb.cells = nb.cells.filter((c) => !hasTag(c, INJECTED_TAG));
  const at = nb.cells.findIndex((c) => c.cell_type === "code" && hasTag(c, PARAMETERS_TAG));
  const cell = codeCell(parametersSource(params, at >= 0 ? nb.cells[at] : undefined), [INJECTED_TAG]);
  nb.cells.splice(at + 1, 0, cell);
  return at + 1;
}
