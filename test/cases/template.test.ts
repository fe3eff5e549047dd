/**
 * Every case follows the one template of lib/cases/README.md: the naming rule links folder, experiment name,
 * functions and notebook; a case imports no other case; and every case notebook is a glass box — it builds its
 * model and trains it with `fit` in its own cells, and records through `startExperiment`/`finishExperiment`
 * (the notebooks test then verifies those records exactly).
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { EXPERIMENTS } from "../../lib/cases/registry.js";

const root = resolve(__dirname, "..", "..");
const casesDir = join(root, "lib", "cases");
const kebab = (camel: string) => camel.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const folders = readdirSync(casesDir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

test("every case folder is one registered experiment named after it, with the template's four files", () => {
  const names = EXPERIMENTS.map((e) => e.name).sort();
  assert.deepEqual(folders.map(kebab).sort(), names, "folders (in kebab-case) and experiment names");
  for (const folder of folders) {
    for (const file of ["data.ts", "model.ts", "experiment.ts", "index.ts"]) {
      assert.ok(existsSync(join(casesDir, folder, file)), `lib/cases/${folder}/${file} is missing`);
    }
  }
});

test("every case exports <case>Data, <case>Batch, <case>Model, <case>Evaluate and <case>Experiment", async () => {
  for (const folder of folders) {
    const mod = (await import(join(casesDir, folder, "index.ts"))) as Record<string, unknown>;
    for (const suffix of ["Data", "Batch", "Model", "Evaluate", "Experiment"]) {
      assert.equal(
        typeof mod[`${folder}${suffix}`],
        suffix === "Experiment" ? "object" : "function",
        `lib/cases/${folder} exports no ${folder}${suffix}`,
      );
    }
    const experiment = mod[`${folder}Experiment`] as { name: string };
    assert.equal(experiment.name, kebab(folder), `${folder}Experiment.name`);
  }
});

test("a case notebook is named NN-<name>-<topic>.ipynb after the first experiment it presents", () => {
  const seen = new Set<string>();
  for (const e of EXPERIMENTS) {
    if (seen.has(e.notebook) || !e.notebook.startsWith("notebooks/cases/")) continue;
    seen.add(e.notebook);
    assert.match(basename(e.notebook), new RegExp(`^\\d\\d-${e.name}-[a-z0-9-]+\\.ipynb$`), e.notebook);
    assert.ok(existsSync(join(root, e.notebook)), `${e.notebook} does not exist`);
  }
});

test("no case imports another case's model or experiment (shared code lives in lib/models, lib/metrics…)", () => {
  const bad: string[] = [];
  for (const folder of folders) {
    const dir = join(casesDir, folder);
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
      const text = readFileSync(join(dir, file), "utf8");
      for (const m of text.matchAll(/from\s+"(\.[^"]+)"/g)) {
        const target = relative(casesDir, resolve(dir, m[1]!));
        const top = target.split("/")[0]!;
        // drawing another case's data is allowed (channel attention draws the shapes); nothing else is
        const isData = target === `${top}/data.js`;
        if (!target.startsWith("..") && top !== folder && folders.includes(top) && !isData) {
          bad.push(`lib/cases/${folder}/${file} → lib/cases/${target}`);
        }
      }
    }
  }
  assert.deepEqual(bad, []);
});

interface Cell {
  cell_type: string;
  source: string | string[];
  metadata?: { tags?: string[] };
}
const src = (c: Cell) => (Array.isArray(c.source) ? c.source.join("") : c.source);
const caseNotebooks = readdirSync(join(root, "notebooks", "cases"))
  .filter((f) => f.endsWith(".ipynb"))
  .sort();

/** The code cells every case notebook has (lib/cases/README.md, "The notebook"): a test, and the message. */
const CODE_CELLS: [(cell: string) => boolean, string][] = [
  [(c) => /\bstartExperiment\s*\(/.test(c), "no startExperiment(...) cell"],
  [
    (c) => /\bsameWeights\s*\(/.test(c),
    "no model cell checked with sameWeights against the case's <case>Model(config)",
  ],
  [
    (c) => /(^|[^.\w])fit\s*\(\s*\{/m.test(c) && /\bloss\s*:/.test(c),
    "no cell calls fit({ … loss … }) in view",
  ],
  [
    (c) => /\bapplyWithAttention\s*\(/.test(c),
    "no cell runs an example through the model and shows its attention (applyWithAttention)",
  ],
  [(c) => /\bfinishExperiment\s*\(/.test(c), "no finishExperiment(...) cell (the record)"],
  [(c) => /\bselfCheck\s*\(/.test(c), "no selfCheck"],
];

/** The headings every case notebook ends with. */
const MARKDOWN: [RegExp, string][] = [
  [/^## Summary/m, "no ## Summary"],
  [/^## Exercises/m, "no ## Exercises"],
];

for (const name of caseNotebooks) {
  test(`notebooks/cases/${name} builds its model and trains it with fit in its own cells`, () => {
    const cells: Cell[] = JSON.parse(readFileSync(join(root, "notebooks", "cases", name), "utf8")).cells;
    const code = cells.filter((c) => c.cell_type === "code").map(src);
    const markdown = cells.filter((c) => c.cell_type === "markdown").map(src);
    const params = cells.find((c) => c.metadata?.tags?.includes("parameters"));
    assert.ok(params, "no parameters cell");
    assert.match(src(params), /\bquick\b/, "the parameters cell sets quick");
    assert.ok(
      src(params)
        .split("\n")
        .filter((l) => /^\s*let\s/.test(l)).length >= 2,
      "the parameters cell offers a learner at least one setting besides quick",
    );
    assert.ok(
      !code.some((c) => /\brunExperiment\s*\(/.test(c)),
      "trains through runExperiment (a black box)",
    );
    for (const [has, missing] of CODE_CELLS) assert.ok(code.some(has), missing);
    for (const [heading, missing] of MARKDOWN)
      assert.ok(
        markdown.some((m) => heading.test(m)),
        missing,
      );
  });
}

test("the case notebooks are the ones the registry names", () => {
  const named = new Set(EXPERIMENTS.map((e) => e.notebook).filter((n) => n.startsWith("notebooks/cases/")));
  assert.deepEqual(
    caseNotebooks.map((n) => `notebooks/cases/${n}`),
    [...named].sort(),
    `registry notebooks vs ${relative(root, dirname(join(root, "notebooks/cases/x")))}`,
  );
});

/**
 * The `evaluate` option of each training call that stops early (`stopWhen` or `earlyStopping`) in `text`: the
 * expression after the last `evaluate:` before the stop rule, up to the end of its line.
 */
export function stoppingEvaluations(text: string): string[] {
  const found: string[] = [];
  for (const stop of text.matchAll(/\b(stopWhen|earlyStopping)\s*:/g)) {
    const before = text.slice(0, stop.index);
    const call = Math.max(before.lastIndexOf("fit("), before.lastIndexOf("fitAdam("));
    const at = before.lastIndexOf("evaluate:");
    found.push(at > call ? before.slice(at, before.indexOf("\n", at)) : "(no evaluate before the stop rule)");
  }
  return found;
}

test("training stops on the validation split, never on the test split (cases, exercises, notebooks)", () => {
  const sources: [string, string][] = [];
  for (const folder of folders) {
    for (const file of readdirSync(join(casesDir, folder)).filter((f) => f.endsWith(".ts"))) {
      sources.push([`lib/cases/${folder}/${file}`, readFileSync(join(casesDir, folder, file), "utf8")]);
    }
  }
  for (const dir of ["notebooks", "notebooks/cases", "notebooks/solutions", "notebooks/solutions/cases"]) {
    if (!existsSync(join(root, dir))) continue;
    for (const file of readdirSync(join(root, dir)).filter((f) => f.endsWith(".ipynb"))) {
      const nb = JSON.parse(readFileSync(join(root, dir, file), "utf8")) as { cells: Cell[] };
      sources.push([`${dir}/${file}`, nb.cells.map(src).join("\n")]);
    }
  }
  const wrong: string[] = [];
  let checked = 0;
  for (const [path, text] of sources) {
    for (const evaluation of stoppingEvaluations(text)) {
      checked++;
      if (!/validation/i.test(evaluation) || /\btest\b/.test(evaluation))
        wrong.push(`${path}: ${evaluation.trim()}`);
    }
  }
  assert.ok(checked >= 10, `only ${checked} stopping training calls found: is the pattern still right?`);
  assert.deepEqual(wrong, [], "a stop rule reads metrics that are not the validation split's");
});

test("stoppingEvaluations finds the evaluate of a stopping call, and none of a call without a stop", () => {
  const stops = "fit({\n  evaluate: () => e(m, data.validation).metrics,\n  stopWhen: t,\n});";
  assert.deepEqual(stoppingEvaluations(stops), ["evaluate: () => e(m, data.validation).metrics,"]);
  assert.deepEqual(stoppingEvaluations("fit({ evaluate: () => e(m, data.test) });"), []);
  assert.deepEqual(stoppingEvaluations("fit({\n  stopWhen: t,\n});"), ["(no evaluate before the stop rule)"]);
});
