/**
 * docs/formula-index.md lists every formula entry of the five seed documents exactly once (S000-F1 … S004-F22,
 * numbered within each document), with a valid verdict, totals that match the counts below (86 entries:
 * 28 correct, 19 ambiguous, 39 wrong), and a link to a seed notebook that really mentions the ID in one of its
 * cells. The notebooks' own self-checks run in test/notebooks.test.ts.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";

const root = resolve(__dirname, "..");
const indexPath = join(root, "docs", "formula-index.md");

/**
 * Formula entries per seed: the counts each seed notebook states in its introduction, and the "entries" column
 * of the per-seed table at the end of docs/formula-index.md.
 */
const ENTRIES: Record<string, number> = { S000: 37, S001: 6, S002: 16, S003: 5, S004: 22 };
/**
 * Verdict counts per seed, as the seed notebooks state them (introduction or Summary) and as the per-seed table
 * of docs/formula-index.md gives them.
 */
const VERDICTS: Record<string, Record<Verdict, number>> = {
  S000: { correct: 7, ambiguous: 6, wrong: 24 },
  S001: { correct: 1, ambiguous: 3, wrong: 2 },
  S002: { correct: 11, ambiguous: 4, wrong: 1 },
  S003: { correct: 1, ambiguous: 2, wrong: 2 },
  S004: { correct: 8, ambiguous: 4, wrong: 10 },
};
const TOTALS: Record<Verdict, number> = { correct: 28, ambiguous: 19, wrong: 39 };
const VERDICT_NAMES = ["correct", "ambiguous", "wrong"] as const;
type Verdict = (typeof VERDICT_NAMES)[number];

const expectedIds = Object.entries(ENTRIES).flatMap(([seed, n]) =>
  Array.from({ length: n }, (_, i) => `${seed}-F${i + 1}`),
);

interface Row {
  id: string;
  notebook: string;
  functions: string;
  verdict: string;
  line: number;
}

function readRows(): Row[] {
  const rows: Row[] = [];
  readFileSync(indexPath, "utf8")
    .split("\n")
    .forEach((text, i) => {
      if (!/^\|\s*S\d{3}-F\d+\s*\|/.test(text)) return;
      const cells = text
        .replace(/^\|/, "")
        .replace(/\|\s*$/, "")
        .split("|")
        .map((c) => c.trim());
      assert.equal(cells.length, 4, `line ${i + 1}: expected 4 columns, got ${cells.length}: ${text}`);
      const link = cells[1]!.match(/\]\(([^)\s]+\.ipynb)\)/);
      assert.ok(link, `line ${i + 1}: the notebook column has no link to an .ipynb: ${cells[1]}`);
      rows.push({
        id: cells[0]!,
        notebook: resolve(dirname(indexPath), link[1]!),
        functions: cells[2]!,
        verdict: cells[3]!,
        line: i + 1,
      });
    });
  return rows;
}

const rows = readRows();
const idPattern = (id: string) => new RegExp(`${id}(?!\\d)`);

test("the index lists exactly the 86 seed formula IDs, each once, in document order", () => {
  assert.equal(expectedIds.length, 86);
  const ids = rows.map((r) => r.id);
  const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
  assert.deepEqual(duplicates, [], `duplicate rows: ${duplicates.join(", ")}`);
  assert.deepEqual(
    ids.filter((id) => !expectedIds.includes(id)),
    [],
    "rows for IDs no seed document has",
  );
  assert.deepEqual(
    expectedIds.filter((id) => !ids.includes(id)),
    [],
    "seed formula IDs missing from the index",
  );
  assert.deepEqual(ids, expectedIds);
});

test("every row has a verdict (correct / ambiguous / wrong) and names at least one library function", () => {
  for (const r of rows) {
    assert.ok(
      (VERDICT_NAMES as readonly string[]).includes(r.verdict),
      `line ${r.line} (${r.id}): verdict "${r.verdict}" is not one of ${VERDICT_NAMES.join(", ")}`,
    );
    assert.match(r.functions, /`[^`]+`/, `line ${r.line} (${r.id}): no library function named`);
  }
});

test("the verdict counts match the per-seed counts: 28 correct, 19 ambiguous, 39 wrong, and per seed", () => {
  const count = (seed?: string) =>
    Object.fromEntries(
      VERDICT_NAMES.map((v) => [
        v,
        rows.filter((r) => r.verdict === v && (seed === undefined || r.id.startsWith(`${seed}-`))).length,
      ]),
    );
  assert.deepEqual(count(), TOTALS);
  for (const seed of Object.keys(VERDICTS)) assert.deepEqual(count(seed), VERDICTS[seed], seed);
});

test("the totals line of the index states the same numbers", () => {
  const text = readFileSync(indexPath, "utf8");
  const m = text.match(/Totals:\s*(\d+) entries, (\d+) correct, (\d+) ambiguous, (\d+) wrong/);
  assert.ok(m, "no line 'Totals: N entries, N correct, N ambiguous, N wrong'");
  assert.deepEqual(m.slice(1).map(Number), [86, TOTALS.correct, TOTALS.ambiguous, TOTALS.wrong]);
});

/** Every cell's source (markdown and code) of a notebook, as one string per cell. */
function cellSources(path: string): string[] {
  const nb = JSON.parse(readFileSync(path, "utf8")) as { cells: { source: string | string[] }[] };
  return nb.cells.map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source));
}

for (const seed of Object.keys(ENTRIES)) {
  test(`every ${seed} row links to ${seed}.ipynb, which mentions the ID in a cell`, () => {
    const seedRows = rows.filter((r) => r.id.startsWith(`${seed}-`));
    assert.equal(seedRows.length, ENTRIES[seed]);
    const expected = join(root, "notebooks", "seeds", `${seed}.ipynb`);
    for (const r of seedRows) assert.equal(r.notebook, expected, `line ${r.line} (${r.id}) links elsewhere`);
    assert.ok(existsSync(expected), `${expected} does not exist`);
    const sources = cellSources(expected);
    const missing = seedRows.filter((r) => !sources.some((s) => idPattern(r.id).test(s))).map((r) => r.id);
    assert.deepEqual(missing, [], `${seed}.ipynb has no cell mentioning ${missing.join(", ")}`);
  });
}
