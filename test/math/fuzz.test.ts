/**
 * Property suite: 10,000 seeded random attention problems (shapes 1–16, entries up to ±1e4, random and
 * fully masked rows, all five score functions). Properties: no NaN/Inf; weight rows sum to 1 or are all
 * zero when fully masked; masked keys get weight 0; softmax is shift-invariant; each output row lies in the
 * convex hull of the value rows (checked per coordinate: between the min and max of the values attended).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type AttendOptions, attend, type Matrix, mulberry32, type Rng, softmax } from "../../lib/index.js";

const CASES = 10_000;
const SCORES = ["dot", "scaledDot", "additive", "general", "cosine"] as const;

function randomProblem(rng: Rng, index: number) {
  const size = () => rng.int(1, 16);
  const [t, s, d, dv] = [size(), size(), size(), size()];
  const magnitude = rng.pick([1, 10, 1e3, 1e4]);
  const m = (rows: number, cols: number) => rng.matrix(rows, cols, -magnitude, magnitude);
  const score = SCORES[index % SCORES.length]!;
  const mask = Array.from({ length: t }, () => {
    const kind = rng.next();
    if (kind < 0.1) return new Array<boolean>(s).fill(false); // a fully masked row
    if (kind < 0.5) return Array.from({ length: s }, () => rng.next() < 0.6);
    return new Array<boolean>(s).fill(true);
  });
  const h = size();
  const params: AttendOptions =
    score === "additive"
      ? { score, wq: m(d, h), wk: m(d, h), v: m(1, h)[0]! }
      : score === "general"
        ? { score, w: m(d, d) }
        : { score };
  const temperature = rng.pick([0.1, 1, 5]);
  return { queries: m(t, d), keys: m(s, d), values: m(s, dv), options: { ...params, mask, temperature } };
}

const finite = (m: Matrix) => m.every((row) => row.every(Number.isFinite));

test(`property suite: ${CASES} random attention problems`, (t) => {
  const rng = mulberry32(20261122);
  let fullyMaskedRows = 0;
  for (let c = 0; c < CASES; c++) {
    const p = randomProblem(rng, c);
    const trace = attend(p.queries, p.keys, p.values, p.options);
    const where = `case ${c} (${trace.score}, ${trace.shapes.scores}, ${trace.shapes.output})`;
    assert.ok(finite(trace.weights) && finite(trace.output) && finite(trace.scores), `${where}: NaN or Inf`);
    trace.weights.forEach((row, i) => {
      const allowed = p.options.mask[i]!;
      const total = row.reduce((a, b) => a + b, 0);
      row.forEach((w, j) => assert.ok(allowed[j] ? w >= 0 : w === 0, `${where}: weight [${i}][${j}] = ${w}`));
      if (!allowed.some(Boolean)) {
        fullyMaskedRows++;
        assert.ok(
          total === 0 && trace.output[i]!.every((o) => o === 0),
          `${where}: fully masked row ${i} not zero`,
        );
        return;
      }
      assert.ok(Math.abs(total - 1) < 1e-9, `${where}: row ${i} sums to ${total}`);
      // convex hull: each output coordinate lies between the min and max of the values with weight > 0
      trace.output[i]!.forEach((o, k) => {
        const column = p.values.filter((_, j) => row[j]! > 0).map((v) => v[k]!);
        const slack = 1e-9 * Math.max(1, ...column.map(Math.abs));
        assert.ok(
          o >= Math.min(...column) - slack && o <= Math.max(...column) + slack,
          `${where}: output [${i}][${k}]`,
        );
      });
    });
    // shift invariance: adding a constant to a row of logits leaves its softmax unchanged
    const logits = trace.scaledScores ?? trace.scores;
    const shift = rng.uniform(-1e3, 1e3);
    const a = softmax(logits, { temperature: p.options.temperature });
    const b = softmax(
      logits.map((row) => row.map((x) => x + shift)),
      { temperature: p.options.temperature },
    );
    a.forEach((row, i) =>
      row.forEach((w, j) => assert.ok(Math.abs(w - b[i]![j]!) < 1e-6, `${where}: shift`)),
    );
  }
  t.diagnostic(`fuzz: ${CASES} cases, ${fullyMaskedRows} fully masked rows, all five scores`);
  console.log(`fuzz: ran ${CASES} cases (${fullyMaskedRows} fully masked rows)`);
  assert.ok(fullyMaskedRows > 100, "the suite must exercise fully masked rows");
});
