#!/usr/bin/env node
// Generates notebooks/solutions/<path>.ipynb from one source: the learner notebook notebooks/<path>.ipynb and
// its answers notebooks/answers/<path>.json ({ "<exercise id>": "<code>" }). Each answer cell (nbgrader
// grade_id "<id>-answer") has its `// BEGIN SOLUTION` … `// END SOLUTION` region replaced by the answer;
// everything else stays as it is. `--check` writes nothing and exits 1 if a solution is missing or stale.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const answersDir = join(root, "notebooks", "answers");
const check = process.argv.includes("--check");
const unknown = process.argv.slice(2).filter((a) => a !== "--check");
if (unknown.length > 0) {
  console.error(
    `solutions: unknown argument ${JSON.stringify(unknown[0])}; usage: node scripts/solutions.mjs [--check]`,
  );
  process.exit(2);
}

const BEGIN = "// BEGIN SOLUTION";
const END = "// END SOLUTION";
const text = (cell) => (Array.isArray(cell.source) ? cell.source.join("") : cell.source);
const lines = (s) => {
  const out = s.split("\n").map((l) => `${l}\n`);
  out[out.length - 1] = out[out.length - 1].replace(/\n$/, "");
  return out;
};

/** The solution notebook's JSON text for one learner notebook and its answers. */
export function solve(notebookPath, answers) {
  const nb = JSON.parse(readFileSync(notebookPath, "utf8"));
  const used = new Set();
  for (const cell of nb.cells) {
    const gradeId = cell.metadata?.nbgrader?.grade_id;
    if (!cell.metadata?.nbgrader?.solution || typeof gradeId !== "string") continue;
    const id = gradeId.replace(/-answer$/, "");
    if (!(id in answers))
      throw new Error(`${relative(root, notebookPath)}: no answer for ${id} in notebooks/answers`);
    const source = text(cell);
    const start = source.indexOf(BEGIN);
    const end = source.indexOf(END);
    if (start < 0 || end < start)
      throw new Error(`${relative(root, notebookPath)}: ${gradeId} has no ${BEGIN} … ${END}`);
    cell.source = lines(`${source.slice(0, start + BEGIN.length)}\n${answers[id]}\n${source.slice(end)}`);
    used.add(id);
  }
  const extra = Object.keys(answers).filter((id) => !used.has(id));
  if (extra.length > 0)
    throw new Error(`${relative(root, notebookPath)}: answers without an answer cell: ${extra.join(", ")}`);
  return `${JSON.stringify(nb, null, 1)}\n`;
}

function answerFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? answerFiles(join(dir, e.name)) : e.name.endsWith(".json") ? [join(dir, e.name)] : [],
  );
}

let stale = 0;
for (const file of answerFiles(answersDir)) {
  const rel = relative(answersDir, file).replace(/\.json$/, "");
  const notebook = join(root, "notebooks", `${rel}.ipynb`);
  const target = join(root, "notebooks", "solutions", `${rel}.ipynb`);
  const wanted = solve(notebook, JSON.parse(readFileSync(file, "utf8")));
  const current = existsSync(target) ? readFileSync(target, "utf8") : undefined;
  if (current === wanted) continue;
  if (check) {
    console.error(
      `solutions: ${relative(root, target)} is ${current === undefined ? "missing" : "stale"} (run node scripts/solutions.mjs)`,
    );
    stale++;
    continue;
  }
  mkdirSync(dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, wanted, { flag: "wx" });
  renameSync(temp, target); // the generated file is ours to replace, in one step
  console.log(`wrote ${relative(root, target)}`);
}
process.exit(stale > 0 ? 1 : 0);
