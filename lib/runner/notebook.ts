// nbformat 4 notebooks: the types the runner uses, reading, cell ids (minor 5), and atomic writes.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../io/writeFileAtomic.js";

export type MimeBundle = Record<string, unknown>;

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: string;
}
export interface DisplayDataOutput {
  output_type: "display_data";
  data: MimeBundle;
  metadata: Record<string, unknown>;
}
export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CellMetadata extends Record<string, unknown> {
  tags?: string[];
}
export interface CodeCell {
  cell_type: "code";
  id: string;
  metadata: CellMetadata;
  source: string | string[];
  outputs: Output[];
  execution_count: number | null;
}
export interface TextCell {
  cell_type: "markdown" | "raw";
  id: string;
  metadata: CellMetadata;
  source: string | string[];
  attachments?: Record<string, MimeBundle>;
}
export type Cell = CodeCell | TextCell;

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

const ID_PATTERN = /^[a-zA-Z0-9-_]{1,64}$/;

export function newCellId(): string {
  return randomBytes(4).toString("hex");
}

/** Reads an nbformat 4 notebook; throws with the path on anything else. */
export function readNotebook(path: string): Notebook {
  let nb: Notebook;
  try {
    nb = JSON.parse(readFileSync(path, "utf8")) as Notebook;
  } catch (err) {
    throw new Error(`${path}: not a readable notebook (${(err as Error).message})`);
  }
  if (nb?.nbformat !== 4 || !Array.isArray(nb.cells)) {
    throw new Error(`${path}: only nbformat 4 notebooks are supported`);
  }
  return nb;
}

/** Makes the notebook nbformat 4.5: every cell gets a unique valid id; metadata objects exist. */
export function upgradeToCellIds(nb: Notebook): void {
  const seen = new Set<string>();
  nb.metadata ??= {};
  for (const cell of nb.cells) {
    cell.metadata ??= {};
    let id = typeof cell.id === "string" && ID_PATTERN.test(cell.id) ? cell.id : "";
    while (id === "" || seen.has(id)) id = newCellId();
    cell.id = id;
    seen.add(id);
  }
  nb.nbformat_minor = Math.max(5, nb.nbformat_minor ?? 0);
}

export function sourceText(cell: Cell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : (cell.source ?? "");
}

/** Splits text into nbformat's list-of-lines form (each line keeps its newline). */
export function toLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

export function codeCell(source: string, tags: string[] = []): CodeCell {
  return {
    cell_type: "code",
    id: newCellId(),
    metadata: tags.length > 0 ? { tags } : {},
    source: toLines(source),
    outputs: [],
    execution_count: null,
  };
}

export function hasTag(cell: Cell, tag: string): boolean {
  return Array.isArray(cell.metadata?.tags) && cell.metadata.tags.includes(tag);
}

export function writeNotebook(path: string, nb: Notebook): void {
  writeFileAtomic(path, `${JSON.stringify(nb, null, 1)}\n`);
}
